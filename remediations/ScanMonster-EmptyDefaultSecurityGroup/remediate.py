"""ScanMonster-EmptyDefaultSecurityGroup: remove every rule of a VPC's default security group.

The aws:executeScript step of the document (SSM's python3.11 runtime: the standard library
and boto3 only, nothing of ScanMonster). ec2_default_security_group_closed wants the group
AWS creates with each VPC, named "default", to have no inbound and no outbound rule. The
script refuses any other group, then revokes every rule by its rule id. The output lists
each revoked rule, so that a person can give the resources that relied on it their own
security group with the same rules.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

BOTO_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 10}, user_agent_extra="scanmonster-remediation"
)
DEFAULT_GROUP_NAME = "default"  # AWS reserves this name for the group of each VPC
ICMP = ("icmp", "1", "icmpv6", "58")
NOT_FOUND = ("InvalidGroup.NotFound", "InvalidGroupId.NotFound", "InvalidGroupId.Malformed")


class RemediationError(Exception):
    """The remediation cannot run; the message names the resource and the reason."""


def handler(events: dict[str, Any], context: Any) -> dict[str, Any]:
    group_id = str(events["GroupId"]).strip()
    ec2 = boto3.client("ec2", config=BOTO_CONFIG)
    group = describe_group(ec2, group_id)
    name = group.get("GroupName")
    if name != DEFAULT_GROUP_NAME:
        raise RemediationError(
            f"Security group {group_id} is named '{name}', not 'default': this document only "
            "empties the default security group of a VPC; nothing was changed."
        )
    where = f"the default security group {group_id}" + (
        f" of VPC {group['VpcId']}" if group.get("VpcId") else ""
    )
    rules = group_rules(ec2, group_id)
    inbound = [rule for rule in rules if not rule.get("IsEgress")]
    outbound = [rule for rule in rules if rule.get("IsEgress")]
    if not inbound and not outbound:
        return {
            "Changed": False,
            "RevokedInbound": [],
            "RevokedOutbound": [],
            "Message": f"Nothing changed: {where} has no inbound or outbound rules.",
        }
    if inbound:
        ec2.revoke_security_group_ingress(
            GroupId=group_id, SecurityGroupRuleIds=[r["SecurityGroupRuleId"] for r in inbound]
        )
    if outbound:
        ec2.revoke_security_group_egress(
            GroupId=group_id, SecurityGroupRuleIds=[r["SecurityGroupRuleId"] for r in outbound]
        )
    counts = ", ".join(
        f"{len(found)} {direction} rule{'s' if len(found) > 1 else ''}"
        for direction, found in (("inbound", inbound), ("outbound", outbound))
        if found
    )
    return {
        "Changed": True,
        "RevokedInbound": [summary(rule) for rule in inbound],
        "RevokedOutbound": [summary(rule) for rule in outbound],
        "Message": (
            f"Revoked {counts} of {where}; it now allows no traffic. Resources still in this "
            "group lost that traffic: give them their own security group with the rules they "
            "need (the revoked rules are listed in RevokedInbound and RevokedOutbound)."
        ),
    }


def describe_group(ec2: Any, group_id: str) -> dict[str, Any]:
    try:
        groups = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in NOT_FOUND:
            raise RemediationError(
                f"Security group {group_id} does not exist in region {ec2.meta.region_name} "
                "of this account; nothing was changed."
            ) from error
        raise
    if not groups:
        raise RemediationError(f"Security group {group_id} does not exist; nothing was changed.")
    return groups[0]


def group_rules(ec2: Any, group_id: str) -> list[dict[str, Any]]:
    """Every inbound and outbound rule of the group, one source or destination each."""
    pages = ec2.get_paginator("describe_security_group_rules").paginate(
        Filters=[{"Name": "group-id", "Values": [group_id]}]
    )
    return [
        rule
        for page in pages
        for rule in page.get("SecurityGroupRules", [])
        if rule.get("GroupId", group_id) == group_id
    ]


def summary(rule: dict[str, Any]) -> dict[str, str]:
    """A revoked rule as text (all strings), enough to re-create it elsewhere."""
    protocol = str(rule.get("IpProtocol", "")).strip().lower()
    low, high = rule.get("FromPort"), rule.get("ToPort")
    if protocol in ("-1", "all"):
        protocol, ports = "all", "all"
    elif not isinstance(low, int) or low < 0:
        ports = "all"
    elif protocol in ICMP:  # ICMP rules carry a type and a code, not ports
        ports = f"type {low}" + (f" code {high}" if isinstance(high, int) and high >= 0 else "")
    else:
        ports = str(low) if low == high else f"{low}-{high}"
    referenced = rule.get("ReferencedGroupInfo") or {}
    peer = (
        rule.get("CidrIpv4")
        or rule.get("CidrIpv6")
        or rule.get("PrefixListId")
        or referenced.get("GroupId")
        or ""
    )
    what = "all traffic" if protocol == "all" else f"{protocol.upper()} {ports}"
    direction = "to" if rule.get("IsEgress") else "from"
    return {
        "SecurityGroupRuleId": str(rule["SecurityGroupRuleId"]),
        "Protocol": protocol,
        "Ports": ports,
        "Peer": str(peer),
        "Description": str(rule.get("Description") or ""),
        "Rule": f"{what} {direction} {peer}",
    }
