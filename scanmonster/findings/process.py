"""Enrich (one imported-findings event) and sweep (daily, every finding of ours).

Both plan every finding first (plan.py, no API call), announce what must be announced
(notify.py), then update the findings in grouped batches (delivery.py). Failures are
collected across all batches and raised at the end, naming counts and finding ids. Logs
carry ids and counts only, never whole findings.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from scanmonster.acceptance import RiskAcceptance
from scanmonster.findings import asff
from scanmonster.findings.delivery import update_findings
from scanmonster.findings.errors import DeliveryError
from scanmonster.findings.notify import publish_notifications
from scanmonster.findings.plan import REOPEN, SUPPRESS, Plan, plan_finding
from scanmonster.findings.settings import Settings
from scanmonster.metadata import Check
from scanmonster.tutorials import Tutorial, load_tutorial

log = logging.getLogger(__name__)

# GetFindings filters for the sweep. Map filters (ProductFields) only compare with EQUALS,
# NOT_EQUALS, CONTAINS and NOT_CONTAINS (API model): CONTAINS narrows the result on the
# server, and `our_check` keeps only names that start with the prefix.
SWEEP_FILTERS: dict[str, list[dict[str, str]]] = {
    "ProductName": [{"Value": asff.CONFIG_PRODUCT, "Comparison": "EQUALS"}],
    "ProductFields": [
        {"Key": asff.RULE_NAME_FIELD, "Value": asff.RULE_PREFIX, "Comparison": "CONTAINS"}
    ],
    "RecordState": [{"Value": asff.ACTIVE, "Comparison": "EQUALS"}],
}
PAGE_SIZE = 100  # the GetFindings maximum


@cache
def tutorial(check_id: str, language: str) -> Tutorial:
    return load_tutorial(check_id, language)


@dataclass
class Runtime:
    """What a run needs; the handler builds it, tests build it with local clients."""

    settings: Settings
    registry: Mapping[str, Check]
    acceptances: Sequence[RiskAcceptance]
    securityhub: Any
    sns: Any | None
    today: datetime.date
    sleep: Callable[[float], None] = time.sleep

    def tutorial(self, check_id: str) -> Tutorial:
        return tutorial(check_id, self.settings.language)


@dataclass
class Outcome:
    findings: int = 0  # findings looked at
    ours: int = 0  # of those, findings of our rules
    updated: int = 0
    notified: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "findings": self.findings,
            "ours": self.ours,
            "updated": self.updated,
            "notified": self.notified,
            **{f"plans_{kind}": count for kind, count in sorted(self.kinds.items())},
        }


def enrich(raw_findings: Iterable[dict[str, Any]], runtime: Runtime) -> Outcome:
    """Handle the findings of one imported-findings event."""
    outcome = Outcome()
    return _apply(_plans(raw_findings, runtime, outcome), runtime, outcome)


def sweep(runtime: Runtime) -> Outcome:
    """Daily: reopen findings whose acceptance lapsed, suppress findings a new acceptance
    covers. Enrichment itself is the event handler's job: the sweep does not announce
    every old failure at once."""
    outcome = Outcome()
    pages = runtime.securityhub.get_paginator("get_findings").paginate(
        Filters=SWEEP_FILTERS, PaginationConfig={"PageSize": PAGE_SIZE}
    )
    raw_findings = (raw for page in pages for raw in page.get("Findings", []))
    plans = [p for p in _plans(raw_findings, runtime, outcome) if p.kind in (SUPPRESS, REOPEN)]
    return _apply(plans, runtime, outcome)


def _plans(
    raw_findings: Iterable[dict[str, Any]], runtime: Runtime, outcome: Outcome
) -> list[Plan]:
    plans = []
    for raw in raw_findings:
        outcome.findings += 1
        check = asff.our_check(raw, runtime.registry)
        if check is None:
            continue  # another product or another rule: never touched
        outcome.ours += 1
        finding = asff.parse_finding(raw)
        if finding.record_state != asff.ACTIVE:
            continue  # archived (the resource is gone): nothing to enrich or announce
        plan = plan_finding(
            finding,
            check,
            settings=runtime.settings,
            summary=runtime.tutorial(check.id).summary,
            acceptances=runtime.acceptances,
            today=runtime.today,
        )
        if plan is not None:
            plans.append(plan)
    return plans


def _apply(plans: list[Plan], runtime: Runtime, outcome: Outcome) -> Outcome:
    for plan in plans:
        outcome.kinds[plan.kind] = outcome.kinds.get(plan.kind, 0) + 1
    announce = [p for p in plans if p.notify]
    unpublished = publish_notifications(runtime.sns, runtime.settings, announce, runtime.tutorial)
    if runtime.sns is not None and runtime.settings.topic_arn is not None:
        outcome.notified = len(announce) - len(unpublished)
    # A finding whose message failed keeps its old state, so that it is handled again.
    skipped = set(unpublished)
    to_update = [p for p in plans if p.finding.id not in skipped]
    unprocessed = update_findings(runtime.securityhub, to_update, sleep=runtime.sleep)
    outcome.updated = len(to_update) - len(unprocessed)
    log.info(
        "%d finding(s), %d of ours, %d updated, %d notified",
        outcome.findings,
        outcome.ours,
        outcome.updated,
        outcome.notified,
    )
    if unprocessed or unpublished:
        raise DeliveryError(unprocessed, unpublished)
    return outcome
