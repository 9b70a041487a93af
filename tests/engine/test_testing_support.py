"""The permission recorder that proves each check's declared permissions must see every call,
including calls that botocore's Stubber answers."""

from __future__ import annotations

import boto3
from botocore.stub import Stubber

from scanmonster.testing import RecordingClientFactory


def test_recorder_sees_stubbed_calls_as_iam_actions() -> None:
    factory = RecordingClientFactory(session=boto3.Session(region_name="us-east-1"))
    iam = factory.build_client("iam")
    s3control = factory.build_client("s3control")
    with Stubber(iam) as iam_stub, Stubber(s3control) as s3control_stub:
        iam_stub.add_response("get_account_summary", {"SummaryMap": {"AccountMFAEnabled": 1}})
        s3control_stub.add_response(
            "get_public_access_block", {"PublicAccessBlockConfiguration": {"BlockPublicAcls": True}}
        )
        iam.get_account_summary()
        s3control.get_public_access_block(AccountId="123456789012")
    assert factory.actions == ["iam:GetAccountSummary", "s3:GetAccountPublicAccessBlock"]


def test_each_client_is_built_once_and_recorded_once() -> None:
    factory = RecordingClientFactory(session=boto3.Session(region_name="us-east-1"))
    assert factory.build_client("iam") is factory.build_client("iam")
    with Stubber(factory.build_client("iam")) as stub:
        stub.add_response("get_account_summary", {"SummaryMap": {}})
        factory.build_client("iam").get_account_summary()
    assert factory.actions == ["iam:GetAccountSummary"]
