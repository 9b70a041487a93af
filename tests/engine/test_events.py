"""Malformed events fail with a message naming the field, never a bare KeyError."""

from __future__ import annotations

import json

import pytest

from scanmonster.runtime.errors import InvalidEventError
from scanmonster.runtime.events import build_change_event, build_scheduled_event, parse_event
from tests.support import load_item


def valid_change_event() -> dict:
    return build_change_event(load_item("AWS::S3::Bucket", "private-all-blocked"))


def with_invoking(invoking: dict) -> dict:
    event = valid_change_event()
    event["invokingEvent"] = json.dumps(invoking)
    return event


def test_a_valid_change_event_parses() -> None:
    parsed = parse_event(valid_change_event())
    assert parsed.message_type == "ConfigurationItemChangeNotification"
    assert parsed.invoking_event["configurationItem"]["resourceId"] == "scanmonster-example-bucket"
    assert parsed.rule_parameters == {}
    assert parsed.test_mode


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda e: e.update(invokingEvent='{"messageType": '), "'invokingEvent' is not valid JSON"),
        (lambda e: e.update(invokingEvent="[1, 2]"), "'invokingEvent' must be a JSON object"),
        (lambda e: e.pop("invokingEvent"), "'invokingEvent' is missing"),
        (lambda e: e.update(ruleParameters="{Ports: 22}"), "'ruleParameters' is not valid JSON"),
        (lambda e: e.update(ruleParameters='"22"'), "'ruleParameters' must be a JSON object"),
        (lambda e: e.pop("resultToken"), "'resultToken' is missing"),
        (lambda e: e.update(resultToken=""), "'resultToken' is missing"),
        (lambda e: e.update(eventLeftScope="false"), "'eventLeftScope' must be true or false"),
    ],
)
def test_malformed_event_fields_are_named(mutate, message: str) -> None:
    event = valid_change_event()
    mutate(event)
    with pytest.raises(InvalidEventError, match=message):
        parse_event(event)


def test_configuration_item_null_is_a_clear_error() -> None:
    event = with_invoking(
        {
            "messageType": "ConfigurationItemChangeNotification",
            "configurationItem": None,
            "notificationCreationTime": "2026-11-28T09:00:00.000Z",
        }
    )
    with pytest.raises(
        InvalidEventError, match=r"'invokingEvent.configurationItem' must be an object, got null"
    ):
        parse_event(event)


@pytest.mark.parametrize(
    "field",
    ["resourceType", "resourceId", "configurationItemStatus", "configurationItemCaptureTime"],
)
def test_configuration_item_missing_a_field_names_it(field: str) -> None:
    item = load_item("AWS::S3::Bucket", "private-all-blocked")
    del item[field]
    with pytest.raises(InvalidEventError, match=f"configurationItem.{field}' is missing"):
        parse_event(build_change_event(item))


def test_oversized_notification_needs_its_summary() -> None:
    event = with_invoking(
        {
            "messageType": "OversizedConfigurationItemChangeNotification",
            "notificationCreationTime": "2026-11-28T09:00:00.000Z",
        }
    )
    with pytest.raises(InvalidEventError, match="configurationItemSummary' must be an object"):
        parse_event(event)


def test_scheduled_notification_needs_its_time() -> None:
    event = build_scheduled_event(account_id="123456789012", notification_time="")
    with pytest.raises(InvalidEventError, match="notificationCreationTime' is missing"):
        parse_event(event)


@pytest.mark.parametrize("event", [None, [], "event", 42])
def test_an_event_that_is_not_an_object_is_refused(event) -> None:
    with pytest.raises(InvalidEventError, match="the event must be a JSON object"):
        parse_event(event)


def test_message_type_missing_is_named() -> None:
    with pytest.raises(InvalidEventError, match="messageType' is missing"):
        parse_event(with_invoking({"configurationItem": {}}))


def test_unknown_message_types_parse_so_that_they_can_be_ignored() -> None:
    assert parse_event(with_invoking({"messageType": "FutureNotification"})).message_type == (
        "FutureNotification"
    )
