"""Run one check on one AWS Config event: the orchestration rdklib's Evaluator does badly.

We reuse rdklib's pieces (ConfigRule, Evaluation, ClientFactory, the applicability and
history helpers) and replace `Evaluator.handle`, whose faults cannot be mended from
outside it: it builds its own ClientFactory, swallows ClientError into a "successful"
error dict, parses ruleParameters outside its try, ignores FailedEvaluations, and sweeps
periodic results with GetComplianceDetailsByConfigRule. See docs/design.md.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from rdklib import Evaluation
from rdklib.util.service import get_resource_config_history

from scanmonster.metadata import ACCOUNT_RESOURCE_TYPE, Check
from scanmonster.registry import load_rule_class
from scanmonster.runtime.annotations import fit_annotation
from scanmonster.runtime.clients import ClientFactory
from scanmonster.runtime.config_item import GONE_STATUSES, normalize_configuration_item
from scanmonster.runtime.delivery import put_evaluations
from scanmonster.runtime.errors import RuleOutputError, ScanMonsterError
from scanmonster.runtime.events import CHANGE, OVERSIZED, SCHEDULED, RuleEvent, parse_event
from scanmonster.runtime.parameters import parse_rule_parameters
from scanmonster.runtime.rule import not_applicable

log = logging.getLogger(__name__)

VALID_COMPLIANCE = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")
MAX_RESOURCE_ID = 768


@dataclass(frozen=True)
class Outcome:
    event: RuleEvent
    evaluations: list[dict[str, Any]]


class CheckRunner:
    def __init__(
        self, check: Check, *, rule: Any = None, client_factory: ClientFactory | None = None
    ) -> None:
        self.check = check
        self.rule = rule if rule is not None else load_rule_class(check)()
        self.client_factory = client_factory or ClientFactory()

    def handle(self, event: Any) -> Outcome:
        """Evaluate the event and deliver the evaluations to AWS Config."""
        outcome = self.evaluate(event)
        if outcome.evaluations:
            config = self.client_factory.build_client("config")
            put_evaluations(config, outcome.evaluations, outcome.event.result_token)
        log.info(
            "%s: %s -> %s",
            self.check.id,
            outcome.event.message_type,
            dict(Counter(e["ComplianceType"] for e in outcome.evaluations)) or "ignored",
        )
        return outcome

    def evaluate(self, event: Any) -> Outcome:
        """Evaluations for the event, ready for PutEvaluations (nothing is sent)."""
        parsed = parse_event(event)
        parameters = parse_rule_parameters(parsed.rule_parameters, self.check.parameters)
        if parsed.message_type == SCHEDULED and self.check.periodic_frequency:
            evaluations = self._periodic(parsed, parameters)
        elif parsed.message_type in (CHANGE, OVERSIZED) and self.check.change_triggered:
            evaluations = self._change(parsed, parameters)
        else:
            # Unknown message types, or a trigger this check does not use: nothing to say,
            # and no call to make.
            log.info("%s: ignoring %s", self.check.id, parsed.message_type)
            evaluations = []
        return Outcome(parsed, evaluations)

    def _periodic(self, event: RuleEvent, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        results = self.rule.evaluate_periodic(event.raw, self.client_factory, parameters)
        default_id = event.account_id if self.check.is_account_level else None
        default_type = ACCOUNT_RESOURCE_TYPE if self.check.is_account_level else None
        timestamp = event.invoking_event["notificationCreationTime"]
        return self._finish(results, timestamp, default_id, default_type)

    def _change(self, event: RuleEvent, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        invoking = event.invoking_event
        item = invoking.get("configurationItem") or invoking["configurationItemSummary"]
        if item["resourceType"] not in self.check.resource_types:
            log.info("%s: ignoring resource type %s", self.check.id, item["resourceType"])
            return []
        gone = item.get("configurationItemStatus") in GONE_STATUSES or event.event_left_scope
        if not gone and event.message_type == OVERSIZED:
            item = self._fetch_oversized(invoking)
            gone = item["configurationItemStatus"] in GONE_STATUSES
        timestamp = item.get("configurationItemCaptureTime") or invoking["notificationCreationTime"]
        if gone:
            results = [
                not_applicable(
                    "The resource was deleted, is no longer recorded, "
                    "or left the scope of this check."
                )
            ]
        else:
            normalized = normalize_configuration_item(item)
            results = self.rule.evaluate_change(
                event.raw, self.client_factory, normalized, parameters
            )
            if results == []:
                raise RuleOutputError(
                    f"{self.check.id}: evaluate_change gave no verdict "
                    f"for {item['resourceType']} {item['resourceId']}"
                )
        return self._finish(results, timestamp, item["resourceId"], item["resourceType"])

    def _fetch_oversized(self, invoking: dict[str, Any]) -> dict[str, Any]:
        """The full item behind an oversized notification, from the history API."""
        config = self.client_factory.build_client("config")
        items = get_resource_config_history(config, invoking).get("configurationItems") or []
        if not items:
            summary = invoking["configurationItemSummary"]
            raise ScanMonsterError(
                f"AWS Config returned no configuration item for {summary['resourceType']} "
                f"{summary['resourceId']}; the invocation fails so that it is retried"
            )
        return normalize_configuration_item(items[0])

    def _finish(
        self, results: Any, timestamp: str, default_id: str | None, default_type: str | None
    ) -> list[dict[str, Any]]:
        """Check the rule's output and turn it into PutEvaluations entries."""
        if not isinstance(results, list) or not all(isinstance(r, Evaluation) for r in results):
            raise RuleOutputError(f"{self.check.id}: a rule must return a list of Evaluation")
        evaluations: dict[tuple[str, str], dict[str, Any]] = {}
        for result in results:
            entry = {
                "ComplianceResourceType": result.complianceResourceType or default_type,
                "ComplianceResourceId": result.complianceResourceId or default_id,
                "ComplianceType": result.complianceType,
                # The item's capture time or the notification time, never the clock: a
                # retried or duplicate event must not overwrite a newer verdict.
                "OrderingTimestamp": timestamp,
            }
            annotation = fit_annotation(result.annotation)
            if annotation:
                entry["Annotation"] = annotation
            self._validate(entry)
            key = (entry["ComplianceResourceType"], entry["ComplianceResourceId"])
            if key in evaluations:
                raise RuleOutputError(f"{self.check.id}: two verdicts for {key[0]} {key[1]}")
            evaluations[key] = entry
        return list(evaluations.values())

    def _validate(self, entry: dict[str, Any]) -> None:
        resource_type, resource_id = entry["ComplianceResourceType"], entry["ComplianceResourceId"]
        if resource_type not in self.check.resource_types:
            raise RuleOutputError(
                f"{self.check.id}: verdict for undeclared resource type {resource_type!r}"
            )
        if not isinstance(resource_id, str) or not 1 <= len(resource_id) <= MAX_RESOURCE_ID:
            raise RuleOutputError(
                f"{self.check.id}: resource id must be 1..{MAX_RESOURCE_ID} "
                f"characters, got {resource_id!r}"
            )
        if entry["ComplianceType"] not in VALID_COMPLIANCE:
            raise RuleOutputError(f"{self.check.id}: compliance {entry['ComplianceType']!r}")
