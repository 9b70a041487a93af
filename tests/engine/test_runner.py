"""The runner: what rdklib's Evaluator gets wrong, done right, asserted on the API calls."""

from __future__ import annotations

import copy

import pytest
from botocore.exceptions import ClientError

from scanmonster.runtime.errors import InvalidParameterError, RuleOutputError
from scanmonster.runtime.events import build_change_event, build_scheduled_event
from scanmonster.runtime.rule import CheckRule, Evaluation, compliant, non_compliant
from scanmonster.runtime.runner import CheckRunner
from tests.engine.conftest import assert_valid_put_evaluations, make_check

CAPTURE_TIME = "2024-03-01T10:00:00.000Z"
NOTIFICATION_TIME = "2026-11-28T09:00:00.000Z"


def volume(volume_id: str = "vol-1", encrypted: bool = True, **fields) -> dict:
    return {
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": CAPTURE_TIME,
        "configurationStateId": 1,
        "awsAccountId": "123456789012",
        "configurationItemStatus": "OK",
        "resourceType": "AWS::EC2::Volume",
        "resourceId": volume_id,
        "awsRegion": "us-east-1",
        "tags": {},
        "relationships": [],
        "configuration": {"volumeId": volume_id, "encrypted": encrypted},
        "supplementaryConfiguration": {},
        **fields,
    }


class VolumeRule(CheckRule):
    """Change: encrypted volumes pass. Periodic: `count` volumes, every third fails."""

    count = 250

    def evaluate_change(self, event, client_factory, configuration_item, valid_rule_parameters):
        if configuration_item["configuration"]["encrypted"]:
            return [compliant("Volume is encrypted.")]
        return [non_compliant("ボリュームが暗号化されていません。" * 30)]

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        return [
            (
                non_compliant(
                    "Not encrypted.", resource_id=f"vol-{i}", resource_type="AWS::EC2::Volume"
                )
                if i % 3 == 0
                else compliant(resource_id=f"vol-{i}", resource_type="AWS::EC2::Volume")
            )
            for i in range(self.count)
        ]


def runner(config_api, rule: CheckRule | None = None, **check_fields) -> CheckRunner:
    fields = {"trigger": {"change": True, "periodic": "TwentyFour_Hours"}, **check_fields}
    return CheckRunner(
        make_check(**fields), rule=rule or VolumeRule(), client_factory=config_api.factory
    )


def test_periodic_250_evaluations_reach_config_in_three_valid_calls(config_api) -> None:
    runner(config_api).handle(
        build_scheduled_event(
            account_id="123456789012", notification_time=NOTIFICATION_TIME, result_token="tok"
        )
    )
    calls = config_api.put_calls()
    assert [len(c["Evaluations"]) for c in calls] == [100, 100, 50]
    for call in calls:
        assert_valid_put_evaluations(call)
        assert {e["OrderingTimestamp"] for e in call["Evaluations"]} == {NOTIFICATION_TIME}
    # No GetComplianceDetailsByConfigRule sweep marking unreached resources NOT_APPLICABLE.
    assert [name for name, _ in config_api.calls] == ["PutEvaluations"] * 3


def test_change_verdict_uses_the_item_capture_time_not_the_clock(config_api) -> None:
    runner(config_api).handle(build_change_event(volume(), result_token="tok"))
    (call,) = config_api.put_calls()
    assert call["Evaluations"] == [
        {
            "ComplianceResourceType": "AWS::EC2::Volume",
            "ComplianceResourceId": "vol-1",
            "ComplianceType": "COMPLIANT",
            "OrderingTimestamp": CAPTURE_TIME,
            "Annotation": "Volume is encrypted.",
        }
    ]


def test_a_long_japanese_annotation_is_delivered_within_the_limit(config_api) -> None:
    runner(config_api).handle(build_change_event(volume(encrypted=False)))
    (call,) = config_api.put_calls()
    assert_valid_put_evaluations(call)
    assert call["Evaluations"][0]["Annotation"].startswith("ボリュームが暗号化されていません。")


def test_a_duplicate_event_gives_the_same_evaluation_again(config_api) -> None:
    event = build_change_event(volume(encrypted=False), result_token="tok")
    runner(config_api).handle(event)
    runner(config_api).handle(copy.deepcopy(event))
    first, second = config_api.put_calls()
    assert first == second  # same OrderingTimestamp: Config keeps one verdict, not two


@pytest.mark.parametrize(
    "status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]
)
def test_gone_resources_are_not_applicable_without_asking_the_rule(config_api, status) -> None:
    class Explodes(VolumeRule):
        def evaluate_change(self, *args):
            raise AssertionError("the rule must not see a deleted resource")

    item = volume(configurationItemStatus=status, configuration=None)
    runner(config_api, Explodes()).handle(build_change_event(item))
    (call,) = config_api.put_calls()
    assert call["Evaluations"][0]["ComplianceType"] == "NOT_APPLICABLE"
    assert call["Evaluations"][0]["ComplianceResourceId"] == "vol-1"


def test_resource_that_left_scope_is_not_applicable(config_api) -> None:
    runner(config_api).handle(build_change_event(volume(encrypted=False), left_scope=True))
    assert config_api.put_calls()[0]["Evaluations"][0]["ComplianceType"] == "NOT_APPLICABLE"


def test_unknown_resource_type_is_ignored_without_any_call(config_api) -> None:
    item = volume(resourceType="AWS::EC2::Instance")
    outcome = runner(config_api).handle(build_change_event(item))
    assert outcome.evaluations == []
    assert config_api.calls == []


def test_unknown_message_type_is_ignored_without_any_call(config_api) -> None:
    event = build_change_event(volume())
    event["invokingEvent"] = event["invokingEvent"].replace(
        "ConfigurationItemChangeNotification", "SomeFutureNotification"
    )
    assert runner(config_api).handle(event).evaluations == []
    assert config_api.calls == []


def test_a_trigger_the_check_does_not_use_is_ignored(config_api) -> None:
    change_only = runner(config_api, trigger={"change": True})
    change_only.handle(build_scheduled_event(account_id="1", notification_time=NOTIFICATION_TIME))
    assert config_api.calls == []


def test_client_error_in_a_rule_fails_the_invocation(config_api) -> None:
    class Denied(VolumeRule):
        def evaluate_change(self, event, client_factory, item, params):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetThing")

    with pytest.raises(ClientError, match="AccessDenied"):
        runner(config_api, Denied()).handle(build_change_event(volume()))
    assert config_api.calls == []  # nothing half-delivered


def test_bad_parameters_fail_before_the_rule_runs(config_api) -> None:
    check_fields = {
        "parameters": {"Limit": {"type": "int", "default": 1, "minimum": 0, "description": "limit"}}
    }
    event = build_change_event(volume(), parameters={"Limit": "-3"})
    with pytest.raises(InvalidParameterError, match="'Limit': -3 is below the minimum 0"):
        runner(config_api, **check_fields).handle(event)
    assert config_api.calls == []


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (None, "must return a list of Evaluation"),
        (["COMPLIANT"], "must return a list of Evaluation"),
        ([], "gave no verdict"),
        ([compliant(), compliant()], "two verdicts for AWS::EC2::Volume vol-1"),
        ([compliant(resource_type="AWS::S3::Bucket")], "undeclared resource type"),
        ([compliant(resource_id="x" * 769)], "resource id must be 1..768"),
    ],
)
def test_invalid_rule_output_is_a_clear_error(config_api, output, message) -> None:
    class Broken(VolumeRule):
        def evaluate_change(self, *args):
            return output

    with pytest.raises(RuleOutputError, match=message):
        runner(config_api, Broken()).handle(build_change_event(volume()))
    assert config_api.calls == []


def test_account_level_verdicts_default_to_the_account(config_api) -> None:
    class Account(CheckRule):
        def evaluate_periodic(self, event, client_factory, params):
            return [Evaluation("NON_COMPLIANT", annotation="Root has no MFA.")]

    check = make_check(
        "iam_root_test_state",
        resource_types=["AWS::::Account"],
        permissions=["iam:GetAccountSummary"],
        trigger={"periodic": "TwentyFour_Hours"},
    )
    CheckRunner(check, rule=Account(), client_factory=config_api.factory).handle(
        build_scheduled_event(account_id="210987654321", notification_time=NOTIFICATION_TIME)
    )
    (call,) = config_api.put_calls()
    assert call["Evaluations"][0]["ComplianceResourceId"] == "210987654321"
    assert call["Evaluations"][0]["ComplianceResourceType"] == "AWS::::Account"
