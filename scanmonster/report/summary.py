"""Counting a scan: the numbers the HTML report shows (and its tests compare against).

"Evaluated" means a verdict was reached (passed or failed). Not-applicable results and
errors are not verdicts: an error is counted on its own, never as a pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from scanmonster.metadata import SEVERITIES, Check
from scanmonster.report.common import lookup, severity_rank
from scanmonster.scan.model import (
    COMPLIANT,
    ERROR,
    NON_COMPLIANT,
    NOT_APPLICABLE,
    Result,
    ScanReport,
)


@dataclass
class Counts:
    failed: int = 0
    passed: int = 0
    errors: int = 0
    not_applicable: int = 0
    regions: set[str] = field(default_factory=set)

    @property
    def evaluated(self) -> int:
        return self.failed + self.passed

    def add(self, result: Result) -> None:
        if result.compliance == NON_COMPLIANT:
            self.failed += 1
        elif result.compliance == COMPLIANT:
            self.passed += 1
        elif result.compliance == ERROR:
            self.errors += 1
        elif result.compliance == NOT_APPLICABLE:
            self.not_applicable += 1
        self.regions.add(result.region)


def matrix(report: ScanReport) -> dict[tuple[str, str], Counts]:
    """(account id, check id) -> counts over all regions."""
    cells: dict[tuple[str, str], Counts] = {}
    for result in report.results:
        cells.setdefault((result.account_id, result.check_id), Counts()).add(result)
    return cells


def totals(report: ScanReport) -> Counts:
    total = Counts()
    for result in report.results:
        total.add(result)
    return total


def by_account(report: ScanReport) -> dict[str, Counts]:
    counts = {account.id: Counts() for account in report.accounts}
    for result in report.results:
        counts.setdefault(result.account_id, Counts()).add(result)
    return counts


def failed_by_severity(report: ScanReport, registry: Mapping[str, Check]) -> dict[str, int]:
    """Failed findings per severity, every severity present (zero included), most severe
    first."""
    counter = Counter(lookup(registry, r.check_id).severity for r in report.failed())
    return {severity: counter.get(severity, 0) for severity in SEVERITIES}


def failed_by_account_severity(
    report: ScanReport, registry: Mapping[str, Check]
) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {
        a.id: dict.fromkeys(SEVERITIES, 0) for a in report.accounts
    }
    for result in report.failed():
        row = counts.setdefault(result.account_id, dict.fromkeys(SEVERITIES, 0))
        row[lookup(registry, result.check_id).severity] += 1
    return counts


def failed_checks(report: ScanReport, registry: Mapping[str, Check]) -> list[Check]:
    """Checks with at least one failure: most severe first, then most failures."""
    failures = Counter(r.check_id for r in report.failed())
    checks = [lookup(registry, check_id) for check_id in failures]
    return sorted(checks, key=lambda c: (severity_rank(c.severity), -failures[c.id], c.id))


def account_ids(report: ScanReport) -> list[str]:
    """Accounts in the report's order, plus any that only appear in results."""
    ids = [a.id for a in report.accounts]
    return ids + sorted({r.account_id for r in report.results} - set(ids))


def check_ids(report: ScanReport) -> list[str]:
    ids = list(report.check_ids)
    return ids + sorted({r.check_id for r in report.results} - set(ids))
