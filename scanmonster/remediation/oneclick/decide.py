"""Which selected findings may be fixed, decided from the finding alone (no API call).

A finding is fixed only when all of these hold, checked in this order; the first that
fails is the reason given in the finding's note:
- it is ours: its ProductArn is exactly AWS Config's product in the finding's Region (only
  Config can import under it) and its rule is `scanmonster-<id>` of a registered check;
- nobody accepted its risk (Workflow SUPPRESSED), it is not archived, and it is FAILED;
- the check has a remediation;
- its account is 12 digits and its Region one of the deployment's.
What a fix then touches comes from the registry (rule name, document) and from AWS Config
(the resource keys), never from the finding's free text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scanmonster.findings import asff
from scanmonster.findings.asff import Finding
from scanmonster.metadata import Check
from scanmonster.remediation.oneclick import verdicts as v
from scanmonster.remediation.oneclick.settings import OneClickSettings
from scanmonster.remediation.oneclick.verdicts import FindingRef, Group, Verdict

ARCHIVED = "ARCHIVED"
UPDATED_BY = "scanmonster-one-click"  # Note.UpdatedBy of every note one-click writes
ACCOUNT = re.compile(r"\d{12}", re.ASCII)
# ASFF Compliance.Status values: a note only repeats one of these, never other text.
COMPLIANCE_STATUSES = ("PASSED", "WARNING", "FAILED", "NOT_AVAILABLE")


@dataclass(frozen=True)
class Target:
    """A finding whose fix may be started."""

    finding: Finding
    check: Check
    partition: str
    earlier_note: str | None = None

    @property
    def ref(self) -> FindingRef:
        return FindingRef(self.finding.id, self.finding.product_arn, self.earlier_note)

    @property
    def group(self) -> Group:
        return Group(self.partition, self.finding.account, self.finding.region, self.check.id)


def decide(
    raw: Mapping[str, Any], registry: Mapping[str, Check], settings: OneClickSettings
) -> Target | Verdict:
    earlier = earlier_note(raw)
    ref = FindingRef(raw["Id"], raw["ProductArn"], earlier)
    partition = asff.config_product_partition(raw)
    check = asff.our_check(raw, registry)
    if partition is None or check is None:
        return Verdict(ref, v.NOT_OURS)
    finding = asff.parse_finding(raw)
    facts = {"check": check.id, "rule": check.config_rule_name}
    if finding.workflow == asff.SUPPRESSED:
        return Verdict(ref, v.SUPPRESSED, facts)
    if finding.record_state == ARCHIVED:
        return Verdict(ref, v.ARCHIVED, facts)
    if finding.compliance != asff.FAILED:
        status = finding.compliance if finding.compliance in COMPLIANCE_STATUSES else "UNKNOWN"
        return Verdict(ref, v.NOT_FAILED, {**facts, "status": status})
    if check.remediation is None:
        return Verdict(ref, v.NO_REMEDIATION, facts)
    if not ACCOUNT.fullmatch(finding.account):
        return Verdict(ref, v.BAD_ACCOUNT, facts)
    if finding.region not in settings.regions:
        return Verdict(ref, v.BAD_REGION, facts)
    return Target(finding, check, partition, earlier)


def earlier_note(raw: Mapping[str, Any]) -> str | None:
    """The finding's note, unless one-click wrote it (a second click replaces the first)."""
    note = raw.get("Note")
    if not isinstance(note, Mapping) or note.get("UpdatedBy") == UPDATED_BY:
        return None
    text = note.get("Text")
    if not isinstance(text, str):
        return None
    return " ".join(text.split()) or None
