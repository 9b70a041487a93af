"""ScanMonster-RevokeAdminPortsFromInternet: revoke inbound rules that open admin ports to all.

The aws:executeScript step of the document (SSM's python3.11 runtime: the standard library
and boto3 only, nothing of ScanMonster). It revokes exactly the inbound rules that
ec2_security_group_admin_ports_restricted reports: protocol TCP, UDP or all traffic (also
"6", "17"), source a CIDR with prefix length 0 (0.0.0.0/0, ::/0), port range covering one of
the ports. Every other rule stays: private ranges, prefix lists, other groups, other ports,
ICMP, outbound rules. Rules are revoked by their rule id, so one source of a permission
goes and the permission's other sources stay.

A rule can only be revoked whole: TCP 20-30 from 0.0.0.0/0 goes entirely when 22 is
checked, and the output says which narrower rules would keep the other ports open.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

BOTO_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 10}, user_agent_extra="scanmonster-remediation"
)
# Protocols as DescribeSecurityGroupRules gives them -> the protocol we reason about.
PROTOCOLS = {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp", "-1": "all", "all": "all"}
LAST_PORT = 65535
NOT_FOUND = ("InvalidGroup.NotFound", "InvalidGroupId.NotFound", "InvalidGroupId.Malformed")


class RemediationError(Exception):
    """The remediation cannot run; the message names the resource and the reason."""


def handler(events: dict[str, Any], context: Any) -> dict[str, Any]:
    group_id = str(events["GroupId"]).strip()
    ports = parse_ports(events.get("Ports", "22,3389"))
    ec2 = boto3.client("ec2", config=BOTO_CONFIG)
    group = describe_group(ec2, group_id)
    label = f"{group_id} ({group.get('GroupName')})"
    exposing = [
        (rule, covered)
        for rule in inbound_rules(ec2, group_id)
        if (covered := exposed(rule, ports))
    ]
    if not exposing:
        return {
            "Changed": False,
            "RevokedRules": [],
            "Message": (
                f"Nothing changed: security group {label} has no inbound rule from anywhere "
                f"(0.0.0.0/0, ::/0) to {port_text(ports)}."
            ),
        }
    ec2.revoke_security_group_ingress(
        GroupId=group_id, SecurityGroupRuleIds=[rule["SecurityGroupRuleId"] for rule, _ in exposing]
    )
    revoked = [summary(rule, covered) for rule, covered in exposing]
    message = (
        f"Revoked {len(revoked)} inbound rule{'s' if len(revoked) > 1 else ''} of security "
        f"group {label} that allowed {port_text(ports)} from anywhere: "
        + "; ".join(r["Rule"] for r in revoked)
        + "."
    )
    wider = [r for r in revoked if r["ReAddToKeepOtherPorts"]]
    if wider:
        message += (
            " These rules also opened other ports; re-add only the ones still needed, "
            "preferably from narrower sources: "
            + "; ".join(r["ReAddToKeepOtherPorts"] for r in wider)
            + "."
        )
    return {"Changed": True, "RevokedRules": revoked, "Message": message}


def parse_ports(text: Any) -> list[int]:
    ports = set()
    for part in str(text).split(","):
        part = part.strip()
        if not part.isdigit() or int(part) > LAST_PORT:
            raise RemediationError(
                f"Ports '{text}': '{part}' is not a port number (0-{LAST_PORT}); "
                "give comma-separated ports such as 22,3389."
            )
        ports.add(int(part))
    return sorted(ports)


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


def inbound_rules(ec2: Any, group_id: str) -> list[dict[str, Any]]:
    """The group's inbound rules, one source each (DescribeSecurityGroupRules)."""
    pages = ec2.get_paginator("describe_security_group_rules").paginate(
        Filters=[{"Name": "group-id", "Values": [group_id]}]
    )
    return [
        rule
        for page in pages
        for rule in page.get("SecurityGroupRules", [])
        if not rule.get("IsEgress") and rule.get("GroupId", group_id) == group_id
    ]


def exposed(rule: dict[str, Any], ports: list[int]) -> list[int]:
    """The checked ports this inbound rule opens to any address ([] when none)."""
    protocol = PROTOCOLS.get(str(rule.get("IpProtocol", "")).strip().lower())
    if protocol is None:  # ICMP and other protocols have no ports
        return []
    if not is_anywhere(rule.get("CidrIpv4") or rule.get("CidrIpv6")):
        return []
    low, high = port_range(rule)
    return [port for port in ports if low <= port <= high]


def port_range(rule: dict[str, Any]) -> tuple[int, int]:
    """All traffic, or a missing or negative bound, is open on that side."""
    if PROTOCOLS.get(str(rule.get("IpProtocol", "")).strip().lower()) == "all":
        return 0, LAST_PORT
    low, high = rule.get("FromPort"), rule.get("ToPort")
    low = 0 if not isinstance(low, int) or low < 0 else low
    high = LAST_PORT if not isinstance(high, int) or high < 0 else high
    return low, high


def is_anywhere(cidr: Any) -> bool:
    if not isinstance(cidr, str):
        return False
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def summary(rule: dict[str, Any], covered: list[int]) -> dict[str, str]:
    """What was revoked, and what would restore the rule's other ports (all strings)."""
    protocol = PROTOCOLS[str(rule["IpProtocol"]).strip().lower()]
    low, high = port_range(rule)
    source = (rule.get("CidrIpv4") or rule.get("CidrIpv6") or "").strip()
    ports = "all" if protocol == "all" else (str(low) if low == high else f"{low}-{high}")
    what = "all traffic" if protocol == "all" else f"{protocol.upper()} {ports}"
    rest = remaining(low, high, covered)
    if not rest:
        re_add = ""
    elif protocol == "all":
        re_add = (
            f"all traffic from {source} was allowed: re-add only the protocols and ports "
            f"needed, not {port_text(covered)}"
        )
    else:
        re_add = f"{protocol.upper()} {', '.join(rest)} from {source}"
    return {
        "SecurityGroupRuleId": str(rule["SecurityGroupRuleId"]),
        "Protocol": protocol,
        "Ports": ports,
        "Source": source,
        "Description": str(rule.get("Description") or ""),
        "ExposedPorts": ",".join(map(str, covered)),
        "Rule": f"{what} from {source}",
        "ReAddToKeepOtherPorts": re_add,
    }


def remaining(low: int, high: int, covered: list[int]) -> list[str]:
    """The port ranges of low-high without the covered ports: 20-30 minus 22 -> 20-21, 23-30."""
    ranges, start = [], low
    for port in sorted(covered):
        if port > start:
            ranges.append((start, port - 1))
        start = port + 1
    if start <= high:
        ranges.append((start, high))
    return [str(a) if a == b else f"{a}-{b}" for a, b in ranges]


def port_text(ports: list[int]) -> str:
    return ("port " if len(ports) == 1 else "ports ") + ", ".join(map(str, ports))
