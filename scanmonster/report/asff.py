"""A scan as AWS Security Finding Format (ASFF) findings, and back.

One finding per Result, shaped like the findings of our deployed rules (Config's
integration plus our enrichment: same Title, GeneratorId, Types, Severity, Remediation and
UserDefinedFields), so that people, scripts and Security Hub read both the same way. Two
differences on purpose: the ProductArn is the account's own "default" product (a local scan
is not AWS Config), and ProductName is "ScanMonster", so the deployed enricher (which only
touches findings from Config) never mistakes a local finding for one of its own.

`from_asff` rebuilds the ScanReport: every Result field is kept verbatim in ProductFields
(`scanmonster/...`), because the human-facing fields are shortened or derived (ARNs,
Description). It also reads findings of the deployed rules exported from Security Hub,
from their standard fields.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from scanmonster.findings import asff as deployed
from scanmonster.findings.plan import enrichment_fields, finding_types
from scanmonster.findings.settings import Settings
from scanmonster.metadata import ACCOUNT_RESOURCE_TYPE, RULE_NAME_PREFIX, Check
from scanmonster.report.common import lookup, tutorial_url
from scanmonster.scan.model import (
    COMPLIANT,
    ERROR,
    NON_COMPLIANT,
    NOT_APPLICABLE,
    Account,
    Result,
    ScanReport,
)
from scanmonster.tutorials import load_tutorial

SCHEMA_VERSION = "2018-10-08"
PRODUCT_NAME = "ScanMonster"
DESCRIPTION_MAX = 1024  # BatchImportFindings refuses longer descriptions
FIELD_VALUE_MAX = 2048  # ProductFields values
USER_FIELD_VALUE_MAX = 1024  # UserDefinedFields values
RECOMMENDATION_MAX = 512

COMPLIANCE_TO_ASFF = {
    COMPLIANT: "PASSED",
    NON_COMPLIANT: "FAILED",
    NOT_APPLICABLE: "NOT_AVAILABLE",
    ERROR: "WARNING",
}
ASFF_TO_COMPLIANCE = {value: key for key, value in COMPLIANCE_TO_ASFF.items()}
# Reason codes Security Hub uses for Config-based findings that did not pass or fail.
REASON_CODES = {
    NOT_APPLICABLE: "CONFIG_RETURNS_NOT_APPLICABLE",
    ERROR: "CONFIG_RULE_EVALUATION_ERROR",
}

# AWS Config resource type -> ASFF resource type (Security Hub's names).
ASFF_RESOURCE_TYPES = {
    ACCOUNT_RESOURCE_TYPE: "AwsAccount",
    "AWS::S3::Bucket": "AwsS3Bucket",
    "AWS::EC2::SecurityGroup": "AwsEc2SecurityGroup",
    "AWS::IAM::User": "AwsIamUser",
    "AWS::KMS::Key": "AwsKmsKey",
    "AWS::RDS::DBInstance": "AwsRdsDbInstance",
    "AWS::CloudTrail::Trail": "AwsCloudTrailTrail",
}
CONFIG_RESOURCE_TYPES = {value: key for key, value in ASFF_RESOURCE_TYPES.items()}
OTHER_RESOURCE_TYPE = "Other"

# ProductFields holding the Result verbatim (values must be non-blank: absent means "").
F_ACCOUNT_NAME = "scanmonster/AccountName"
F_RESOURCE_TYPE = "scanmonster/ResourceType"
F_RESOURCE_ID = "scanmonster/ResourceId"
F_COMPLIANCE = "scanmonster/ComplianceType"
F_ANNOTATION = "scanmonster/Annotation"
F_OBSERVED_AT = "scanmonster/ObservedAt"
F_SCAN_STARTED = "scanmonster/ScanStartedAt"
F_SCAN_FINISHED = "scanmonster/ScanFinishedAt"
F_SCAN_REGIONS = "scanmonster/ScanRegions"
F_SCAN_CHECKS = "scanmonster/ScanChecks"


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def finding_id(result: Result) -> str:
    """Stable across scans: the same account, region, check and resource give the same Id,
    so re-importing a later scan updates the finding instead of adding one."""
    digest = hashlib.sha256(f"{result.resource_type}\n{result.resource_id}".encode()).hexdigest()
    return f"scanmonster/{result.account_id}/{result.region}/{result.check_id}/{digest[:32]}"


def resource_arn(result: Result) -> str:
    """The resource as Security Hub names it: an ARN where the Config id is enough to build
    one; otherwise the Config id itself (an IAM user's or RDS instance's Config id is not
    the name its ARN needs). Errors concern the account."""
    p, region, account = partition(result.region), result.region, result.account_id
    rid = result.resource_id
    if not rid or result.resource_type == ACCOUNT_RESOURCE_TYPE:
        return f"{ACCOUNT_RESOURCE_TYPE}:{account}"  # how Config's findings name accounts
    if result.resource_type == "AWS::S3::Bucket":
        return f"arn:{p}:s3:::{rid}"
    if result.resource_type == "AWS::EC2::SecurityGroup":
        return f"arn:{p}:ec2:{region}:{account}:security-group/{rid}"
    if result.resource_type == "AWS::KMS::Key":
        return f"arn:{p}:kms:{region}:{account}:key/{rid}"
    return rid


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _put(fields: dict[str, str], key: str, value: str, limit: int = FIELD_VALUE_MAX) -> None:
    # The API refuses blank values; a list that does not fit is left out (from_asff then
    # derives it from the findings).
    if value.strip() and len(value) <= limit:
        fields[key] = value


def to_asff(
    report: ScanReport,
    registry: Mapping[str, Check],
    *,
    language: str,
    tutorial_base_url: str,
) -> list[dict[str, Any]]:
    """One BatchImportFindings-ready finding per result, in the report's order."""
    names = {a.id: a.name for a in report.accounts}
    settings = Settings(language, tutorial_base_url.rstrip("/"), None, "HIGH")
    summaries = {
        c: load_tutorial(c, language).summary for c in {r.check_id for r in report.results}
    }
    scan_fields: dict[str, str] = {}
    _put(scan_fields, F_SCAN_STARTED, report.started_at)
    _put(scan_fields, F_SCAN_FINISHED, report.finished_at)
    _put(scan_fields, F_SCAN_REGIONS, ",".join(report.regions))
    _put(scan_fields, F_SCAN_CHECKS, ",".join(report.check_ids))
    return [
        _finding(
            result,
            lookup(registry, result.check_id),
            account_name=names.get(result.account_id, ""),
            summary=summaries[result.check_id],
            settings=settings,
            scan_fields=scan_fields,
        )
        for result in report.results
    ]


def _finding(
    result: Result,
    check: Check,
    *,
    account_name: str,
    summary: str,
    settings: Settings,
    scan_fields: Mapping[str, str],
) -> dict[str, Any]:
    region, account = result.region, result.account_id
    observed_at = result.observed_at or scan_fields.get(F_SCAN_STARTED, "")
    status = COMPLIANCE_TO_ASFF[result.compliance]
    product_fields = {
        deployed.RULE_NAME_FIELD: check.config_rule_name,
        "aws/config/ConfigComplianceType": result.compliance,
        **scan_fields,
    }
    _put(product_fields, F_ACCOUNT_NAME, account_name)
    _put(product_fields, F_RESOURCE_TYPE, result.resource_type)
    _put(product_fields, F_RESOURCE_ID, result.resource_id)
    _put(product_fields, F_COMPLIANCE, result.compliance)
    _put(product_fields, F_ANNOTATION, result.annotation)
    _put(product_fields, F_OBSERVED_AT, result.observed_at)

    compliance: dict[str, Any] = {"Status": status}
    reason = REASON_CODES.get(result.compliance)
    if reason:
        compliance["StatusReasons"] = [{"ReasonCode": reason}]
        if result.annotation.strip():
            compliance["StatusReasons"][0]["Description"] = _cut(result.annotation, 2048)

    description = check.title
    if result.annotation.strip():
        prefix = "Could not run: " if result.compliance == ERROR else ""
        description = f"{check.title}. {prefix}{result.annotation}"

    user_fields = {
        key: _cut(value, USER_FIELD_VALUE_MAX)
        for key, value in enrichment_fields(check, settings).items()
    }
    finding: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_id(result),
        "ProductArn": f"arn:{partition(region)}:securityhub:{region}:{account}:"
        f"product/{account}/default",
        "ProductName": PRODUCT_NAME,
        "CompanyName": PRODUCT_NAME,
        "Region": region,
        "GeneratorId": check.config_rule_name,
        "AwsAccountId": account,
        "Types": finding_types(check),
        "FirstObservedAt": observed_at,
        "LastObservedAt": observed_at,
        "CreatedAt": observed_at,
        "UpdatedAt": observed_at,
        # The check's severity on every finding, as the deployed enrichment sets it.
        "Severity": {"Label": check.severity, "Original": check.severity},
        "Title": check.config_rule_name,  # what Config's integration shows as the title
        "Description": _cut(description, DESCRIPTION_MAX),
        "Remediation": {
            "Recommendation": {
                "Text": _cut(summary, RECOMMENDATION_MAX),
                "Url": tutorial_url(settings.tutorial_base_url, settings.language, check.id),
            }
        },
        "ProductFields": product_fields,
        "UserDefinedFields": user_fields,
        "Resources": [
            {
                "Type": ASFF_RESOURCE_TYPES.get(
                    result.resource_type if result.resource_id else ACCOUNT_RESOURCE_TYPE,
                    OTHER_RESOURCE_TYPE,
                ),
                "Id": resource_arn(result),
                "Partition": partition(region),
                "Region": region,
            }
        ],
        "Compliance": compliance,
        # Passing and not-applicable results need nobody's attention.
        "Workflow": {"Status": "RESOLVED" if status in ("PASSED", "NOT_AVAILABLE") else "NEW"},
        "RecordState": "ACTIVE",
    }
    if account_name.strip():
        finding["AwsAccountName"] = account_name
    return finding


class AsffError(ValueError):
    """A finding claims to be ours but lacks what a result needs."""


def from_asff(findings: Iterable[Mapping[str, Any]]) -> ScanReport:
    """The ScanReport the findings describe. Findings of other products are skipped.

    Accounts, regions and checks come from the scan fields when the findings carry them,
    otherwise from the findings themselves (in order of appearance).
    """
    results: list[Result] = []
    names: dict[str, str] = {}
    scan: dict[str, str] = {}
    for index, raw in enumerate(findings):
        check_id = _check_id(raw)
        if check_id is None:
            continue
        fields = raw.get("ProductFields") or {}
        try:
            result = _result(raw, fields, check_id)
        except (KeyError, TypeError, IndexError) as error:
            raise AsffError(
                f"finding {index} ({raw.get('Id', 'no Id')}): missing {error}"
            ) from None
        results.append(result)
        name = fields.get(F_ACCOUNT_NAME) or raw.get("AwsAccountName") or ""
        names.setdefault(result.account_id, name)
        for key in (F_SCAN_STARTED, F_SCAN_FINISHED, F_SCAN_REGIONS, F_SCAN_CHECKS):
            if key in fields:
                scan.setdefault(key, fields[key])

    def listed(key: str, seen: Iterable[str]) -> list[str]:
        return scan[key].split(",") if key in scan else list(dict.fromkeys(seen))

    return ScanReport(
        accounts=[Account(a, n) for a, n in names.items()],
        regions=listed(F_SCAN_REGIONS, (r.region for r in results)),
        check_ids=listed(F_SCAN_CHECKS, (r.check_id for r in results)),
        started_at=scan.get(F_SCAN_STARTED) or min((r.observed_at for r in results), default=""),
        finished_at=scan.get(F_SCAN_FINISHED, ""),
        results=results,
    )


def _check_id(raw: Mapping[str, Any]) -> str | None:
    """The check of a finding of ours (local scan or deployed rule), else None."""
    rule = deployed.rule_name(raw) or raw.get("GeneratorId") or ""
    if not isinstance(rule, str) or not rule.startswith(RULE_NAME_PREFIX):
        return None
    return rule.removeprefix(RULE_NAME_PREFIX)


def _result(raw: Mapping[str, Any], fields: Mapping[str, str], check_id: str) -> Result:
    if F_COMPLIANCE in fields:  # written by to_asff: everything verbatim
        return Result(
            account_id=raw["AwsAccountId"],
            region=raw.get("Region") or raw["Resources"][0]["Region"],
            check_id=check_id,
            resource_type=fields.get(F_RESOURCE_TYPE, ""),
            resource_id=fields.get(F_RESOURCE_ID, ""),
            compliance=fields[F_COMPLIANCE],
            annotation=fields.get(F_ANNOTATION) or _reason(raw),
            observed_at=fields.get(F_OBSERVED_AT, ""),
        )
    # A deployed rule's finding exported from Security Hub: derive from standard fields.
    resource = raw["Resources"][0]
    status = raw["Compliance"]["Status"]
    config_type = CONFIG_RESOURCE_TYPES.get(resource["Type"], resource["Type"])
    short_id = resource["Id"].rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return Result(
        account_id=raw["AwsAccountId"],
        region=raw.get("Region") or resource.get("Region") or "",
        check_id=check_id,
        resource_type=config_type,
        resource_id=short_id,
        compliance=ASFF_TO_COMPLIANCE.get(status, ERROR),
        annotation=_reason(raw),
        observed_at=raw["UpdatedAt"],
    )


def _reason(raw: Mapping[str, Any]) -> str:
    """The status reason's description: the annotation, cut to what the field holds."""
    reasons = (raw.get("Compliance") or {}).get("StatusReasons") or [{}]
    return reasons[0].get("Description") or ""
