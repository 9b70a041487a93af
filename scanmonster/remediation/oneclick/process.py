"""One "ScanMonster fix" click: decide every selected finding, start the fixes group
by group, then answer every finding with a note.

- Decide (decide.py, no API call): refusals are final; the rest are grouped by (account,
  Region, check).
- Per group: assume the starter role in the account (once per account and invocation),
  resolve each finding's resource to AWS Config's key (member.py), start the rule's
  remediation in chunks of 100. AWS's expected refusals (AccessDenied on AssumeRole, no
  rule, no remediation configuration, missing permissions, FailedItems) become notes on
  the findings they concern; anything else is an incident: logged without finding
  contents, noted on its findings as unexpected, and, once every other group is done and
  every note written, it fails the invocation.
- Notes: BatchUpdateFindings from the function's own Region, grouped by identical request,
  at most 100 per call, unprocessed findings retried (scanmonster.findings.delivery).
  Each note goes with UserDefinedFields.scanmonster_fix = "started <UTC time>", "refused"
  or "failed".

The enricher (scanmonster/findings) sees the "Findings - Imported" event that each of our
updates causes and skips it: it compares only the compliance state it stored, which a note
does not change, so it neither loops nor overwrites our note. It writes its own note again
when the finding's compliance changes (e.g. to PASSED after the fix).
"""

from __future__ import annotations

import datetime
import json
import logging
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from scanmonster.findings.asff import FIELD_FIX
from scanmonster.findings.delivery import update_findings
from scanmonster.metadata import Check
from scanmonster.remediation.oneclick import member
from scanmonster.remediation.oneclick import verdicts as v
from scanmonster.remediation.oneclick.decide import UPDATED_BY, Target, decide
from scanmonster.remediation.oneclick.settings import OWN_ACTIONS, OneClickSettings
from scanmonster.remediation.oneclick.texts import facts_for, note_text, with_earlier_note
from scanmonster.remediation.oneclick.verdicts import FindingRef, Group, Verdict
from scanmonster.runtime.errors import ScanMonsterError

ROLE_SESSION_NAME = "scanmonster-one-click"
ROLE_SESSION_SECONDS = 900  # the AssumeRole minimum: a group takes seconds

# AWS error codes that are expected conditions of an organization (an account the
# deployment has not reached, a rule not deployed there...): the reason the note gives.
_EXPECTED_ERRORS = {
    ("AssumeRole", "AccessDenied"): v.ROLE_DENIED,
    ("GetComplianceDetailsByConfigRule", "AccessDeniedException"): v.CONFIG_DENIED,
    ("SelectResourceConfig", "AccessDeniedException"): v.CONFIG_DENIED,
    ("StartRemediationExecution", "AccessDeniedException"): v.CONFIG_DENIED,
    ("GetComplianceDetailsByConfigRule", "NoSuchConfigRuleException"): v.RULE_MISSING,
    ("StartRemediationExecution", "NoSuchRemediationConfigurationException"): v.NOT_SET_UP,
    ("StartRemediationExecution", "InsufficientPermissionsException"): v.NO_PERMISSION,
}

log = logging.getLogger(__name__)

__all__ = ["OWN_ACTIONS", "OneClickError", "Runtime", "Summary", "fix"]

Credentials = Mapping[str, str]


@dataclass
class Runtime:
    """What a run needs; the handler builds it, tests build it with stubbed clients."""

    settings: OneClickSettings
    registry: Mapping[str, Check]
    sts: Any  # the function's own credentials, its own Region
    securityhub: Any  # the function's own Region (the aggregation Region)
    # A Config client with the assumed credentials in a Region.
    member_config: Callable[[Credentials, str], Any]
    now: Callable[[], datetime.datetime]
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Summary:
    findings: int = 0
    started: int = 0
    refused: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "findings": self.findings,
            "started": self.started,
            "refused": self.refused,
            "failed": self.failed,
        }


@dataclass(frozen=True)
class NoteUpdate:
    """One finding's BatchUpdateFindings values (scanmonster.findings.delivery.Update)."""

    finding: FindingRef
    request: dict[str, Any]

    @property
    def group_key(self) -> str:
        return json.dumps(self.request, sort_keys=True, ensure_ascii=False)


class OneClickError(ScanMonsterError):
    """Some groups failed unexpectedly, or some notes were not written; raised after
    everything else was done. Names groups, error types and finding ids, never contents."""

    def __init__(self, incidents: list[str], unprocessed: list[str]) -> None:
        parts = []
        if incidents:
            parts.append(f"{len(incidents)} unexpected error(s): {'; '.join(incidents)}")
        if unprocessed:
            shown = ", ".join(unprocessed[:10])
            more = f" and {len(unprocessed) - 10} more" if len(unprocessed) > 10 else ""
            parts.append(
                f"Security Hub did not take the note of {len(unprocessed)} finding(s): "
                f"{shown}{more}"
            )
        super().__init__("; ".join(parts))
        self.incidents = incidents
        self.unprocessed = unprocessed


@dataclass
class _Run:
    runtime: Runtime
    sessions: dict[tuple[str, str], Credentials | ClientError] = field(default_factory=dict)
    incidents: list[str] = field(default_factory=list)


def fix(raw_findings: Iterable[dict[str, Any]], runtime: Runtime) -> Summary:
    """Handle the findings of one click."""
    findings = _unique(raw_findings)
    verdicts: dict[FindingRef, Verdict] = {}
    groups: dict[Group, list[Target]] = {}
    for raw in findings:
        decided = decide(raw, runtime.registry, runtime.settings)
        if isinstance(decided, Verdict):
            verdicts[decided.finding] = decided
        else:
            groups.setdefault(decided.group, []).append(decided)

    run = _Run(runtime)
    for group, targets in groups.items():
        for verdict in _fix_group(run, group, targets):
            verdicts[verdict.finding] = verdict

    # Notes in the order the findings were selected: deterministic calls, readable logs.
    ordered = [verdicts[_ref(raw)] for raw in findings]
    updates = [NoteUpdate(verdict.finding, note_request(verdict, runtime)) for verdict in ordered]
    unprocessed = update_findings(runtime.securityhub, updates, sleep=runtime.sleep)

    summary = Summary(findings=len(ordered))
    for verdict in ordered:
        setattr(summary, verdict.status, getattr(summary, verdict.status) + 1)
    log.info(
        "one-click: %d finding(s) in %d group(s): %d started, %d refused, %d failed",
        summary.findings,
        len(groups),
        summary.started,
        summary.refused,
        summary.failed,
    )
    if run.incidents or unprocessed:
        raise OneClickError(run.incidents, unprocessed)
    return summary


def note_request(verdict: Verdict, runtime: Runtime) -> dict[str, Any]:
    status = verdict.status
    value = f"{v.STARTED} {verdict.facts['time']}" if status == v.STARTED else status
    return {
        "Note": {
            "Text": with_earlier_note(
                note_text(verdict, runtime.settings.language),
                verdict.finding.earlier_note,
                runtime.settings.language,
            ),
            "UpdatedBy": UPDATED_BY,
        },
        "UserDefinedFields": {FIELD_FIX: value},
    }


def _fix_group(run: _Run, group: Group, targets: list[Target]) -> list[Verdict]:
    runtime = run.runtime
    check = runtime.registry[group.check_id]
    assert check.remediation is not None  # decide() refused the others
    facts = facts_for(
        check_id=check.id,
        rule=check.config_rule_name,
        document=check.remediation.document,
        account=group.account,
        region=group.region,
        role=runtime.settings.starter_role,
        change_triggered=check.change_triggered,
        periodic_frequency=check.periodic_frequency,
    )

    def all_of(reason: str) -> list[Verdict]:
        return [Verdict(t.ref, reason, facts) for t in targets]

    try:
        config = runtime.member_config(_credentials(run, group), group.region)
        keys = member.resolve_keys(
            config,
            check,
            [
                member.Wanted(t.finding.account, t.finding.resource_names, t.finding.resources)
                for t in targets
            ],
            partition=group.partition,
            account=group.account,
            region=group.region,
        )
    except Exception as error:
        return all_of(_reason(run, group, error))

    verdicts = [
        Verdict(t.ref, v.NOT_NON_COMPLIANT, facts)
        for t, key in zip(targets, keys, strict=True)
        if key is None
    ]
    wanted = list(dict.fromkeys(key for key in keys if key is not None))
    # Per key: the reason and facts of its verdict.
    outcome: dict[member.ResourceKey, tuple[str, Mapping[str, str]]] = {}
    stopped: str | None = None  # after an error, later chunks are not tried
    for chunk in member.chunks(wanted):
        if stopped is None:
            try:
                failed, message = member.start_remediation(config, check.config_rule_name, chunk)
            except Exception as error:
                stopped = _reason(run, group, error)
            else:
                started = {**facts, "time": _utc(runtime.now())}
                refused = {**facts, "message": message or ""}
                for key in chunk:
                    outcome[key] = (
                        (v.NOT_STARTED, refused) if key in failed else (v.FIX_STARTED, started)
                    )
                continue
        for key in chunk:
            outcome[key] = (stopped, facts)
    for target, key in zip(targets, keys, strict=True):
        if key is not None:
            reason, key_facts = outcome[key]
            verdicts.append(Verdict(target.ref, reason, key_facts))
    return verdicts


def _credentials(run: _Run, group: Group) -> Credentials:
    """The starter role's credentials in the group's account, assumed once per account and
    invocation; a refusal is remembered too, so an account that denies costs one call."""
    account = (group.partition, group.account)
    if account not in run.sessions:
        try:
            response = run.runtime.sts.assume_role(
                RoleArn=run.runtime.settings.starter_role_arn(group.partition, group.account),
                RoleSessionName=ROLE_SESSION_NAME,
                DurationSeconds=ROLE_SESSION_SECONDS,
            )
            run.sessions[account] = response["Credentials"]
        except ClientError as error:
            run.sessions[account] = error
    session = run.sessions[account]
    if isinstance(session, ClientError):
        raise session
    return session


def _reason(run: _Run, group: Group, error: Exception) -> str:
    """The verdict reason for an error; an unexpected one is logged and remembered."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code"))
        reason = _EXPECTED_ERRORS.get((error.operation_name, code))
        if reason is not None:
            log.warning(
                "one-click: %s in %s/%s: %s refused with %s",
                group.check_id,
                group.account,
                group.region,
                error.operation_name,
                code,
            )
            return reason
        where = f"{error.operation_name} failed with {code}"
    else:
        # The type and the line, not the message: a message may quote finding contents.
        frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        at = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
        where = f"{type(error).__name__}{at}"
    incident = f"{group.check_id} in {group.account}/{group.region}: {where}"
    log.error("one-click: %s", incident)
    run.incidents.append(incident)
    return v.UNEXPECTED


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ref(raw: Mapping[str, Any]) -> FindingRef:
    return FindingRef(raw["Id"], raw["ProductArn"])


def _unique(raw_findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings once each (BatchUpdateFindings refuses a finding named twice)."""
    seen: dict[FindingRef, dict[str, Any]] = {}
    for raw in raw_findings:
        seen.setdefault(_ref(raw), raw)
    return list(seen.values())
