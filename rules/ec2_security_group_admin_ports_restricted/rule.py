"""Security groups do not open remote administration ports to the internet (EC2.53, EC2.54).

Only inbound rules (`ipPermissions`) count. A rule exposes a port when its source is
anywhere (0.0.0.0/0 in the old `ipRanges` strings or in `ipv4Ranges[].cidrIp`, or ::/0 in
`ipv6Ranges[].cidrIpv6`), its protocol is TCP, UDP or all (-1; also "6", "17") and its port
range covers the port.

Given no inbound rule from anywhere to a checked port                 -> COMPLIANT
Given TCP or UDP 22 or 3389 from 0.0.0.0/0 or ::/0                     -> NON_COMPLIANT,
      naming the ports, the protocol and the source
Given a port range that covers a checked port (20-30, 0-65535)        -> NON_COMPLIANT
Given all traffic (-1, ports missing, null or -1) from anywhere       -> NON_COMPLIANT
Given ports as floats (22.0) or protocol numbers ("6", "17")          -> read like 22, tcp, udp
Given ICMP from anywhere (its "ports" are types and codes)            -> COMPLIANT
Given 22 from a private range, a prefix list or another group         -> COMPLIANT
Given 22 from anywhere in an outbound rule only                       -> COMPLIANT
Given the Ports parameter ("22,3389", "8080")                          -> those ports are checked
Given an item recorded without configuration                          -> NOT_APPLICABLE
Given a deleted security group                                        -> NOT_APPLICABLE (runtime)
"""

from __future__ import annotations

import ipaddress
from typing import Any

from scanmonster.runtime.config_item import as_int
from scanmonster.runtime.rule import (
    CheckRule,
    Evaluation,
    compliant,
    non_compliant,
    not_applicable,
)

# Protocol names and numbers as recorded -> the protocol we reason about.
PROTOCOLS = {"tcp": "tcp", "udp": "udp", 6: "tcp", 17: "udp", -1: "all"}
LABELS = {"tcp": "TCP", "udp": "UDP", "all": "all traffic"}


class Rule(CheckRule):
    def evaluate_change(
        self,
        event: dict[str, Any],
        client_factory: Any,
        configuration_item: dict[str, Any],
        valid_rule_parameters: dict[str, Any],
    ) -> list[Evaluation]:
        ports = sorted(set(valid_rule_parameters["Ports"]))
        configuration = configuration_item.get("configuration")
        group = group_label(configuration_item)
        if not isinstance(configuration, dict):
            return [not_applicable(f"Security group {group} was recorded without its rules.")]
        findings, exposed = [], set()
        for permission in as_list(configuration.get("ipPermissions")):
            finding = exposure(permission, ports)
            if finding:
                findings.append(finding[0])
                exposed.update(finding[1])
        if findings:
            return [
                non_compliant(
                    f"Security group {group} allows {port_text(sorted(exposed))} from "
                    f"anywhere on the internet: {'; '.join(findings)}."
                )
            ]
        return [
            compliant(
                f"Security group {group} does not allow {port_text(ports)} "
                "from anywhere (0.0.0.0/0 or ::/0)."
            )
        ]


def exposure(permission: Any, ports: list[int]) -> tuple[str, list[int]] | None:
    """('TCP 20-30 from 0.0.0.0/0', [22]) when the inbound rule exposes checked ports."""
    if not isinstance(permission, dict):
        return None
    protocol = protocol_of(permission.get("ipProtocol"))
    if protocol is None:  # ICMP, ICMPv6 and other protocols have no ports
        return None
    sources = anywhere_sources(permission)
    if not sources:
        return None
    if protocol == "all":
        # All-traffic rules omit their ports or record them as null or -1: every port.
        low, high = 0, 65535
    else:
        low, high = port_range(permission)
    covered = [port for port in ports if low <= port <= high]
    if not covered:
        return None
    if protocol == "all":
        what = LABELS["all"]
    else:
        what = f"{LABELS[protocol]} {low}" if low == high else f"{LABELS[protocol]} {low}-{high}"
    return f"{what} from {', '.join(sources)}", covered


def protocol_of(value: Any) -> str | None:
    if isinstance(value, str) and value.strip().lower() in PROTOCOLS:
        return PROTOCOLS[value.strip().lower()]
    return PROTOCOLS.get(as_int(value))


def port_range(permission: dict[str, Any]) -> tuple[int, int]:
    """The rule's ports; a missing or negative bound is open on that side (defensive)."""
    low, high = as_int(permission.get("fromPort")), as_int(permission.get("toPort"))
    return (0 if low is None or low < 0 else low, 65535 if high is None or high < 0 else high)


def anywhere_sources(permission: dict[str, Any]) -> list[str]:
    """The rule's sources that mean 'any address' (prefix length 0), in recorded order."""
    cidrs = [
        r if isinstance(r, str) else cidr(r, "cidrIp") for r in as_list(permission.get("ipRanges"))
    ]
    cidrs += [cidr(r, "cidrIp") for r in as_list(permission.get("ipv4Ranges"))]
    cidrs += [cidr(r, "cidrIpv6") for r in as_list(permission.get("ipv6Ranges"))]
    found: list[str] = []
    for text in cidrs:
        if text and is_anywhere(text) and text.strip() not in found:
            found.append(text.strip())
    return found


def cidr(entry: Any, key: str) -> str | None:
    value = entry.get(key) if isinstance(entry, dict) else None
    return value if isinstance(value, str) else None


def is_anywhere(text: str) -> bool:
    try:
        return ipaddress.ip_network(text.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def group_label(item: dict[str, Any]) -> str:
    configuration = item.get("configuration") or {}
    group_id = configuration.get("groupId") or item.get("resourceId") or "(unknown id)"
    name = configuration.get("groupName") or item.get("resourceName")
    return f"{group_id} ({name})" if name and name != group_id else str(group_id)


def port_text(ports: list[int]) -> str:
    return ("port " if len(ports) == 1 else "ports ") + ", ".join(map(str, ports))
