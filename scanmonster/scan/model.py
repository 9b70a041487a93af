"""What a scan produces, shared by the scanner, the report writers and the demo.

A Result is one verdict of one check on one resource (or on an account) in one account and
region: the same fact a deployed rule would put into Security Hub. A check that could not
run (AccessDenied, a service missing in a region) gives one ERROR result for that account,
region and check, and the scan goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COMPLIANT = "COMPLIANT"
NON_COMPLIANT = "NON_COMPLIANT"
NOT_APPLICABLE = "NOT_APPLICABLE"
ERROR = "ERROR"
STATUSES = (NON_COMPLIANT, ERROR, COMPLIANT, NOT_APPLICABLE)


@dataclass(frozen=True)
class Result:
    account_id: str
    region: str
    check_id: str
    resource_type: str  # AWS Config type, e.g. AWS::S3::Bucket; AWS::::Account for accounts
    resource_id: str  # Config resource id (bucket name, sg-..., account id); "" for errors
    compliance: str  # one of STATUSES
    annotation: str  # the check's sentence, or the error message
    observed_at: str  # ISO 8601 UTC time of the evaluation


@dataclass(frozen=True)
class Account:
    id: str
    name: str = ""


@dataclass
class ScanReport:
    accounts: list[Account]
    regions: list[str]
    check_ids: list[str]
    started_at: str
    finished_at: str = ""
    results: list[Result] = field(default_factory=list)

    def failed(self) -> list[Result]:
        return [r for r in self.results if r.compliance == NON_COMPLIANT]

    def errors(self) -> list[Result]:
        return [r for r in self.results if r.compliance == ERROR]
