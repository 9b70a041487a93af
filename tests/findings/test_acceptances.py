"""Risk acceptances: suppression while active, reopening (and telling someone) when they
lapse, applied both on imported findings and by the daily sweep."""

from __future__ import annotations

import datetime
import logging
from dataclasses import replace

import pytest

from scanmonster.acceptance import AcceptanceError, load_acceptances
from scanmonster.findings.acceptances import load_deployed_acceptances
from scanmonster.findings.events import findings_of
from scanmonster.findings.process import enrich, sweep
from scanmonster.tutorials import load_tutorial
from tests.findings.conftest import (
    FOREIGN_RULE,
    GUARDDUTY,
    MEMBER,
    ROOT_MFA_FAILED,
    S3_FAILED,
    SETTINGS,
    TODAY,
    acceptance,
    apply_update,
    assert_valid_batch_update,
    imported_event,
    load_finding,
    make_runtime,
)
from tests.support import registry

LAB = acceptance()
SUMMARY = load_tutorial("s3_bucket_public_access_blocked", "en").summary


def enrich_one(api, finding, **options):
    return enrich(findings_of(imported_event(finding)), make_runtime(api, **options))


def suppressed_finding(api) -> dict:
    """The S3 finding as Security Hub holds it after we suppressed it with LAB."""
    finding = load_finding(S3_FAILED)
    enrich_one(api, finding, acceptances=(LAB,))
    suppressed = apply_update(finding, api.updates()[0])
    api.calls.clear()
    return suppressed


def test_an_active_acceptance_suppresses_the_finding(api) -> None:
    finding = load_finding(S3_FAILED)
    outcome = enrich_one(api, finding, acceptances=(LAB,))
    (update,) = api.updates()
    assert update["Workflow"] == {"Status": "SUPPRESSED"}
    assert update["Note"] == {
        "Text": "Risk accepted (lab-public-assets) by security-team@example.com until "
        "2027-03-31 (UTC). Reason: The bucket serves the public product catalogue; "
        "objects are reviewed.",
        "UpdatedBy": "scanmonster",
    }
    fields = update["UserDefinedFields"]
    assert fields["scanmonster_acceptance"] == "lab-public-assets"
    assert fields["scanmonster_acceptance_expires"] == "2027-03-31"
    assert fields["scanmonster_state"] == "FAILED|lab-public-assets"
    assert fields["scanmonster_check"] == "s3_bucket_public_access_blocked"
    assert update["Severity"] == {"Label": "HIGH"}
    assert_valid_batch_update(update)
    assert api.published() == []  # an accepted risk is not announced
    assert outcome.notified == 0


def test_japanese_suppression_note(api) -> None:
    enrich_one(
        api, load_finding(S3_FAILED), acceptances=(LAB,), settings=replace(SETTINGS, language="ja")
    )
    assert api.updates()[0]["Note"]["Text"] == (
        "リスク受容 lab-public-assets により抑制中です（承認者: security-team@example.com、"
        "期限: 2027-03-31（UTC）まで）。理由: The bucket serves the public product "
        "catalogue; objects are reviewed."
    )


def test_a_long_reason_is_cut_but_id_approver_and_expiry_stay(api) -> None:
    long = replace(LAB, reason="Reviewed quarterly by the catalogue team. " * 30)
    enrich_one(api, load_finding(S3_FAILED), acceptances=(long,))
    text = api.updates()[0]["Note"]["Text"]
    assert len(text) == 512
    assert text.endswith("…")
    for part in ("lab-public-assets", "security-team@example.com", "2027-03-31"):
        assert part in text


def test_our_suppression_event_makes_no_call(api) -> None:
    suppressed = suppressed_finding(api)
    enrich_one(api, suppressed, acceptances=(LAB,))
    assert api.calls == []


@pytest.mark.parametrize(
    "scope",
    [
        {"accounts": ("999999999999",)},
        {"regions": ("us-east-1",)},
        {"resource": "team-b-*"},
        {"check": "s3_bucket_ssl_requests_only"},
        {"expires": TODAY - datetime.timedelta(days=1)},
    ],
)
def test_an_acceptance_that_does_not_cover_the_finding_does_not_suppress(api, scope) -> None:
    enrich_one(api, load_finding(S3_FAILED), acceptances=(replace(LAB, **scope),))
    (update,) = api.updates()
    assert "Workflow" not in update
    assert update["UserDefinedFields"]["scanmonster_state"] == "FAILED"
    assert "scanmonster_acceptance" not in update["UserDefinedFields"]


def test_the_resource_pattern_may_name_the_arn(api) -> None:
    by_arn = replace(LAB, resource="arn:aws:s3:::team-a-*")
    enrich_one(api, load_finding(S3_FAILED), acceptances=(by_arn,))
    assert api.updates()[0]["Workflow"] == {"Status": "SUPPRESSED"}


def test_an_account_level_finding_is_covered_by_an_account_acceptance(api) -> None:
    lab_root = acceptance(
        id="lab-root-mfa", check="iam_root_mfa_enabled", accounts=(MEMBER,), resource="*"
    )
    enrich_one(api, load_finding(ROOT_MFA_FAILED), acceptances=(LAB, lab_root))
    (update,) = api.updates()
    assert update["UserDefinedFields"]["scanmonster_acceptance"] == "lab-root-mfa"


def test_a_passing_finding_is_not_suppressed(api) -> None:
    finding = load_finding(S3_FAILED)
    finding["Compliance"]["Status"] = "PASSED"
    enrich_one(api, finding, acceptances=(LAB,))
    (update,) = api.updates()
    assert "Workflow" not in update
    assert update["UserDefinedFields"]["scanmonster_state"] == "PASSED"


# -- the daily sweep ----------------------------------------------------------------------


def test_sweep_asks_for_active_config_findings_of_our_rules_page_by_page(api) -> None:
    api.pages([load_finding(GUARDDUTY)], [load_finding(FOREIGN_RULE)])
    outcome = sweep(make_runtime(api, acceptances=(LAB,)))
    requests = api.params("GetFindings")
    filters = {
        "ProductName": [{"Value": "Config", "Comparison": "EQUALS"}],
        "ProductFields": [
            {"Key": "aws/config/ConfigRuleName", "Value": "scanmonster-", "Comparison": "CONTAINS"}
        ],
        "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
    }
    assert requests == [
        {"Filters": filters, "MaxResults": 100},
        {"Filters": filters, "MaxResults": 100, "NextToken": "page-1"},
    ]
    assert api.updates() == []  # neither finding is ours, whatever the server returned
    assert outcome.findings == 2


def test_sweep_reopens_a_finding_whose_acceptance_expired_and_notifies(api) -> None:
    suppressed = suppressed_finding(api)
    api.pages([suppressed])
    # The check is HIGH; a lapsed acceptance is announced even above the threshold.
    settings = replace(SETTINGS, min_severity="CRITICAL")
    after = datetime.date(2027, 4, 1)
    outcome = sweep(make_runtime(api, acceptances=(LAB,), today=after, settings=settings))
    (update,) = api.updates()
    assert update["Workflow"] == {"Status": "NEW"}
    sentence = "Risk acceptance lab-public-assets expired on 2027-03-31: this finding alerts again."
    full = f"{sentence} {SUMMARY}"
    expected = full if len(full) <= 512 else full[:511] + "…"
    assert update["Note"] == {"Text": expected, "UpdatedBy": "scanmonster"}
    assert len(update["Note"]["Text"]) <= 512
    fields = update["UserDefinedFields"]
    assert fields["scanmonster_acceptance"] == "none"
    assert fields["scanmonster_acceptance_expires"] == "none"
    assert fields["scanmonster_state"] == "FAILED"
    assert_valid_batch_update(update)
    (message,) = api.published()
    assert message["Subject"] == (
        "[ScanMonster] Risk acceptance ended: HIGH: S3 buckets turn on all four Block Public "
        "Access settings"
    )
    assert message["Message"].startswith(
        "Risk acceptance lab-public-assets expired on 2027-03-31: this finding alerts again."
    )
    assert outcome.notified == 1


def test_sweep_reopens_a_finding_whose_acceptance_was_withdrawn(api) -> None:
    suppressed = suppressed_finding(api)
    api.pages([suppressed])
    sweep(make_runtime(api, acceptances=()))
    (update,) = api.updates()
    assert update["Workflow"] == {"Status": "NEW"}
    assert update["Note"]["Text"].startswith(
        "Risk acceptance lab-public-assets was withdrawn: this finding alerts again. "
    )
    (message,) = api.published()
    assert "was withdrawn" in message["Message"]


def test_an_acceptance_removed_after_its_expiry_reads_as_expired(api) -> None:
    suppressed = suppressed_finding(api)
    api.pages([suppressed])
    sweep(make_runtime(api, acceptances=(), today=datetime.date(2027, 5, 1)))
    assert "expired on 2027-03-31" in api.updates()[0]["Note"]["Text"]


def test_an_acceptance_that_no_longer_covers_the_resource_reopens(api) -> None:
    suppressed = suppressed_finding(api)
    api.pages([suppressed])
    sweep(make_runtime(api, acceptances=(replace(LAB, resource="team-b-*"),)))
    assert "was withdrawn" in api.updates()[0]["Note"]["Text"]


def test_sweep_applies_a_new_acceptance(api) -> None:
    finding = load_finding(S3_FAILED)
    enrich_one(api, finding)  # enriched before anyone accepted the risk
    enriched = apply_update(finding, api.updates()[0])
    api.calls.clear()
    api.pages([enriched])
    sweep(make_runtime(api, acceptances=(LAB,)))
    (update,) = api.updates()
    assert update["Workflow"] == {"Status": "SUPPRESSED"}
    assert update["UserDefinedFields"]["scanmonster_state"] == "FAILED|lab-public-assets"
    assert api.published() == []


def test_sweep_leaves_settled_findings_alone(api) -> None:
    suppressed = suppressed_finding(api)
    plain = load_finding(S3_FAILED)
    plain["Id"] += "-never-enriched"
    plain["Resources"][0]["Id"] = "arn:aws:s3:::team-b-uploads"  # no acceptance covers it
    api.pages([suppressed, plain])
    sweep(make_runtime(api, acceptances=(LAB,)))
    # Still covered: nothing to do. Never enriched: the event handler's job, not the sweep's.
    assert api.updates() == []
    assert api.published() == []


def test_a_suppressed_finding_that_passes_keeps_our_acceptance_fields(api) -> None:
    suppressed = suppressed_finding(api)
    suppressed["Compliance"]["Status"] = "PASSED"
    enrich_one(api, suppressed, acceptances=())
    (update,) = api.updates()
    assert update["UserDefinedFields"]["scanmonster_state"] == "PASSED"
    assert "scanmonster_acceptance" not in update["UserDefinedFields"]
    assert "Workflow" not in update
    # ... so that failing again without an acceptance reopens it and tells someone.
    passed = apply_update(suppressed, update)
    passed["Compliance"]["Status"] = "FAILED"
    api.calls.clear()
    enrich_one(api, passed, acceptances=())
    assert api.updates()[0]["Workflow"] == {"Status": "NEW"}
    assert len(api.published()) == 1


# -- the bundled file at run time ---------------------------------------------------------

FILE = """
[[acceptance]]
id = "lab-root-mfa"
check = "iam_root_mfa_enabled"
accounts = ["123456789012"]
regions = ["*"]
resource = "*"
reason = "Lab accounts are created in bulk and closed within a week."
approver = "security-team@example.com"
expires = 2026-12-31

[[acceptance]]
id = "lab-public-assets"
check = "s3_bucket_public_access_blocked"
accounts = ["123456789012"]
regions = ["ap-northeast-1"]
resource = "team-a-public-*"
reason = "The bucket serves the public product catalogue."
approver = "security-team@example.com"
expires = 2027-06-30
"""


def test_the_deployed_file_keeps_working_after_an_acceptance_expired(tmp_path, caplog) -> None:
    path = tmp_path / "risk-acceptances.toml"
    path.write_text(FILE, encoding="utf-8")
    later = datetime.date(2027, 1, 15)
    with pytest.raises(AcceptanceError, match="has passed"):
        load_acceptances(path, registry(), today=later)  # what synth does, rightly
    with caplog.at_level(logging.WARNING):
        loaded = load_deployed_acceptances(path, registry(), today=later)
    assert [(a.id, a.active(later)) for a in loaded] == [
        ("lab-root-mfa", False),
        ("lab-public-assets", True),
    ]
    assert "lab-root-mfa" in caplog.text
    assert "Lab accounts" not in caplog.text


def test_the_deployed_file_is_still_validated(tmp_path) -> None:
    path = tmp_path / "risk-acceptances.toml"
    path.write_text(FILE.replace('check = "iam_root_mfa_enabled"', 'check = "nope"'), "utf-8")
    with pytest.raises(AcceptanceError, match="unknown check 'nope'"):
        load_deployed_acceptances(path, registry(), today=TODAY)
