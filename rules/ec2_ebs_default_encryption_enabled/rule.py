"""EBS encryption by default is on in this Region (FSBP EC2.7, CIS 2.2.1).

The setting is per account and Region, so the check runs in every Region (scope
"regional") and each Region gets its own verdict for the account.

Given EbsEncryptionByDefault true                      -> COMPLIANT
Given EbsEncryptionByDefault false                     -> NON_COMPLIANT, naming the Region
Given an answer without EbsEncryptionByDefault         -> NON_COMPLIANT (cannot confirm it is on)
Given on in another Region, off in the Region evaluated -> NON_COMPLIANT (Regions do not mix)
Given EC2 refuses the call (UnauthorizedOperation)     -> the error propagates
There is no NOT_APPLICABLE: every Region can create EBS volumes.
"""

from __future__ import annotations

from typing import Any

from scanmonster.runtime.config_item import as_bool
from scanmonster.runtime.rule import CheckRule, Evaluation, compliant, non_compliant


class Rule(CheckRule):
    def evaluate_periodic(
        self, event: dict[str, Any], client_factory: Any, valid_rule_parameters: dict[str, Any]
    ) -> list[Evaluation]:
        ec2 = client_factory.build_client("ec2")
        region = ec2.meta.region_name
        enabled = as_bool(ec2.get_ebs_encryption_by_default().get("EbsEncryptionByDefault"))
        if enabled is True:
            return [
                compliant(
                    f"EBS encryption by default is on in {region}: new volumes are encrypted."
                )
            ]
        if enabled is None:
            return [
                non_compliant(
                    f"EC2 did not say whether EBS encryption by default is on in {region}: "
                    "check it in the EC2 console (Settings, Data protection and security)."
                )
            ]
        return [
            non_compliant(
                f"EBS encryption by default is off in {region}: new disks (EBS volumes) and "
                "snapshot copies are created unencrypted unless someone asks for encryption."
            )
        ]
