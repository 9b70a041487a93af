"""The member-account side of a fix: AWS Config in the finding's own account and Region,
called with the assumed starter role.

Resource keys always come from AWS Config's own evaluation results for the rule (the keys
StartRemediationExecution wants are exactly the ones Config evaluated), and a finding only
selects among them: nothing the finding says is ever sent to AWS Config as a key.

Every IAM action called here is listed in MEMBER_ACTIONS (settings.py): the starter role
in the member accounts allows exactly these, and a test proves the code calls nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from scanmonster.metadata import ACCOUNT_RESOURCE_TYPE, Check
from scanmonster.remediation.oneclick.settings import MEMBER_ACTIONS

__all__ = ["MEMBER_ACTIONS", "ResourceKey", "Wanted", "resolve_keys", "start_remediation"]

NON_COMPLIANT = "NON_COMPLIANT"
PAGE_SIZE = 100  # GetComplianceDetailsByConfigRule and SelectResourceConfig: Limit <= 100
MAX_KEYS = 100  # StartRemediationExecution: at most 100 ResourceKeys a call (API reference)
MAX_EXPRESSION = 4096  # SelectResourceConfig: Expression length (API reference)

# Resource types whose AWS Config resource id cannot be read from the ARN that Security Hub
# shows as the finding's resource. Seen in real recordings (tests/fixtures/recorded/):
# AWS::RDS::DBInstance -> the DbiResourceId ("db-MHEGTMFH4QCW..."), the ARN ends in the
# instance name; AWS::IAM::User and ::Policy -> the IAM unique id ("AIDA...", "ANPA..."),
# the ARN ends in the name. Roles and groups follow the same IAM scheme ("AROA", "AGPA").
ID_NOT_IN_ARN = frozenset(
    {
        "AWS::RDS::DBInstance",
        "AWS::IAM::User",
        "AWS::IAM::Policy",
        "AWS::IAM::Role",
        "AWS::IAM::Group",
    }
)
# An ARN that may be quoted inside a SelectResourceConfig expression: no quote, space,
# backslash, bracket or other character that could end the literal or start syntax.
_SAFE_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z]+)*):[a-z0-9-]+:(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d{12}):[A-Za-z0-9_./:+=@,-]{1,1024}",
    re.ASCII,
)


@dataclass(frozen=True)
class ResourceKey:
    """A resource as AWS Config names it (EvaluationResultQualifier / ResourceKey)."""

    resource_type: str
    resource_id: str

    def as_api(self) -> dict[str, str]:
        return {"resourceType": self.resource_type, "resourceId": self.resource_id}


@dataclass(frozen=True)
class Wanted:
    """What one finding offers to select its key: its account (account-level checks), its
    resource ids as Security Hub shows them (full ARN and short id), and its ARNs."""

    account: str
    names: tuple[str, ...]
    arns: tuple[str, ...]


def non_compliant_keys(config: Any, rule_name: str) -> list[ResourceKey]:
    """Every resource AWS Config currently lists as NON_COMPLIANT with the rule."""
    keys: list[ResourceKey] = []
    pages = config.get_paginator("get_compliance_details_by_config_rule").paginate(
        ConfigRuleName=rule_name,
        ComplianceTypes=[NON_COMPLIANT],
        PaginationConfig={"PageSize": PAGE_SIZE},
    )
    for page in pages:
        for result in page.get("EvaluationResults", []):
            qualifier = (result.get("EvaluationResultIdentifier") or {}).get(
                "EvaluationResultQualifier"
            ) or {}
            if (
                result.get("ComplianceType") == NON_COMPLIANT
                and qualifier.get("EvaluationMode", "DETECTIVE") == "DETECTIVE"
                and qualifier.get("ResourceType")
                and qualifier.get("ResourceId")
            ):
                key = ResourceKey(qualifier["ResourceType"], qualifier["ResourceId"])
                if key not in keys:
                    keys.append(key)
    return keys


def resolve_keys(
    config: Any,
    check: Check,
    wanted: Sequence[Wanted],
    *,
    partition: str,
    account: str,
    region: str,
) -> list[ResourceKey | None]:
    """For each finding (same order), Config's key of its resource when Config lists that
    resource as non-compliant now, else None."""
    keys = non_compliant_keys(config, check.config_rule_name)
    by_id: dict[str, ResourceKey] = {}
    for key in keys:
        by_id.setdefault(key.resource_id, key)
    resolved: list[ResourceKey | None] = []
    for item in wanted:
        if check.is_account_level:
            # Config evaluates the account itself: its resource id is the account id.
            key = by_id.get(item.account)
            resolved.append(key if key and key.resource_type == ACCOUNT_RESOURCE_TYPE else None)
        else:
            resolved.append(next((by_id[n] for n in item.names if n in by_id), None))

    types = sorted(ID_NOT_IN_ARN.intersection(check.resource_types))
    missing = [i for i, key in enumerate(resolved) if key is None]
    if not (types and missing and keys):
        return resolved
    arns = sorted(
        {
            arn
            for i in missing
            for arn in wanted[i].arns
            if _safe_arn(arn, partition=partition, account=account, region=region)
        }
    )
    ids = ids_by_arn(config, arns, types)
    for i in missing:
        found = [by_id[ids[arn]] for arn in wanted[i].arns if ids.get(arn) in by_id]
        resolved[i] = found[0] if found else None
    return resolved


def ids_by_arn(config: Any, arns: Sequence[str], types: Sequence[str]) -> dict[str, str]:
    """Config's resource id of each ARN it records, by advanced query.

    Why a query: for these types the id Config evaluates (e.g. an RDS DbiResourceId) is not
    part of the ARN that the finding carries, and nothing else in the finding is reliable.
    Config records the ARN of each item (`arn` is a queryable property, see
    awslabs/aws-config-resource-schema config/properties/AWS.properties.json), so one query
    per up to ~4 KB of ARNs maps them. Only ARNs that match a strict pattern (no quotes,
    spaces or brackets) and name the group's own partition, account and Region reach the
    expression; the types come from the registry.
    """
    ids: dict[str, str] = {}
    for expression in _expressions(arns, types):
        pages = config.get_paginator("select_resource_config").paginate(
            Expression=expression, PaginationConfig={"PageSize": PAGE_SIZE}
        )
        for page in pages:
            for row in page.get("Results", []):
                item = json.loads(row)
                if item.get("resourceType") in types and item.get("arn") and item.get("resourceId"):
                    ids[item["arn"]] = item["resourceId"]
    return ids


def start_remediation(
    config: Any, rule_name: str, keys: Sequence[ResourceKey]
) -> tuple[set[ResourceKey], str | None]:
    """Start the rule's remediation for at most MAX_KEYS resources; return the keys AWS
    Config did not start (FailedItems) and its FailureMessage."""
    if not 1 <= len(keys) <= MAX_KEYS:
        raise ValueError(f"StartRemediationExecution takes 1 to {MAX_KEYS} keys, not {len(keys)}")
    response = config.start_remediation_execution(
        ConfigRuleName=rule_name, ResourceKeys=[key.as_api() for key in keys]
    )
    failed = {
        ResourceKey(item.get("resourceType", ""), item.get("resourceId", ""))
        for item in response.get("FailedItems") or []
    }
    return failed, response.get("FailureMessage")


def chunks(keys: Sequence[ResourceKey], size: int = MAX_KEYS) -> Iterator[list[ResourceKey]]:
    for start in range(0, len(keys), size):
        yield list(keys[start : start + size])


def _safe_arn(arn: str, *, partition: str, account: str, region: str) -> bool:
    match = _SAFE_ARN.fullmatch(arn)
    return bool(
        match
        and match.group("partition") == partition
        and match.group("account") == account
        and match.group("region") in ("", region)
    )


def _expressions(arns: Sequence[str], types: Sequence[str]) -> Iterator[str]:
    head = (
        "SELECT resourceId, resourceType, arn WHERE resourceType IN ("
        + ", ".join(f"'{t}'" for t in types)
        + ") AND arn IN ("
    )
    batch: list[str] = []
    for arn in arns:
        literal = f"'{arn}'"
        if batch and len(head) + len(", ".join([*batch, literal])) + 1 > MAX_EXPRESSION:
            yield head + ", ".join(batch) + ")"
            batch = []
        batch.append(literal)
    if batch:
        yield head + ", ".join(batch) + ")"
