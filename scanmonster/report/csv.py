"""The scan as CSV: one row per result, for spreadsheets.

Excel-safe: UTF-8 with a byte order mark (without it Excel reads Japanese as mojibake) and
CRLF line ends. Cells come from AWS (bucket names, annotations, error messages): a cell
starting with a formula character gets a leading apostrophe, so that opening the file never
runs a formula somebody planted in a resource name (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from scanmonster.metadata import Check
from scanmonster.report.common import cis_ids, lookup, severity_rank, tutorial_url
from scanmonster.scan.model import STATUSES, ScanReport
from scanmonster.tutorials import load_tutorial

COLUMNS = (
    "account_id",
    "account_name",
    "region",
    "check_id",
    "title",
    "severity",
    "resource_type",
    "resource_id",
    "status",
    "annotation",
    "fsbp",
    "securityhub",
    "cis",
    "tutorial",
    "observed_at",
)
# OWASP's list: = + - @ start a formula; tab and carriage return can smuggle one in.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def rows(
    report: ScanReport, registry: Mapping[str, Check], *, language: str, tutorial_base_url: str
) -> list[dict[str, str]]:
    """Rows in reading order: account, region, then failures first, most severe first."""
    names = {a.id: a.name for a in report.accounts}
    titles: dict[str, str] = {}
    table = []
    for result in report.results:
        check = lookup(registry, result.check_id)
        if check.id not in titles:
            titles[check.id] = load_tutorial(check.id, language).title
        table.append(
            {
                "account_id": result.account_id,
                "account_name": names.get(result.account_id, ""),
                "region": result.region,
                "check_id": check.id,
                "title": titles[check.id],
                "severity": check.severity,
                "resource_type": result.resource_type,
                "resource_id": result.resource_id,
                "status": result.compliance,
                "annotation": result.annotation,
                "fsbp": ",".join(check.frameworks.get("fsbp", ())),
                "securityhub": ",".join(check.frameworks.get("securityhub", ())),
                "cis": ",".join(cis_ids(check)),
                "tutorial": tutorial_url(tutorial_base_url, language, check.id),
                "observed_at": result.observed_at,
            }
        )
    order = {status: index for index, status in enumerate(STATUSES)}
    table.sort(
        key=lambda row: (
            row["account_id"],
            row["region"],
            order.get(row["status"], len(order)),
            severity_rank(row["severity"]),
            row["check_id"],
            row["resource_id"],
        )
    )
    return table


def to_csv(
    report: ScanReport, registry: Mapping[str, Check], *, language: str, tutorial_base_url: str
) -> bytes:
    """The file's bytes: BOM, a header row, one row per result."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(report, registry, language=language, tutorial_base_url=tutorial_base_url):
        writer.writerow(guard(row[column]) for column in COLUMNS)
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(
    path: Path,
    report: ScanReport,
    registry: Mapping[str, Check],
    *,
    language: str,
    tutorial_base_url: str,
) -> Path:
    path.write_bytes(
        to_csv(report, registry, language=language, tutorial_base_url=tutorial_base_url)
    )
    return path
