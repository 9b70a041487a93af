"""The Lambda entry point: one handler for every check, failures raised, no secrets logged."""

from __future__ import annotations

import logging

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from scanmonster.runtime import handler
from scanmonster.runtime.errors import InvalidEventError, ScanMonsterError
from scanmonster.runtime.events import build_change_event, build_oversized_event
from scanmonster.runtime.runner import CheckRunner
from tests.support import check, load_item

CHECK = "s3_bucket_public_access_blocked"
TOKEN = "secret-result-token-0123456789"


@pytest.fixture
def check_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(handler.CHECK_ID_VARIABLE, CHECK)
    cached_runner = handler._runner
    cached_runner.cache_clear()
    yield
    cached_runner.cache_clear()


def test_handler_evaluates_and_delivers_through_the_real_api_model(check_env) -> None:
    event = build_change_event(load_item("AWS::S3::Bucket", "private-all-blocked"))
    with mock_aws():  # moto's Config accepts PutEvaluations in TestMode (token TESTMODE)
        result = handler.lambda_handler(event, None)
    assert result == {
        "check": CHECK,
        "messageType": "ConfigurationItemChangeNotification",
        "evaluations": 1,
    }


def test_handler_without_a_check_id_refuses_to_run(monkeypatch) -> None:
    monkeypatch.delenv(handler.CHECK_ID_VARIABLE, raising=False)
    with pytest.raises(ScanMonsterError, match="SCANMONSTER_CHECK_ID is not set"):
        handler.lambda_handler({}, None)


def test_access_denied_fails_the_invocation_and_logs_no_token(
    check_env, config_api, monkeypatch, caplog
) -> None:
    monkeypatch.setattr(
        handler,
        "_runner",
        lambda check_id: CheckRunner(check(check_id), client_factory=config_api.factory),
    )
    config_api.answer(
        400,
        {
            "__type": "AccessDeniedException",
            "message": "not authorized to perform config:GetResourceConfigHistory",
        },
    )
    event = build_oversized_event(
        {
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "big",
            "configurationItemStatus": "OK",
            "configurationItemCaptureTime": "2026-11-20T08:15:42.120Z",
        },
        notification_time="2026-11-28T09:00:00.000Z",
        result_token=TOKEN,
    )
    with caplog.at_level(logging.INFO, logger="scanmonster"), pytest.raises(ClientError) as error:
        handler.lambda_handler(event, None)
    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "GetResourceConfigHistory failed with AccessDeniedException" in caplog.text
    assert TOKEN not in caplog.text
    assert config_api.put_calls() == []


def test_malformed_event_fails_the_invocation_with_the_field_named(check_env, caplog) -> None:
    with (
        caplog.at_level(logging.ERROR, logger="scanmonster"),
        pytest.raises(InvalidEventError, match="'invokingEvent' is not valid JSON"),
    ):
        handler.lambda_handler({"invokingEvent": "{", "resultToken": TOKEN}, None)
    assert "is not valid JSON" in caplog.text
    assert TOKEN not in caplog.text
