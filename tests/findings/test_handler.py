"""The Lambda entry points: settings parsed once, the bundled acceptances file read with
today's date, failures raised and logged without finding contents."""

from __future__ import annotations

import logging

import pytest

from scanmonster.findings import handler
from scanmonster.findings.errors import DeliveryError, SettingsError
from scanmonster.runtime.errors import InvalidEventError
from tests.findings.conftest import (
    BASE_URL,
    GUARDDUTY,
    S3_FAILED,
    TODAY,
    TOPIC,
    apply_update,
    imported_event,
    load_finding,
)

ACCEPTANCES = """
[[acceptance]]
id = "lab-public-assets"
check = "s3_bucket_public_access_blocked"
accounts = ["123456789012"]
regions = ["*"]
resource = "team-a-public-*"
reason = "The bucket serves the public product catalogue; objects are reviewed."
approver = "security-team@example.com"
expires = 2027-03-31
"""


@pytest.fixture
def deployed(api, monkeypatch, tmp_path):
    """The function as deployed: environment, bundled acceptances file, clients."""
    monkeypatch.setenv("SCANMONSTER_LANGUAGE", "en")
    monkeypatch.setenv("SCANMONSTER_TUTORIAL_BASE_URL", BASE_URL)
    monkeypatch.setenv("SCANMONSTER_TOPIC_ARN", TOPIC)
    monkeypatch.delenv("SCANMONSTER_MIN_SEVERITY", raising=False)
    path = tmp_path / "risk-acceptances.toml"
    path.write_text(ACCEPTANCES, encoding="utf-8")
    monkeypatch.setattr(handler, "ACCEPTANCES_FILE", path)
    monkeypatch.setattr(handler, "_clients", lambda: (api.securityhub, api.sns))
    monkeypatch.setattr(handler, "_today", lambda: TODAY)
    handler._settings.cache_clear()
    yield path
    handler._settings.cache_clear()


def test_enrich_handler_suppresses_with_the_bundled_file(deployed, api) -> None:
    event = imported_event(load_finding(GUARDDUTY), load_finding(S3_FAILED))
    result = handler.enrich_handler(event, None)
    assert result == {
        "findings": 2,
        "ours": 1,
        "updated": 1,
        "notified": 0,
        "plans_suppress": 1,
    }
    (update,) = api.updates()
    assert update["Workflow"] == {"Status": "SUPPRESSED"}
    assert update["UserDefinedFields"]["scanmonster_acceptance"] == "lab-public-assets"


def test_enrich_handler_after_the_acceptance_expired(deployed, api, monkeypatch) -> None:
    finding = load_finding(S3_FAILED)
    handler.enrich_handler(imported_event(finding), None)
    suppressed = apply_update(finding, api.updates()[0])
    api.calls.clear()
    # The deployed file still lists the acceptance; its day has passed.
    monkeypatch.setattr(handler, "_today", lambda: TODAY.replace(year=2027, month=4))
    result = handler.enrich_handler(imported_event(suppressed), None)
    assert result["plans_reopen"] == 1
    assert api.updates()[0]["Workflow"] == {"Status": "NEW"}
    assert "expired on 2027-03-31" in api.published()[0]["Message"]


def test_sweep_handler(deployed, api) -> None:
    finding = load_finding(S3_FAILED)
    api.pages([load_finding(GUARDDUTY)], [finding])
    result = handler.sweep_handler({"source": "aws.events"}, None)
    assert result["findings"] == 2
    assert result["plans_suppress"] == 1
    assert len(api.updates()) == 1


def test_settings_are_parsed_once(deployed, api, monkeypatch) -> None:
    handler.enrich_handler(imported_event(load_finding(GUARDDUTY)), None)
    monkeypatch.setenv("SCANMONSTER_LANGUAGE", "fr")  # not seen by a warm function
    handler.enrich_handler(imported_event(load_finding(GUARDDUTY)), None)
    handler._settings.cache_clear()  # a cold start
    with pytest.raises(SettingsError, match="SCANMONSTER_LANGUAGE: 'fr'"):
        handler.enrich_handler(imported_event(load_finding(GUARDDUTY)), None)


def test_a_settings_error_fails_the_invocation_and_is_logged(deployed, monkeypatch, caplog):
    monkeypatch.delenv("SCANMONSTER_TUTORIAL_BASE_URL")
    handler._settings.cache_clear()
    with pytest.raises(SettingsError), caplog.at_level(logging.ERROR):
        handler.sweep_handler({}, None)
    assert "SCANMONSTER_TUTORIAL_BASE_URL: required, not set" in caplog.text


def test_an_event_of_another_type_fails_the_invocation(deployed, api) -> None:
    event = imported_event(load_finding(S3_FAILED))
    event["detail-type"] = "Security Hub Insight Results"
    with pytest.raises(InvalidEventError):
        handler.enrich_handler(event, None)
    assert api.calls == []


def test_logs_carry_ids_and_counts_never_findings(deployed, api, caplog) -> None:
    announced = load_finding(S3_FAILED)  # HIGH and failing: announced, but SNS refuses
    announced["Resources"][0]["Id"] = "arn:aws:s3:::team-b-uploads"  # not accepted
    passed = load_finding(S3_FAILED)  # passing: only updated, but Security Hub refuses
    passed["Id"] += "-passed"
    passed["Compliance"]["Status"] = "PASSED"
    passed["Resources"][0]["Id"] = "arn:aws:s3:::team-b-uploads"
    api.answer("Publish", 403, "AuthorizationError")
    for _ in range(3):
        api.unprocessed(passed)
    with (
        caplog.at_level(logging.DEBUG, logger="scanmonster"),
        pytest.raises(DeliveryError) as raised,
    ):
        handler.enrich_handler(imported_event(announced, passed), None)
    assert raised.value.unpublished == [announced["Id"]]
    assert raised.value.unprocessed == [passed["Id"]]
    for finding in (announced, passed):
        assert finding["Id"] in caplog.text  # what failed is named ...
    for content in (
        announced["Description"],
        announced["Resources"][0]["Details"]["AwsS3Bucket"]["OwnerId"],
        "ProductFields",
        "UserDefinedFields",
        "Block Public Access",  # the check title and summary, in the message and the note
    ):
        assert content not in caplog.text  # ... but never what the finding holds
