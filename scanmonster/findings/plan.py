"""What to change on one finding of ours, decided from the finding alone (no API call).

Loop guard and idempotency: every BatchUpdateFindings makes Security Hub emit another
"Findings - Imported" event for the same finding. We store, in the finding itself
(UserDefinedFields.scanmonster_state), the state we handled it in: its Compliance.Status,
plus "|<acceptance id>" when we suppressed it. A finding whose stored state equals the
state it should have now is skipped: our own update's event changes nothing, while a later
compliance change (PASSED -> FAILED) or a new or lapsed acceptance is handled again.

Acceptances only concern FAILED findings: a passing resource carries no risk to accept.
A suppression of ours survives a PASSED interlude (the acceptance fields stay), so that if
the resource fails again after its acceptance lapsed, the finding is reopened and someone
is told, instead of staying suppressed with no acceptance behind it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scanmonster.acceptance import RiskAcceptance, find_acceptance
from scanmonster.findings import asff
from scanmonster.findings.asff import FAILED, NONE, SUPPRESSED, Finding
from scanmonster.findings.settings import Settings
from scanmonster.findings.texts import Lapse, fit, reopened_note, suppressed_note
from scanmonster.metadata import Check

UPDATED_BY = "scanmonster"
TYPE_BEST_PRACTICES = "Software and Configuration Checks/AWS Security Best Practices"
TYPE_CIS = (
    "Software and Configuration Checks/Industry and Regulatory Standards/"
    "CIS AWS Foundations Benchmark"
)
# What Config's integration sets; kept for a check mapped to neither standard.
TYPE_CONFIG_DEFAULT = "Software and Configuration Checks"

ENRICH = "enrich"  # severity, types, tutorial note and fields
SUPPRESS = "suppress"  # an active acceptance covers the failing finding
REOPEN = "reopen"  # our suppression lost its acceptance while the finding still fails


@dataclass(frozen=True)
class Plan:
    finding: Finding
    check: Check
    kind: str
    # BatchUpdateFindings parameters except FindingIdentifiers: findings whose requests
    # are equal share calls (the operation applies the same values to every finding).
    request: dict[str, Any]
    notify: bool
    lapse: Lapse | None = None

    @property
    def group_key(self) -> str:
        return json.dumps(self.request, sort_keys=True, ensure_ascii=False)


def plan_finding(
    finding: Finding,
    check: Check,
    *,
    settings: Settings,
    summary: str,
    acceptances: Sequence[RiskAcceptance],
    today: datetime.date,
) -> Plan | None:
    """The update this finding needs, or None when it already reflects its state."""
    failed = finding.compliance == FAILED
    acceptance = (
        find_acceptance(
            acceptances,
            check_id=check.id,
            account=finding.account,
            region=finding.region,
            resources=finding.resource_names,
            today=today,
        )
        if failed
        else None
    )
    state = f"{FAILED}|{acceptance.id}" if acceptance else finding.compliance
    if finding.stored_state == state:
        return None

    fields = enrichment_fields(check, settings)
    fields[asff.FIELD_STATE] = state
    request: dict[str, Any] = {
        "Severity": {"Label": check.severity},
        "Types": finding_types(check),
        "UserDefinedFields": fields,
    }
    if acceptance:
        fields[asff.FIELD_ACCEPTANCE] = acceptance.id
        fields[asff.FIELD_ACCEPTANCE_EXPIRES] = acceptance.expires.isoformat()
        request["Workflow"] = {"Status": SUPPRESSED}
        request["Note"] = _note(suppressed_note(acceptance, settings.language))
        return Plan(finding, check, SUPPRESS, request, notify=False)

    if failed and finding.our_acceptance:
        lapse = lapse_of(finding, acceptances, today)
        fields[asff.FIELD_ACCEPTANCE] = NONE
        fields[asff.FIELD_ACCEPTANCE_EXPIRES] = NONE
        request["Workflow"] = {"Status": "NEW"}
        request["Note"] = _note(reopened_note(lapse, summary, settings.language))
        # Never silent: a lapsed acceptance is announced whatever the severity.
        notify = finding.record_state == asff.ACTIVE
        return Plan(finding, check, REOPEN, request, notify=notify, lapse=lapse)

    request["Note"] = _note(fit(summary))
    notify = (
        failed
        and finding.workflow != SUPPRESSED  # suppressed by a person: they decided already
        and finding.record_state == asff.ACTIVE
        and settings.notifies(check.severity)
    )
    return Plan(finding, check, ENRICH, request, notify=notify)


def lapse_of(
    finding: Finding, acceptances: Sequence[RiskAcceptance], today: datetime.date
) -> Lapse:
    """Why our suppression no longer holds: expired (the file still lists it, or the date
    we stored has passed) or withdrawn (removed, or it no longer covers the finding)."""
    acceptance_id = finding.our_acceptance or ""
    listed = next((a for a in acceptances if a.id == acceptance_id), None)
    if listed is not None and not listed.active(today):
        return Lapse(acceptance_id, listed.expires.isoformat())
    stored = finding.our_acceptance_expires
    if listed is None and stored and _before(stored, today):
        return Lapse(acceptance_id, stored)
    return Lapse(acceptance_id, None)


def enrichment_fields(check: Check, settings: Settings) -> dict[str, str]:
    fields = {
        asff.FIELD_MARK: "true",
        asff.FIELD_CHECK: check.id,
        asff.FIELD_TUTORIAL: settings.tutorial_url(check.id),
        asff.FIELD_REMEDIATION: check.remediation_document or NONE,
    }
    for key in ("fsbp", "securityhub"):
        if check.frameworks.get(key):
            fields[asff.FIELD_FRAMEWORKS[key]] = ",".join(check.frameworks[key])
    cis = [
        f"v{key.removeprefix('cis_v').replace('_', '.')}/{control}"
        for key in sorted(check.frameworks)
        if key.startswith("cis_v")
        for control in check.frameworks[key]
    ]
    if cis:
        fields[asff.FIELD_FRAMEWORKS["cis"]] = ",".join(cis)
    return fields


def finding_types(check: Check) -> list[str]:
    types = []
    if check.frameworks.get("fsbp"):
        types.append(TYPE_BEST_PRACTICES)
    if any(key.startswith("cis_") for key in check.frameworks):
        types.append(TYPE_CIS)
    return types or [TYPE_CONFIG_DEFAULT]


def _note(text: str) -> dict[str, str]:
    return {"Text": text, "UpdatedBy": UPDATED_BY}


def _before(iso_date: str, today: datetime.date) -> bool:
    try:
        return datetime.date.fromisoformat(iso_date) < today
    except ValueError:
        return False
