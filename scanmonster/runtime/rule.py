"""The base class of every check's rule: an rdklib ConfigRule with ScanMonster's defaults.

A check's `rule.py` defines `class Rule(CheckRule)` and implements `evaluate_change`
(a pure function of the normalized configuration item) and/or `evaluate_periodic`
(account-level, through the client factory). Verdicts are rdklib `Evaluation`s made
with the helpers below, whose annotations name the resource and the problem.
"""

from __future__ import annotations

from typing import Any

from rdklib import ComplianceType, ConfigRule, Evaluation

from scanmonster.runtime.annotations import fit_annotation

__all__ = [
    "CheckRule",
    "ComplianceType",
    "Evaluation",
    "compliant",
    "non_compliant",
    "not_applicable",
]


class CheckRule(ConfigRule):
    # rdklib would mark every resource missing from a periodic result NOT_APPLICABLE
    # (after a GetComplianceDetailsByConfigRule sweep): a check that did not reach a
    # resource must not claim anything about it.
    delete_old_evaluations_on_scheduled_notification = False

    def get_assume_role_mode(self, event: dict[str, Any]) -> bool:
        # The rule Lambda's own least-privilege role does the reading, never Config's role.
        return False


def _verdict(
    compliance: str, annotation: str | None, resource_id: str | None, resource_type: str | None
) -> Evaluation:
    evaluation = Evaluation(compliance, resource_id, resource_type)
    # rdklib cuts at 244 characters plus " [truncated]"; cut once, our way (see annotations).
    evaluation.annotation = fit_annotation(annotation) or ""
    return evaluation


def compliant(
    annotation: str | None = None,
    *,
    resource_id: str | None = None,
    resource_type: str | None = None,
) -> Evaluation:
    return _verdict(ComplianceType.COMPLIANT, annotation, resource_id, resource_type)


def non_compliant(
    annotation: str, *, resource_id: str | None = None, resource_type: str | None = None
) -> Evaluation:
    return _verdict(ComplianceType.NON_COMPLIANT, annotation, resource_id, resource_type)


def not_applicable(
    annotation: str | None = None,
    *,
    resource_id: str | None = None,
    resource_type: str | None = None,
) -> Evaluation:
    return _verdict(ComplianceType.NOT_APPLICABLE, annotation, resource_id, resource_type)
