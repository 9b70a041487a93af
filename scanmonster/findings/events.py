"""The EventBridge side: which "Security Hub Findings - Imported" events reach the enricher,
and reading their findings.

Event shape (Security Hub user guide, "EventBridge event formats"): source
"aws.securityhub", detail-type "Security Hub Findings - Imported", detail.findings = a list
of ASFF findings (one per event in practice). Security Hub emits such an event for every
BatchImportFindings from Config AND for every BatchUpdateFindings, ours included: the
pattern narrows the traffic, plan.py's stored state stops the loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanmonster.findings.asff import (
    ACTIVE,
    CONFIG_PRODUCT,
    PRODUCT_NAME_FIELD,
    RULE_NAME_FIELD,
    RULE_PREFIX,
)
from scanmonster.runtime.errors import InvalidEventError

SOURCE = "aws.securityhub"
DETAIL_TYPE = "Security Hub Findings - Imported"


def imported_findings_pattern(rule_prefix: str = RULE_PREFIX) -> dict[str, Any]:
    """The pattern of the enricher's EventBridge rule: active Config findings whose rule
    name starts with our prefix. EventBridge matches a list (detail.findings) when any
    element matches; keys with '/' are plain JSON keys. The handler still checks each
    finding (registered check id), so the pattern only saves invocations."""
    return {
        "source": [SOURCE],
        "detail-type": [DETAIL_TYPE],
        "detail": {
            "findings": {
                "ProductFields": {
                    PRODUCT_NAME_FIELD: [CONFIG_PRODUCT],
                    RULE_NAME_FIELD: [{"prefix": rule_prefix}],
                },
                "RecordState": [ACTIVE],
            }
        },
    }


def findings_of(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The findings of an imported-findings event; anything else is refused loudly (a
    misrouted event must show up as a failure, not as a run that did nothing)."""
    if event.get("source") != SOURCE or event.get("detail-type") != DETAIL_TYPE:
        raise InvalidEventError(
            f"expected a '{DETAIL_TYPE}' event from {SOURCE}, got "
            f"'{event.get('detail-type')}' from {event.get('source')}"
        )
    findings = (event.get("detail") or {}).get("findings")
    if not isinstance(findings, list) or not all(isinstance(f, dict) for f in findings):
        raise InvalidEventError("detail.findings must be a list of findings")
    return findings
