"""Helpers shared by the tests: fixtures on disk and running a check the way AWS does."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import boto3
from botocore.stub import Stubber

from scanmonster import ROOT
from scanmonster.metadata import Check
from scanmonster.registry import load_registry
from scanmonster.runtime.clients import ClientFactory
from scanmonster.runtime.config_item import normalize_configuration_item
from scanmonster.runtime.events import (
    build_change_event,
    build_oversized_event,
    build_scheduled_event,
)
from scanmonster.runtime.runner import CheckRunner

FIXTURES = ROOT / "tests" / "fixtures"
ITEMS = FIXTURES / "config_items"
RECORDED = FIXTURES / "recorded"
ACCOUNT_ID = "123456789012"
NOTIFICATION_TIME = "2026-11-28T09:00:00.000Z"
_ITEM_FIELDS = (
    "resourceType",
    "resourceId",
    "configurationItemStatus",
    "configurationItemCaptureTime",
)


@cache
def registry():
    return load_registry()


def check(check_id: str) -> Check:
    return registry()[check_id]


def type_folder(resource_type: str) -> str:
    """AWS::S3::Bucket -> AWS-S3-Bucket (how fixtures are filed per resource type)."""
    return resource_type.replace("::", "-")


def load_item(resource_type: str, name: str) -> dict[str, Any]:
    """A configuration item from tests/fixtures/config_items/<type>/<name>.json (a copy)."""
    path = ITEMS / type_folder(resource_type) / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def recorded_items(resource_type: str) -> dict[str, dict[str, Any]]:
    """The real recorded items of one resource type, by file name."""
    prefix = type_folder(resource_type) + "__"
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))["configurationItem"]
        for path in sorted(RECORDED.glob(f"{prefix}*.json"))
    }


def runner(check_id: str, client_factory: ClientFactory | None = None) -> CheckRunner:
    return CheckRunner(check(check_id), client_factory=client_factory or ClientFactory())


def run_change(
    check_id: str,
    item: dict[str, Any],
    *,
    parameters: dict | None = None,
    client_factory: ClientFactory | None = None,
    left_scope: bool = False,
) -> list[dict[str, Any]]:
    """Evaluations for a change notification carrying `item`, as the Lambda computes them."""
    event = build_change_event(copy.deepcopy(item), parameters=parameters, left_scope=left_scope)
    return runner(check_id, client_factory).evaluate(event).evaluations


def run_periodic(
    check_id: str, client_factory: ClientFactory, *, parameters: dict | None = None
) -> list[dict[str, Any]]:
    event = build_scheduled_event(
        account_id=ACCOUNT_ID, notification_time=NOTIFICATION_TIME, parameters=parameters
    )
    return runner(check_id, client_factory).evaluate(event).evaluations


def verdict(
    check_id: str,
    item: dict[str, Any],
    *,
    parameters: dict | None = None,
    client_factory: ClientFactory | None = None,
) -> str:
    """The one verdict a change-triggered check gives on `item`.

    Complete items go through the whole runtime (a change notification). Partial rows
    from SelectResourceConfig (no resourceId or status) cannot be an event; the local
    scanner hands them to the rule directly, and so does this.
    """
    if all(isinstance(item.get(k), str) for k in _ITEM_FIELDS):
        evaluations = run_change(
            check_id, item, parameters=parameters, client_factory=client_factory
        )
        assert len(evaluations) == 1, evaluations
        return evaluations[0]["ComplianceType"]
    run = runner(check_id, client_factory)
    params = {**run.check.default_parameters(), **(parameters or {})}
    results = run.rule.evaluate_change(
        {}, run.client_factory, normalize_configuration_item(copy.deepcopy(item)), params
    )
    assert len(results) == 1, results
    return results[0].complianceType


def history_item(item: dict[str, Any]) -> dict[str, Any]:
    """An invoking-event item as GetResourceConfigHistory returns it: API key names,
    `configuration` and every supplementary value as JSON text, times as datetimes."""
    return {
        "version": item.get("configurationItemVersion", "1.3"),
        "accountId": item["awsAccountId"],
        "configurationItemCaptureTime": _datetime(item["configurationItemCaptureTime"]),
        "configurationItemStatus": item["configurationItemStatus"],
        "configurationStateId": str(item.get("configurationStateId", "1")),
        "configurationItemMD5Hash": "",
        "arn": item["ARN"],
        "resourceType": item["resourceType"],
        "resourceId": item["resourceId"],
        "resourceName": item.get("resourceName") or item["resourceId"],
        "awsRegion": item["awsRegion"],
        "availabilityZone": item.get("availabilityZone", "Not Applicable"),
        "tags": item.get("tags") or {},
        "relatedEvents": [],
        "relationships": [
            {
                "resourceType": r["resourceType"],
                "resourceId": r["resourceId"],
                "relationshipName": r["name"],
            }
            for r in item.get("relationships") or []
        ],
        "configuration": json.dumps(item["configuration"]),
        "supplementaryConfiguration": {
            name: json.dumps(value) for name, value in item["supplementaryConfiguration"].items()
        },
    }


def _datetime(text: str) -> datetime:
    return datetime.fromisoformat(text)


def run_oversized(
    check_id: str, item: dict[str, Any], client_factory: ClientFactory
) -> list[dict[str, Any]]:
    """Evaluations for an oversized notification about `item`: the runtime must fetch the
    item from the configuration history (answered by Stubber, checked against the API
    model and the exact request) before the check sees it."""
    stubber = Stubber(client_factory.build_client("config"))
    stubber.add_response(
        "get_resource_config_history",
        {"configurationItems": [history_item(item)]},
        {"resourceType": item["resourceType"], "resourceId": item["resourceId"], "limit": 1},
    )
    summary = {
        key: item[key]
        for key in (
            "resourceType",
            "resourceId",
            "awsAccountId",
            "configurationItemStatus",
            "configurationItemCaptureTime",
        )
    }
    event = build_oversized_event(summary, notification_time=NOTIFICATION_TIME)
    with stubber:
        evaluations = runner(check_id, client_factory).evaluate(event).evaluations
    stubber.assert_no_pending_responses()
    return evaluations


def stub_account_summary(aws, **values: int | None) -> Stubber:
    """Stub GetAccountSummary on the check's client: moto's full map with `values` applied
    (None removes a key), as IAM returns it."""
    summary = boto3.client("iam").get_account_summary()["SummaryMap"]
    for key, value in values.items():
        if value is None:
            summary.pop(key, None)
        else:
            summary[key] = value
    stubber = Stubber(aws.build_client("iam"))
    stubber.add_response("get_account_summary", {"SummaryMap": summary}, {})
    stubber.activate()
    return stubber


def annotation(evaluations: list[dict[str, Any]]) -> str:
    assert len(evaluations) == 1, evaluations
    return evaluations[0].get("Annotation", "")


def rule_test_files() -> dict[str, Path]:
    return {p.stem.removeprefix("test_"): p for p in (ROOT / "tests" / "rules").glob("test_*.py")}
