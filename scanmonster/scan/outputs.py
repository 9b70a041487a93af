"""What a scan leaves behind, in one folder: the HTML report, the findings as ASFF JSON and
CSV, and (unless the team publishes them elsewhere) the rendered tutorials the report and
the findings link to."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import boto3

from scanmonster.aws import BOTO_CONFIG
from scanmonster.findings.process import PAGE_SIZE, SWEEP_FILTERS
from scanmonster.metadata import Check
from scanmonster.report.asff import from_asff, to_asff
from scanmonster.report.csv import write_csv
from scanmonster.report.html import render_html
from scanmonster.scan.model import ScanReport
from scanmonster.site import build_site

TUTORIALS_FOLDER = "tutorials"


def write_outputs(
    report: ScanReport,
    registry: Mapping[str, Check],
    folder: Path,
    *,
    language: str,
    tutorial_base_url: str | None,
) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    if tutorial_base_url is None:
        # Links relative to the report: the folder can be zipped, mailed or served as is.
        written["tutorials"] = build_site(folder / TUTORIALS_FOLDER, registry)
        tutorial_base_url = TUTORIALS_FOLDER
    settings = {"language": language, "tutorial_base_url": tutorial_base_url.rstrip("/")}
    findings = folder / "findings.json"
    findings.write_text(
        json.dumps(to_asff(report, registry, **settings), indent=1, ensure_ascii=False),
        encoding="utf-8",
    )
    written["findings (ASFF)"] = findings
    written["findings (CSV)"] = write_csv(folder / "findings.csv", report, registry, **settings)
    page = folder / "report.html"
    page.write_text(render_html(report, registry, **settings), encoding="utf-8")
    written["report"] = page
    return written


def read_findings(path: Path) -> ScanReport:
    """A report from findings.json (ours, or findings exported from Security Hub)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    findings = data.get("Findings", data) if isinstance(data, dict) else data
    if not isinstance(findings, list):
        raise ValueError(f"{path}: expected a list of ASFF findings")
    return from_asff(findings)


def pull_findings(session: boto3.Session, region: str) -> ScanReport:
    """Our rules' active findings from Security Hub (the security account's aggregation
    region holds every account's and region's): the deployed checks' results as a report."""
    hub = session.client("securityhub", region_name=region, config=BOTO_CONFIG)
    pages = hub.get_paginator("get_findings").paginate(
        Filters=SWEEP_FILTERS, PaginationConfig={"PageSize": PAGE_SIZE}
    )
    return from_asff([finding for page in pages for finding in page.get("Findings", [])])
