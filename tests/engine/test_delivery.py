"""PutEvaluations: chunks of 100, throttling retried by botocore, refusals retried then raised."""

from __future__ import annotations

import pytest

from scanmonster.runtime.delivery import put_evaluations
from scanmonster.runtime.errors import EvaluationDeliveryError
from tests.engine.conftest import assert_valid_put_evaluations


def evaluations(count: int) -> list[dict]:
    return [
        {
            "ComplianceResourceType": "AWS::EC2::Volume",
            "ComplianceResourceId": f"vol-{i:05d}",
            "ComplianceType": "COMPLIANT",
            "OrderingTimestamp": "2026-11-28T09:00:00.000Z",
        }
        for i in range(count)
    ]


def no_sleep(_: float) -> None:
    pass


def test_250_evaluations_take_three_calls_in_order(config_api) -> None:
    put_evaluations(config_api.client, evaluations(250), "token-1", sleep=no_sleep)
    calls = config_api.put_calls()
    assert [len(c["Evaluations"]) for c in calls] == [100, 100, 50]
    assert [e["ComplianceResourceId"] for c in calls for e in c["Evaluations"]] == [
        e["ComplianceResourceId"] for e in evaluations(250)
    ]
    assert all(c["ResultToken"] == "token-1" and c["TestMode"] is False for c in calls)
    for call in calls:
        assert_valid_put_evaluations(call)


def test_result_token_testmode_sets_test_mode(config_api) -> None:
    put_evaluations(config_api.client, evaluations(1), "TESTMODE", sleep=no_sleep)
    assert config_api.put_calls()[0]["TestMode"] is True


def test_nothing_to_deliver_makes_no_call(config_api) -> None:
    put_evaluations(config_api.client, [], "token", sleep=no_sleep)
    assert config_api.calls == []


def test_throttling_is_retried_by_botocore_until_it_succeeds(config_api) -> None:
    config_api.throttle(times=2)
    put_evaluations(config_api.client, evaluations(3), "token", sleep=no_sleep)
    assert config_api.attempts == ["PutEvaluations"] * 3  # two throttled, one accepted
    assert len(config_api.put_calls()) == 1


def test_refused_evaluations_are_retried_alone_then_delivered(config_api) -> None:
    sent = evaluations(5)
    config_api.answer(200, {"FailedEvaluations": [sent[1], sent[3]]})
    slept: list[float] = []
    put_evaluations(config_api.client, sent, "token", sleep=slept.append)
    calls = config_api.put_calls()
    assert [len(c["Evaluations"]) for c in calls] == [5, 2]
    assert [e["ComplianceResourceId"] for e in calls[1]["Evaluations"]] == [
        "vol-00001",
        "vol-00003",
    ]
    assert slept == [0.5]


def test_evaluations_refused_every_time_raise_naming_them(config_api) -> None:
    sent = evaluations(3)
    for _ in range(3):
        config_api.answer(200, {"FailedEvaluations": [sent[2]]})
    with pytest.raises(EvaluationDeliveryError, match=r"did not accept 1 evaluation.*vol-00002"):
        put_evaluations(config_api.client, sent, "token", sleep=no_sleep)
    assert len(config_api.put_calls()) == 3


def test_a_refusal_in_the_first_chunk_does_not_stop_the_others(config_api) -> None:
    sent = evaluations(150)
    for _ in range(3):
        config_api.answer(200, {"FailedEvaluations": [sent[0]]})
    with pytest.raises(EvaluationDeliveryError) as error:
        put_evaluations(config_api.client, sent, "token", sleep=no_sleep)
    assert [e["ComplianceResourceId"] for e in error.value.failed] == ["vol-00000"]
    assert len(config_api.put_calls()[-1]["Evaluations"]) == 50  # the second chunk went out
