"""Notifications: one SNS message per newly failing finding of ours, at or above the
configured severity, never lost silently."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scanmonster.findings.errors import DeliveryError
from scanmonster.findings.events import findings_of
from scanmonster.findings.process import enrich
from scanmonster.findings.texts import MessageFacts, subject
from scanmonster.tutorials import load_tutorial
from tests.findings.conftest import (
    BASE_URL,
    KMS_NOT_AVAILABLE,
    ROOT_MFA_FAILED,
    S3_FAILED,
    SETTINGS,
    SG_PASSED,
    TOPIC,
    apply_update,
    imported_event,
    load_finding,
    make_runtime,
    numbered,
)


def run(api, *findings, **options):
    return enrich(findings_of(imported_event(*findings)), make_runtime(api, **options))


def medium_failure() -> dict:
    """A failing finding of a MEDIUM check (s3_bucket_ssl_requests_only)."""
    finding = load_finding(S3_FAILED)
    finding["ProductFields"]["aws/config/ConfigRuleName"] = (
        "scanmonster-s3_bucket_ssl_requests_only"
    )
    finding["Title"] = "scanmonster-s3_bucket_ssl_requests_only"
    return finding


def test_english_message(api) -> None:
    finding = load_finding(S3_FAILED)
    run(api, finding)
    tutorial = load_tutorial("s3_bucket_public_access_blocked", "en")
    assert api.published() == [
        {
            "TopicArn": TOPIC,
            "Subject": "[ScanMonster] HIGH: S3 buckets turn on all four Block Public Access "
            "settings",
            "Message": "A ScanMonster check failed.\n"
            "Fix the setting, or, if there is a reason not to, record the accepted risk.\n"
            "\n"
            f"Check: {tutorial.title}\n"
            "Severity: HIGH\n"
            "Account: 123456789012\n"
            "Region: ap-northeast-1\n"
            "Resource: arn:aws:s3:::team-a-public-assets\n"
            f"Finding ID: {finding['Id']}\n"
            "\n"
            f"{tutorial.summary}\n"
            "\n"
            f"Tutorial: {BASE_URL}/en/s3_bucket_public_access_blocked.html\n",
        }
    ]


def test_japanese_message_keeps_an_ascii_english_subject(api) -> None:
    finding = load_finding(ROOT_MFA_FAILED)
    run(api, finding, settings=replace(SETTINGS, language="ja"))
    tutorial = load_tutorial("iam_root_mfa_enabled", "ja")
    (message,) = api.published()
    assert message["Subject"] == (
        "[ScanMonster] CRITICAL: The root user of the AWS account signs in with multi-factor..."
    )
    assert message["Subject"].isascii()
    assert len(message["Subject"]) < 100
    assert message["Message"] == (
        "ScanMonster のチェックが失敗しました。\n"
        "設定を修正するか、修正しない理由があればリスク受容として記録してください。\n"
        "\n"
        f"チェック: {tutorial.title}\n"
        "重要度: CRITICAL\n"
        "アカウント: 123456789012\n"
        "リージョン: us-east-1\n"
        "リソース: AWS::::Account:123456789012\n"
        f"検出結果 ID: {finding['Id']}\n"
        "\n"
        f"{tutorial.summary}\n"
        "\n"
        f"チュートリアル: {BASE_URL}/ja/iam_root_mfa_enabled.html\n"
    )


def test_subject_is_one_ascii_line_under_100_characters() -> None:
    facts = MessageFacts(
        finding_id="f",
        account="123456789012",
        region="ap-northeast-1",
        resources=(),
        english_title="Très long\ntitle " + "x" * 200,
        title="t",
        severity="HIGH",
        summary="s",
        tutorial_url="https://docs.example.com/en/c.html",
    )
    text = subject(facts, None)
    assert len(text) == 99
    assert text.isascii()
    assert "\n" not in text
    assert text.startswith("[ScanMonster] HIGH: Tr?s long title xxx")
    assert text.endswith("...")


@pytest.mark.parametrize(
    ("minimum", "published"),
    [("HIGH", 0), ("MEDIUM", 1), ("LOW", 1), ("INFORMATIONAL", 1)],
)
def test_threshold_for_a_medium_check(api, minimum, published) -> None:
    run(api, medium_failure(), settings=replace(SETTINGS, min_severity=minimum))
    assert len(api.published()) == published
    assert len(api.updates()) == 1  # enriched either way


def test_critical_passes_a_high_threshold(api) -> None:
    run(api, load_finding(ROOT_MFA_FAILED))
    assert len(api.published()) == 1


@pytest.mark.parametrize("name", [SG_PASSED, KMS_NOT_AVAILABLE])
def test_findings_that_do_not_fail_are_not_announced(api, name) -> None:
    run(api, load_finding(name), settings=replace(SETTINGS, min_severity="INFORMATIONAL"))
    assert api.published() == []


def test_a_finding_a_person_suppressed_is_not_announced(api) -> None:
    finding = load_finding(S3_FAILED)
    finding["Workflow"]["Status"] = "SUPPRESSED"
    run(api, finding)
    assert api.published() == []
    assert "Workflow" not in api.updates()[0]  # their decision stands


def test_a_failure_is_announced_once(api) -> None:
    finding = load_finding(S3_FAILED)
    run(api, finding)
    echoed = apply_update(finding, api.updates()[0])
    run(api, echoed)
    assert len(api.published()) == 1


def test_one_message_per_finding(api) -> None:
    findings = numbered(load_finding(S3_FAILED), 3)
    outcome = run(api, *findings)
    resources = [m["Message"].split("Resource: ")[1].split("\n")[0] for m in api.published()]
    assert resources == [f["Resources"][0]["Id"] for f in findings]
    assert outcome.notified == 3
    assert len(api.updates()) == 1  # the updates themselves are batched


def test_without_a_topic_findings_are_still_enriched(api) -> None:
    run(api, load_finding(S3_FAILED), settings=replace(SETTINGS, topic_arn=None))
    assert api.published() == []
    assert len(api.updates()) == 1


def test_a_message_that_is_not_published_fails_the_run_and_leaves_its_finding(api) -> None:
    first, second = numbered(load_finding(S3_FAILED), 2)
    api.answer("Publish", 403, "AuthorizationError")
    with pytest.raises(DeliveryError) as raised:
        run(api, first, second)
    assert raised.value.unpublished == [first["Id"]]
    assert "1 notification(s) were not published" in str(raised.value)
    assert len(api.published()) == 2
    # Only the announced finding is marked handled; the other is handled again on retry.
    assert [i["Id"] for u in api.updates() for i in u["FindingIdentifiers"]] == [second["Id"]]
