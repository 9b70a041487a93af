"""The Security Hub custom action "ScanMonster fix" and the events it sends.

Event shape (Security Hub user guide, "EventBridge event formats", section "Security Hub
Findings - Custom Action":
https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html):
source "aws.securityhub", detail-type "Security Hub Findings - Custom Action",
resources = [the action target ARN, `arn:<partition>:securityhub:<region>:<account>:
action/custom/<Id>`], detail.actionName / actionDescription, detail.findings = the full
ASFF of every finding the person selected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scanmonster.runtime.errors import InvalidEventError

SOURCE = "aws.securityhub"
DETAIL_TYPE = "Security Hub Findings - Custom Action"
# AWS::SecurityHub::ActionTarget. CreateActionTarget (API reference): Name and Id "can
# contain up to 20 characters", the Id alphanumeric; the console guide says "fewer than
# 20", so the name stays well under (15).
ACTION_ID = "ScanMonsterFix"
ACTION_NAME = "ScanMonster fix"
ACTION_DESCRIPTION = (
    "Start the ScanMonster fix (AWS Config remediation) of the selected findings in their "
    "own account and Region"
)

# The action is recognised by its Id, which is fixed at creation; its name can be edited in
# the console, so detail.actionName proves nothing.
_ACTION_ARN = re.compile(
    r"arn:aws(?:-[a-z]+)*:securityhub:[a-z0-9-]+:\d{12}:action/custom/" + ACTION_ID
)


def custom_action_pattern(action_target_arn: str) -> dict[str, Any]:
    """The pattern of the EventBridge rule that sends the action's events to the function."""
    return {"source": [SOURCE], "detail-type": [DETAIL_TYPE], "resources": [action_target_arn]}


def findings_of(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The selected findings of a "ScanMonster fix" event. Anything else fails loudly
    (a misrouted event must show up as a failure, not as a run that did nothing); a
    finding without Id or ProductArn cannot even be answered with a note."""
    if event.get("source") != SOURCE or event.get("detail-type") != DETAIL_TYPE:
        raise InvalidEventError(
            f"expected a '{DETAIL_TYPE}' event from {SOURCE}, got "
            f"'{event.get('detail-type')}' from {event.get('source')}"
        )
    resources = event.get("resources")
    if not isinstance(resources, list) or not any(
        isinstance(r, str) and _ACTION_ARN.fullmatch(r) for r in resources
    ):
        raise InvalidEventError(
            f"the event is not from the custom action '{ACTION_ID}' (resources: {resources!r})"
        )
    findings = (event.get("detail") or {}).get("findings")
    if not isinstance(findings, list) or not all(isinstance(f, dict) for f in findings):
        raise InvalidEventError("detail.findings must be a list of findings")
    for index, finding in enumerate(findings):
        for key in ("Id", "ProductArn"):
            if not isinstance(finding.get(key), str) or not finding[key].strip():
                raise InvalidEventError(f"detail.findings[{index}].{key} is missing")
    return findings
