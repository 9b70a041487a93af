"""Reading the findings that AWS Config's integration puts into Security Hub (ASFF).

Shape (Security Hub user guide, "AWS Config" under "AWS service integrations"):
ProductArn `arn:<partition>:securityhub:<region>::product/aws/config`, Id
`<ConfigRuleArn>/finding/<hash>`, Title = the rule name, Compliance.Status FAILED /
PASSED / NOT_AVAILABLE / WARNING, and ProductFields `aws/securityhub/ProductName` "Config",
`aws/config/ConfigRuleName`, `aws/config/ConfigRuleArn`, `aws/config/ConfigComplianceType`.
A finding is ours only when it comes from Config AND its rule is `scanmonster-<id>` for a
registered check: anything else is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scanmonster.metadata import RULE_NAME_PREFIX, Check

RULE_PREFIX = RULE_NAME_PREFIX
CONFIG_PRODUCT = "Config"
PRODUCT_NAME_FIELD = "aws/securityhub/ProductName"
RULE_NAME_FIELD = "aws/config/ConfigRuleName"

FAILED = "FAILED"
ACTIVE = "ACTIVE"
SUPPRESSED = "SUPPRESSED"
# UserDefinedFields values must match `.*\S.*` (API model): "" cannot clear a field, so a
# cleared field holds this word, and readers treat it as absent.
NONE = "none"

# Our UserDefinedFields. STATE is the loop guard: see plan.py.
FIELD_MARK = "scanmonster"  # "true" on every finding we handled: insight/console filter
FIELD_CHECK = "scanmonster_check"
FIELD_TUTORIAL = "scanmonster_tutorial"
FIELD_REMEDIATION = "scanmonster_remediation"
FIELD_STATE = "scanmonster_state"
FIELD_ACCEPTANCE = "scanmonster_acceptance"
FIELD_ACCEPTANCE_EXPIRES = "scanmonster_acceptance_expires"
# Written by the one-click action (remediation/oneclick): "started <UTC time>", "refused",
# "failed". The enricher never reads it, so it survives enrichment (fields merge by key).
FIELD_FIX = "scanmonster_fix"
# Framework key in check.toml -> field; CIS versions share one field ("v3.0.0/1.5").
FIELD_FRAMEWORKS = {
    "fsbp": "scanmonster_fsbp",
    "securityhub": "scanmonster_securityhub",
    "cis": "scanmonster_cis",
}


@dataclass(frozen=True)
class Finding:
    """The parts of a Config finding the enricher reads; `raw` is never logged."""

    id: str
    product_arn: str
    account: str
    region: str
    rule_name: str
    compliance: str
    workflow: str
    record_state: str
    resources: tuple[str, ...]
    fields: Mapping[str, str]

    @property
    def identifier(self) -> dict[str, str]:
        return {"Id": self.id, "ProductArn": self.product_arn}

    @property
    def check_id(self) -> str:
        return self.rule_name.removeprefix(RULE_PREFIX)

    @property
    def stored_state(self) -> str | None:
        return self.fields.get(FIELD_STATE)

    @property
    def our_acceptance(self) -> str | None:
        """The acceptance id we suppressed this finding with, if it still carries one."""
        value = self.fields.get(FIELD_ACCEPTANCE)
        return None if value in (None, NONE) else value

    @property
    def our_acceptance_expires(self) -> str | None:
        value = self.fields.get(FIELD_ACCEPTANCE_EXPIRES)
        return None if value in (None, NONE) else value

    @property
    def resource_names(self) -> tuple[str, ...]:
        """Every resource as Security Hub names it (usually an ARN) and by its short id
        (the part after the last '/' or ':'), so that an acceptance may use either."""
        names: list[str] = []
        for resource in self.resources:
            short = resource.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            names.extend(n for n in (resource, short) if n and n not in names)
        return tuple(names)


def product_name(raw: Mapping[str, Any]) -> str | None:
    fields = raw.get("ProductFields") or {}
    return fields.get(PRODUCT_NAME_FIELD) or raw.get("ProductName")


# AWS Config's own product in one region: only AWS Config can import findings under it, so
# a finding with exactly this ProductArn was written by Config, whatever its other fields
# claim (a finding of another product may copy Config's ProductFields, never its ARN).
_CONFIG_PRODUCT_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z]+)*):securityhub:(?P<region>[a-z0-9-]+)::product/aws/config"
)


def config_product_partition(raw: Mapping[str, Any]) -> str | None:
    """The partition of a finding whose ProductArn is exactly AWS Config's product in the
    finding's own region (`arn:<partition>:securityhub:<region>::product/aws/config`), or
    None for any other ProductArn."""
    match = _CONFIG_PRODUCT_ARN.fullmatch(str(raw.get("ProductArn", "")))
    if match is None or match.group("region") != _region(raw):
        return None
    return match.group("partition")


def rule_name(raw: Mapping[str, Any]) -> str | None:
    return (raw.get("ProductFields") or {}).get(RULE_NAME_FIELD)


def our_check(raw: Mapping[str, Any], registry: Mapping[str, Check]) -> Check | None:
    """The registered check whose Config rule produced this finding, or None when the
    finding is not ours (another product, another Config rule, an unknown check)."""
    if product_name(raw) != CONFIG_PRODUCT:
        return None
    name = rule_name(raw)
    if not isinstance(name, str) or not name.startswith(RULE_PREFIX):
        return None
    return registry.get(name.removeprefix(RULE_PREFIX))


def parse_finding(raw: Mapping[str, Any]) -> Finding:
    """Read a finding of ours (call `our_check` first). A missing Id or ProductArn means the
    event is not a finding at all: KeyError, which fails the invocation loudly."""
    resources = tuple(
        r["Id"] for r in raw.get("Resources") or () if isinstance(r, dict) and r.get("Id")
    )
    fields = raw.get("UserDefinedFields") or {}
    return Finding(
        id=raw["Id"],
        product_arn=raw["ProductArn"],
        account=raw.get("AwsAccountId", ""),
        region=_region(raw),
        rule_name=rule_name(raw) or "",
        # "UNKNOWN" rather than "": the value is stored in a field that refuses blanks.
        compliance=(raw.get("Compliance") or {}).get("Status") or "UNKNOWN",
        workflow=(raw.get("Workflow") or {}).get("Status") or raw.get("WorkflowState") or "",
        record_state=raw.get("RecordState", ""),
        resources=resources,
        fields={str(k): str(v) for k, v in fields.items()},
    )


def _region(raw: Mapping[str, Any]) -> str:
    """The region the finding came from (with cross-region aggregation it differs from the
    region the function runs in): Region, else the first resource's, else the ProductArn's."""
    if raw.get("Region"):
        return raw["Region"]
    for resource in raw.get("Resources") or ():
        if isinstance(resource, dict) and resource.get("Region"):
            return resource["Region"]
    parts = str(raw.get("ProductArn", "")).split(":")
    return parts[3] if len(parts) > 3 else ""
