"""S3.1: account-level S3 Block Public Access has all four settings on.

moto's S3 Control keeps the account's configuration (and raises
NoSuchPublicAccessBlockConfiguration before one is set); botocore's Stubber covers what moto
cannot produce: another account id, an answer with a setting missing, a refused call.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from scanmonster.runtime.errors import InvalidEventError, InvalidParameterError
from scanmonster.runtime.events import build_change_event, build_scheduled_event
from tests.support import (
    ACCOUNT_ID,
    NOTIFICATION_TIME,
    annotation,
    load_item,
    run_periodic,
    runner,
)

CHECK = "s3_account_public_access_blocked"
SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def block(**off: bool) -> None:
    """Set the account's configuration in moto: all four on, except those given."""
    settings = {**dict.fromkeys(SETTINGS, True), **off}
    boto3.client("s3control").put_public_access_block(
        AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration=settings
    )


def test_all_four_settings_on_is_compliant(aws) -> None:
    block()
    assert run_periodic(CHECK, aws) == [
        {
            "ComplianceResourceType": "AWS::::Account",
            "ComplianceResourceId": ACCOUNT_ID,
            "ComplianceType": "COMPLIANT",
            "OrderingTimestamp": NOTIFICATION_TIME,
            "Annotation": f"Account {ACCOUNT_ID} blocks public access to all its S3 buckets "
            "with all four account-level settings.",
        }
    ]
    # The recording factory maps s3control GetPublicAccessBlock to its IAM action.
    assert aws.actions == ["s3:GetAccountPublicAccessBlock"]


@pytest.mark.parametrize("setting", SETTINGS)
def test_any_setting_off_is_non_compliant_and_named(aws, setting: str) -> None:
    block(**{setting: False})
    evaluations = run_periodic(CHECK, aws)
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert annotation(evaluations) == (
        f"Account {ACCOUNT_ID} has account-level S3 Block Public Access off for: {setting}."
    )


def test_all_settings_off_are_all_named(aws) -> None:
    block(**dict.fromkeys(SETTINGS, False))
    text = annotation(run_periodic(CHECK, aws))
    assert text.endswith(f"off for: {', '.join(SETTINGS)}.")


def test_account_without_any_configuration_is_non_compliant(aws) -> None:
    evaluations = run_periodic(CHECK, aws)  # moto: NoSuchPublicAccessBlockConfiguration
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert "has no account-level S3 Block Public Access" in annotation(evaluations)


def test_configuration_removed_again_is_non_compliant(aws) -> None:
    block()
    boto3.client("s3control").delete_public_access_block(AccountId=ACCOUNT_ID)
    assert run_periodic(CHECK, aws)[0]["ComplianceType"] == "NON_COMPLIANT"


def test_the_account_read_is_the_one_the_event_names(aws) -> None:
    other = "210987654321"
    stubber = Stubber(aws.build_client("s3control"))
    stubber.add_response(
        "get_public_access_block",
        {"PublicAccessBlockConfiguration": dict.fromkeys(SETTINGS, True)},
        {"AccountId": other},
    )
    stubber.activate()
    event = build_scheduled_event(account_id=other, notification_time=NOTIFICATION_TIME)
    evaluations = runner(CHECK, aws).evaluate(event).evaluations
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in evaluations] == [
        (other, "COMPLIANT")
    ]
    stubber.assert_no_pending_responses()


def test_setting_missing_from_the_answer_counts_as_off(aws) -> None:
    stubber = Stubber(aws.build_client("s3control"))
    partial = {s: True for s in SETTINGS if s != "RestrictPublicBuckets"}
    stubber.add_response(
        "get_public_access_block", {"PublicAccessBlockConfiguration": partial}, None
    )
    stubber.activate()
    text = annotation(run_periodic(CHECK, aws))
    assert text.endswith("off for: RestrictPublicBuckets.")


def test_access_denied_propagates_so_the_invocation_fails(aws) -> None:
    stubber = Stubber(aws.build_client("s3control"))
    stubber.add_client_error(
        "get_public_access_block", service_error_code="AccessDenied", http_status_code=403
    )
    stubber.activate()
    with pytest.raises(ClientError) as raised:
        run_periodic(CHECK, aws)
    assert raised.value.response["Error"]["Code"] == "AccessDenied"


def test_event_without_account_id_fails_clearly(aws) -> None:
    event = build_scheduled_event(account_id=ACCOUNT_ID, notification_time=NOTIFICATION_TIME)
    del event["accountId"]
    with pytest.raises(InvalidEventError, match="accountId"):
        runner(CHECK, aws).evaluate(event)
    assert aws.actions == []


def test_configuration_change_events_are_ignored_without_any_call(aws) -> None:
    # Periodic only, and never NOT_APPLICABLE: a change notification yields no evaluation.
    event = build_change_event(load_item("AWS::S3::Bucket", "private-all-blocked"))
    assert runner(CHECK, aws).evaluate(event).evaluations == []
    assert aws.actions == []


def test_unknown_parameter_is_refused_before_any_call(aws) -> None:
    with pytest.raises(InvalidParameterError, match="BlockPublicAcls"):
        run_periodic(CHECK, aws, parameters={"BlockPublicAcls": "true"})
    assert aws.actions == []
