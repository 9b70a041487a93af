"""The AWS Config rule event, parsed and checked at the edge.

`invokingEvent` and `ruleParameters` arrive as JSON *strings*. rdklib parses them outside
its error handling, so a malformed event crashes with a bare JSONDecodeError; here every
problem becomes an InvalidEventError that says which field is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scanmonster.runtime.errors import InvalidEventError

CHANGE = "ConfigurationItemChangeNotification"
OVERSIZED = "OversizedConfigurationItemChangeNotification"
SCHEDULED = "ScheduledNotification"

_TIMESTAMP_FIELDS = ("configurationItemCaptureTime", "notificationCreationTime")
# Fields every item we evaluate must carry, in either dialect.
_ITEM_FIELDS = (
    "resourceType",
    "resourceId",
    "configurationItemStatus",
    "configurationItemCaptureTime",
)


@dataclass(frozen=True)
class RuleEvent:
    raw: dict[str, Any]
    invoking_event: dict[str, Any]
    message_type: str
    rule_parameters: dict[str, Any]
    result_token: str
    event_left_scope: bool
    config_rule_name: str | None
    account_id: str | None

    @property
    def test_mode(self) -> bool:
        return self.result_token == "TESTMODE"


def parse_event(event: Any) -> RuleEvent:
    if not isinstance(event, dict):
        raise InvalidEventError(f"the event must be a JSON object, got {type(event).__name__}")
    invoking_event = _json_object(event, "invokingEvent", required=True)
    rule_parameters = _json_object(event, "ruleParameters", required=False)

    token = event.get("resultToken")
    if not isinstance(token, str) or not token:
        raise InvalidEventError("'resultToken' is missing or empty")
    left_scope = event.get("eventLeftScope", False)
    if not isinstance(left_scope, bool):
        raise InvalidEventError(f"'eventLeftScope' must be true or false, got {left_scope!r}")
    message_type = invoking_event.get("messageType")
    if not isinstance(message_type, str):
        raise InvalidEventError("'invokingEvent.messageType' is missing")

    if message_type == CHANGE:
        _require_item(invoking_event.get("configurationItem"), "invokingEvent.configurationItem")
    elif message_type == OVERSIZED:
        summary = invoking_event.get("configurationItemSummary")
        if not isinstance(summary, dict):
            raise InvalidEventError("'invokingEvent.configurationItemSummary' must be an object")
        for key in ("resourceType", "resourceId"):
            _require_text(summary, key, f"invokingEvent.configurationItemSummary.{key}")
        _require_text(
            invoking_event, "notificationCreationTime", "invokingEvent.notificationCreationTime"
        )
    elif message_type == SCHEDULED:
        _require_text(
            invoking_event, "notificationCreationTime", "invokingEvent.notificationCreationTime"
        )

    account_id = event.get("accountId")
    rule_name = event.get("configRuleName")
    return RuleEvent(
        raw=event,
        invoking_event=invoking_event,
        message_type=message_type,
        rule_parameters=rule_parameters,
        result_token=token,
        event_left_scope=left_scope,
        config_rule_name=rule_name if isinstance(rule_name, str) else None,
        account_id=account_id if isinstance(account_id, str) else None,
    )


def _json_object(event: dict[str, Any], key: str, *, required: bool) -> dict[str, Any]:
    value = event.get(key)
    if value is None or value == "":
        if required:
            raise InvalidEventError(f"'{key}' is missing")
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise InvalidEventError(f"'{key}' is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise InvalidEventError(f"'{key}' must be a JSON object, got {type(value).__name__}")
    return value


def _require_item(item: Any, where: str) -> None:
    if not isinstance(item, dict):
        raise InvalidEventError(f"'{where}' must be an object, got {_kind(item)}")
    for key in _ITEM_FIELDS:
        _require_text(item, key, f"{where}.{key}")


def _require_text(obj: dict[str, Any], key: str, where: str) -> None:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidEventError(f"'{where}' is missing or not text")
    if key in _TIMESTAMP_FIELDS and not is_timestamp(value):
        raise InvalidEventError(f"'{where}' is not an ISO 8601 time: {value[:40]!r}")


def is_timestamp(value: str) -> bool:
    """AWS Config times look like 2026-11-28T09:00:00.000Z; they become OrderingTimestamp."""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def build_change_event(
    item: dict[str, Any],
    *,
    parameters: dict[str, Any] | None = None,
    left_scope: bool = False,
    result_token: str = "TESTMODE",
    rule_name: str | None = None,
) -> dict[str, Any]:
    """The event AWS Config sends a change-triggered rule for `item` (local scan, tests)."""
    invoking = {
        "configurationItem": item,
        "notificationCreationTime": item.get("configurationItemCaptureTime"),
        "messageType": CHANGE,
        "recordVersion": "1.3",
    }
    return _lambda_event(
        invoking,
        parameters,
        left_scope,
        result_token,
        rule_name,
        item.get("awsAccountId") or item.get("accountId"),
    )


def build_oversized_event(
    summary: dict[str, Any],
    *,
    notification_time: str,
    parameters: dict[str, Any] | None = None,
    result_token: str = "TESTMODE",
) -> dict[str, Any]:
    invoking = {
        "configurationItemSummary": summary,
        "notificationCreationTime": notification_time,
        "messageType": OVERSIZED,
        "recordVersion": "1.0",
    }
    return _lambda_event(
        invoking, parameters, False, result_token, None, summary.get("awsAccountId")
    )


def build_scheduled_event(
    *,
    account_id: str,
    notification_time: str,
    parameters: dict[str, Any] | None = None,
    result_token: str = "TESTMODE",
    rule_name: str | None = None,
) -> dict[str, Any]:
    invoking = {
        "awsAccountId": account_id,
        "notificationCreationTime": notification_time,
        "messageType": SCHEDULED,
        "recordVersion": "1.0",
    }
    return _lambda_event(invoking, parameters, False, result_token, rule_name, account_id)


def _lambda_event(
    invoking: dict[str, Any],
    parameters: dict[str, Any] | None,
    left_scope: bool,
    result_token: str,
    rule_name: str | None,
    account_id: str | None,
) -> dict[str, Any]:
    return {
        "version": "1.0",
        "invokingEvent": json.dumps(invoking),
        "ruleParameters": json.dumps(parameters or {}),
        "resultToken": result_token,
        "eventLeftScope": left_scope,
        "configRuleName": rule_name or "scanmonster-local",
        "accountId": account_id,
    }
