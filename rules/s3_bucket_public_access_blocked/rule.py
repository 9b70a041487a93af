"""Bucket-level S3 Block Public Access (FSBP S3.8).

Given a bucket whose four Block Public Access settings are all on  -> COMPLIANT
Given a bucket with any of the four off (true/false or "true"/"false") -> NON_COMPLIANT,
      naming the settings that are off
Given a bucket recorded before Block Public Access existed (no key)  -> NON_COMPLIANT
Given a deleted bucket                                              -> NOT_APPLICABLE (runtime)
"""

from __future__ import annotations

from typing import Any

from scanmonster.runtime.config_item import as_bool
from scanmonster.runtime.rule import CheckRule, Evaluation, compliant, non_compliant

SETTINGS = ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")


class Rule(CheckRule):
    def evaluate_change(
        self,
        event: dict[str, Any],
        client_factory: Any,
        configuration_item: dict[str, Any],
        valid_rule_parameters: dict[str, Any],
    ) -> list[Evaluation]:
        name = configuration_item.get("resourceName") or configuration_item.get("resourceId")
        block = configuration_item["supplementaryConfiguration"].get(
            "PublicAccessBlockConfiguration"
        )
        if not isinstance(block, dict):
            return [
                non_compliant(
                    f"Bucket {name} has no bucket-level Block Public Access "
                    "settings: turn on all four."
                )
            ]
        off = [s for s in SETTINGS if as_bool(block.get(s)) is not True]
        if off:
            return [
                non_compliant(f"Bucket {name} has Block Public Access off for: {', '.join(off)}.")
            ]
        return [compliant(f"Bucket {name} blocks public access with all four settings.")]
