"""The default security group of every VPC has no rules (EC2.2).

Every VPC gets a security group named "default" that cannot be deleted, and anything
launched without a security group lands in it. AWS creates it with an inbound rule that
admits all traffic from its own members and an outbound rule to everywhere; the control
wants both gone, so nothing relies on it by accident.

Given a default group with no inbound and no outbound rule         -> COMPLIANT
Given a default group with any inbound rule (even a self-reference) -> NON_COMPLIANT, "inbound"
Given a default group with any outbound rule                        -> NON_COMPLIANT, "outbound"
Given both                                                          -> NON_COMPLIANT, both named
Given any group not named "default"                                 -> NOT_APPLICABLE
Given an item recorded without configuration                        -> NOT_APPLICABLE
Given a deleted security group                                      -> NOT_APPLICABLE (runtime)
"""

from __future__ import annotations

from typing import Any

from scanmonster.runtime.rule import (
    CheckRule,
    Evaluation,
    compliant,
    non_compliant,
    not_applicable,
)


class Rule(CheckRule):
    def evaluate_change(
        self,
        event: dict[str, Any],
        client_factory: Any,
        configuration_item: dict[str, Any],
        valid_rule_parameters: dict[str, Any],
    ) -> list[Evaluation]:
        configuration = configuration_item.get("configuration")
        if not isinstance(configuration, dict):
            return [not_applicable("The security group was recorded without its configuration.")]
        group_id = configuration.get("groupId") or configuration_item.get("resourceId")
        if configuration.get("groupName") != "default":
            # AWS reserves the name "default" for the group it creates with each VPC.
            return [not_applicable(f"Security group {group_id} is not a VPC's default group.")]
        where = f"The default security group {group_id}" + (
            f" of VPC {configuration['vpcId']}" if configuration.get("vpcId") else ""
        )
        inbound = count_rules(configuration.get("ipPermissions"))
        outbound = count_rules(configuration.get("ipPermissionsEgress"))
        if not inbound and not outbound:
            return [compliant(f"{where} has no inbound or outbound rules.")]
        directions = " and ".join(d for d, n in (("inbound", inbound), ("outbound", outbound)) if n)
        counts = ", ".join(
            f"{n} {d} rule{'s' if n > 1 else ''}"
            for d, n in (("inbound", inbound), ("outbound", outbound))
            if n
        )
        return [
            non_compliant(
                f"{where} still allows {directions} traffic ({counts}): remove all its rules "
                "and give resources their own security groups."
            )
        ]


def count_rules(permissions: Any) -> int:
    return (
        sum(1 for p in permissions if isinstance(p, dict)) if isinstance(permissions, list) else 0
    )
