"""EC2.7: EBS encryption by default is on in the Region evaluated.

moto keeps the setting per account and Region (off by default, as in AWS). What moto cannot
produce (an answer without the flag, a refused call) is stubbed with botocore's Stubber.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from scanmonster.runtime.errors import InvalidParameterError
from scanmonster.runtime.events import build_change_event
from scanmonster.testing import RecordingClientFactory
from tests.support import (
    ACCOUNT_ID,
    NOTIFICATION_TIME,
    annotation,
    check,
    load_item,
    run_periodic,
    runner,
)

CHECK = "ec2_ebs_default_encryption_enabled"


def test_encryption_by_default_on_is_compliant(aws) -> None:
    boto3.client("ec2").enable_ebs_encryption_by_default()
    assert run_periodic(CHECK, aws) == [
        {
            "ComplianceResourceType": "AWS::::Account",
            "ComplianceResourceId": ACCOUNT_ID,
            "ComplianceType": "COMPLIANT",
            "OrderingTimestamp": NOTIFICATION_TIME,
            "Annotation": "EBS encryption by default is on in us-east-1: new volumes are "
            "encrypted.",
        }
    ]
    assert aws.actions == ["ec2:GetEbsEncryptionByDefault"]


def test_encryption_by_default_off_is_non_compliant_and_names_the_region(aws) -> None:
    evaluations = run_periodic(CHECK, aws)  # a new account: off, as in AWS
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in evaluations] == [
        (ACCOUNT_ID, "NON_COMPLIANT")
    ]
    assert annotation(evaluations).startswith("EBS encryption by default is off in us-east-1:")


def test_turned_off_again_is_non_compliant(aws) -> None:
    ec2 = boto3.client("ec2")
    ec2.enable_ebs_encryption_by_default()
    ec2.disable_ebs_encryption_by_default()
    assert run_periodic(CHECK, aws)[0]["ComplianceType"] == "NON_COMPLIANT"


@pytest.mark.parametrize(
    ("enabled_in", "evaluated_in", "expected"),
    [
        ("eu-west-1", "eu-west-1", "COMPLIANT"),
        ("us-east-1", "eu-west-1", "NON_COMPLIANT"),  # another Region's setting does not count
        ("eu-west-1", "us-east-1", "NON_COMPLIANT"),
    ],
)
def test_each_region_is_judged_on_its_own_setting(
    aws, enabled_in: str, evaluated_in: str, expected: str
) -> None:
    boto3.client("ec2", region_name=enabled_in).enable_ebs_encryption_by_default()
    # The rule runs in each Region, where the Lambda's AWS_REGION names that Region.
    factory = RecordingClientFactory(region=evaluated_in)
    evaluations = run_periodic(CHECK, factory)
    assert evaluations[0]["ComplianceType"] == expected
    assert evaluated_in in annotation(evaluations)
    assert set(factory.actions) <= set(check(CHECK).permissions)


def test_answer_without_the_flag_is_non_compliant_not_a_crash(aws) -> None:
    stubber = Stubber(aws.build_client("ec2"))
    stubber.add_response("get_ebs_encryption_by_default", {}, {})
    stubber.activate()
    evaluations = run_periodic(CHECK, aws)
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert "did not say" in annotation(evaluations)


def test_refused_call_propagates_so_the_invocation_fails(aws) -> None:
    stubber = Stubber(aws.build_client("ec2"))
    stubber.add_client_error(
        "get_ebs_encryption_by_default",
        service_error_code="UnauthorizedOperation",
        http_status_code=403,
    )
    stubber.activate()
    with pytest.raises(ClientError) as raised:
        run_periodic(CHECK, aws)
    assert raised.value.response["Error"]["Code"] == "UnauthorizedOperation"


def test_configuration_change_events_are_ignored_without_any_call(aws) -> None:
    # Periodic only, and never NOT_APPLICABLE: a change notification yields no evaluation.
    event = build_change_event(load_item("AWS::S3::Bucket", "private-all-blocked"))
    assert runner(CHECK, aws).evaluate(event).evaluations == []
    assert aws.actions == []


def test_unknown_parameter_is_refused_before_any_call(aws) -> None:
    with pytest.raises(InvalidParameterError, match="KmsKeyId"):
        run_periodic(CHECK, aws, parameters={"KmsKeyId": "alias/aws/ebs"})
    assert aws.actions == []
