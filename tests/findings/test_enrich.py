"""Enrichment of imported findings, asserted on the BatchUpdateFindings requests sent."""

from __future__ import annotations

import pytest

from scanmonster.findings.errors import DeliveryError
from scanmonster.findings.events import findings_of
from scanmonster.findings.process import enrich
from scanmonster.tutorials import load_tutorial
from tests.findings.conftest import (
    BASE_URL,
    FOREIGN_RULE,
    GUARDDUTY,
    KMS_NOT_AVAILABLE,
    ROOT_MFA_FAILED,
    S3_FAILED,
    SG_PASSED,
    Sleeps,
    apply_update,
    assert_valid_batch_update,
    imported_event,
    load_finding,
    make_runtime,
    numbered,
)

BEST_PRACTICES = "Software and Configuration Checks/AWS Security Best Practices"
CIS = (
    "Software and Configuration Checks/Industry and Regulatory Standards/"
    "CIS AWS Foundations Benchmark"
)


def run(api, *findings, **runtime_options):
    return enrich(findings_of(imported_event(*findings)), make_runtime(api, **runtime_options))


def test_one_failed_finding_gets_the_exact_enrichment(api) -> None:
    finding = load_finding(S3_FAILED)
    outcome = run(api, finding)
    summary = load_tutorial("s3_bucket_public_access_blocked", "en").summary
    assert api.updates() == [
        {
            "FindingIdentifiers": [
                {
                    "Id": "arn:aws:config:ap-northeast-1:123456789012:config-rule/"
                    "config-rule-k5r9xw/finding/b65b318c4bd222b067d30770f53098b6dc4cdc38",
                    "ProductArn": "arn:aws:securityhub:ap-northeast-1::product/aws/config",
                }
            ],
            "Severity": {"Label": "HIGH"},
            "Types": [BEST_PRACTICES, CIS],
            "UserDefinedFields": {
                "scanmonster": "true",
                "scanmonster_check": "s3_bucket_public_access_blocked",
                "scanmonster_tutorial": f"{BASE_URL}/en/s3_bucket_public_access_blocked.html",
                "scanmonster_remediation": (
                    "AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock"
                ),
                "scanmonster_fsbp": "S3.8",
                "scanmonster_cis": "v1.4.0/2.1.5,v3.0.0/2.1.4",
                "scanmonster_state": "FAILED",
            },
            "Note": {"Text": summary, "UpdatedBy": "scanmonster"},
        }
    ]
    assert_valid_batch_update(api.updates()[0])
    assert outcome.as_dict()["updated"] == 1


def test_japanese_settings_link_and_note_in_japanese(api) -> None:
    from dataclasses import replace

    from tests.findings.conftest import SETTINGS

    run(api, load_finding(ROOT_MFA_FAILED), settings=replace(SETTINGS, language="ja"))
    (update,) = api.updates()
    assert update["Note"]["Text"] == load_tutorial("iam_root_mfa_enabled", "ja").summary
    assert update["UserDefinedFields"]["scanmonster_tutorial"] == (
        f"{BASE_URL}/ja/iam_root_mfa_enabled.html"
    )
    assert update["Severity"] == {"Label": "CRITICAL"}


def test_security_hub_control_ids_outside_fsbp_and_cis_only_types(api) -> None:
    run(api, load_finding(SG_PASSED))
    (update,) = api.updates()
    fields = update["UserDefinedFields"]
    assert fields["scanmonster_securityhub"] == "EC2.53,EC2.54"
    assert "scanmonster_fsbp" not in fields
    assert fields["scanmonster_cis"] == "v1.4.0/5.2,v3.0.0/5.2,v3.0.0/5.3"
    assert update["Types"] == [CIS]
    assert fields["scanmonster_state"] == "PASSED"
    assert "Workflow" not in update  # a passing finding keeps Config's workflow


def test_not_available_findings_are_enriched_with_their_state(api) -> None:
    run(api, load_finding(KMS_NOT_AVAILABLE))
    (update,) = api.updates()
    assert update["UserDefinedFields"]["scanmonster_state"] == "NOT_AVAILABLE"
    assert update["Severity"] == {"Label": "MEDIUM"}


def test_our_own_update_event_makes_no_call(api) -> None:
    finding = load_finding(S3_FAILED)
    run(api, finding)
    (update,) = api.updates()
    # Security Hub emits a new "Findings - Imported" event carrying the updated finding.
    echoed = apply_update(finding, update)
    api.calls.clear()
    outcome = run(api, echoed)
    assert api.calls == []
    assert outcome.as_dict()["ours"] == 1
    assert outcome.as_dict()["updated"] == 0


def test_config_reimport_of_the_same_state_makes_no_call(api) -> None:
    """Config sends the same evaluation again: customer fields survive a provider
    re-import, so the stored state still matches."""
    finding = load_finding(S3_FAILED)
    run(api, finding)
    enriched = apply_update(finding, api.updates()[0])
    api.calls.clear()
    run(api, enriched, enriched)
    assert api.calls == []


def test_passed_then_failed_is_handled_again(api) -> None:
    passed = load_finding(S3_FAILED)
    passed["Compliance"]["Status"] = "PASSED"
    passed["Workflow"]["Status"] = "RESOLVED"
    run(api, passed)
    enriched = apply_update(passed, api.updates()[0])
    assert enriched["UserDefinedFields"]["scanmonster_state"] == "PASSED"

    failed_again = enriched
    failed_again["Compliance"]["Status"] = "FAILED"
    failed_again["Workflow"]["Status"] = "NEW"
    api.calls.clear()
    run(api, failed_again)
    (update,) = api.updates()
    assert update["UserDefinedFields"]["scanmonster_state"] == "FAILED"
    assert update["FindingIdentifiers"] == [
        {"Id": passed["Id"], "ProductArn": passed["ProductArn"]}
    ]


@pytest.mark.parametrize("name", [GUARDDUTY, FOREIGN_RULE])
def test_findings_that_are_not_ours_are_never_touched(api, name) -> None:
    outcome = run(api, load_finding(name))
    assert api.calls == []
    assert outcome.as_dict() == {"findings": 1, "ours": 0, "updated": 0, "notified": 0}


def test_a_scanmonster_rule_of_an_unregistered_check_is_not_touched(api) -> None:
    finding = load_finding(S3_FAILED)
    finding["ProductFields"]["aws/config/ConfigRuleName"] = "scanmonster-no_such_check_here"
    run(api, finding)
    assert api.calls == []


def test_a_look_alike_product_with_our_rule_name_is_not_touched(api) -> None:
    finding = load_finding(S3_FAILED)
    finding["ProductFields"]["aws/securityhub/ProductName"] = "Default"
    finding["ProductName"] = "Default"
    run(api, finding)
    assert api.calls == []


def test_archived_findings_are_left_alone(api) -> None:
    finding = load_finding(S3_FAILED)
    finding["RecordState"] = "ARCHIVED"
    run(api, finding)
    assert api.calls == []


def test_mixed_event_updates_only_ours(api) -> None:
    findings = [load_finding(n) for n in (GUARDDUTY, S3_FAILED, FOREIGN_RULE)]
    run(api, *findings)
    assert [i["Id"] for u in api.updates() for i in u["FindingIdentifiers"]] == [findings[1]["Id"]]


def test_250_findings_of_one_check_take_three_calls(api) -> None:
    findings = numbered(load_finding(S3_FAILED), 250)
    outcome = run(api, *findings)
    updates = api.updates()
    assert [len(u["FindingIdentifiers"]) for u in updates] == [100, 100, 50]
    assert [i["Id"] for u in updates for i in u["FindingIdentifiers"]] == [
        f["Id"] for f in findings
    ]
    # Same values in every call: BatchUpdateFindings applies one update to all it lists.
    assert all(
        {k: v for k, v in u.items() if k != "FindingIdentifiers"}
        == {k: v for k, v in updates[0].items() if k != "FindingIdentifiers"}
        for u in updates
    )
    for update in updates:
        assert_valid_batch_update(update)
    assert outcome.updated == 250


def test_different_updates_go_in_different_calls(api) -> None:
    failed = numbered(load_finding(S3_FAILED), 2)
    passed = numbered(load_finding(S3_FAILED), 3)
    for finding in passed:
        finding["Id"] += "-passed"
        finding["Compliance"]["Status"] = "PASSED"
    run(api, failed[0], passed[0], failed[1], passed[1], passed[2])
    states = [
        (u["UserDefinedFields"]["scanmonster_state"], len(u["FindingIdentifiers"]))
        for u in api.updates()
    ]
    assert states == [("FAILED", 2), ("PASSED", 3)]


def test_unprocessed_findings_are_retried_then_reported(api) -> None:
    findings = numbered(load_finding(S3_FAILED), 150)
    stuck, flaky = findings[3], findings[7]
    api.unprocessed(stuck, flaky)  # first batch, attempt 1
    api.unprocessed(stuck)  # first batch, attempt 2
    api.unprocessed(stuck)  # first batch, attempt 3
    sleeps = Sleeps()
    with pytest.raises(DeliveryError) as raised:
        run(api, *findings, sleep=sleeps)
    assert raised.value.unprocessed == [stuck["Id"]]
    assert "did not update 1 finding(s)" in str(raised.value)
    assert stuck["Id"] in str(raised.value)
    batches = [[i["Id"] for i in u["FindingIdentifiers"]] for u in api.updates()]
    assert batches == [
        [f["Id"] for f in findings[:100]],
        [stuck["Id"], flaky["Id"]],
        [stuck["Id"]],
        [f["Id"] for f in findings[100:]],  # the next batch is still attempted
    ]
    assert sleeps == [0.5, 1.0]


def test_throttling_is_retried_by_botocore_until_it_succeeds(api) -> None:
    api.throttle("BatchUpdateFindings", times=1)
    outcome = run(api, load_finding(S3_FAILED))
    attempts = [a for a in api.attempts if a != "Publish"]
    assert attempts == ["BatchUpdateFindings", "BatchUpdateFindings"]  # throttled, accepted
    assert len(api.updates()) == 1  # one call, two HTTP attempts
    assert outcome.updated == 1


def test_an_api_error_on_one_batch_does_not_stop_the_others(api) -> None:
    findings = numbered(load_finding(S3_FAILED), 120)
    api.answer(
        "BatchUpdateFindings",
        400,
        {"__type": "InvalidInputException", "message": "Invalid input"},
    )
    with pytest.raises(DeliveryError) as raised:
        run(api, *findings)
    assert len(raised.value.unprocessed) == 100
    assert "and 90 more" in str(raised.value)
    assert len(api.updates()) == 2
