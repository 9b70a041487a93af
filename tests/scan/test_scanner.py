"""The local scanner: the checks' own code on real-shaped items, every account and region,
failures isolated where they happen."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from scanmonster.scan.model import COMPLIANT, ERROR, NON_COMPLIANT, Account
from scanmonster.scan.scanner import Scanner, Target
from tests.support import registry

ACCOUNT = "123456789012"


def sessions(deny: str | None = None):
    """Sessions for moto; `deny` ("ec2.GetEbsEncryptionByDefault") answers AccessDenied."""

    def make(region: str) -> boto3.Session:
        session = boto3.Session(region_name=region)
        if deny:
            session.events.register(f"before-call.{deny}", _access_denied)
        return session

    return make


def _access_denied(**_: Any) -> tuple[AWSResponse, dict]:
    response = AWSResponse("https://example.invalid", 403, {}, None)
    return response, {
        "Error": {"Code": "AccessDenied", "Message": "not allowed"},
        "ResponseMetadata": {"HTTPStatusCode": 403},
    }


def checks(*ids: str):
    return [registry()[i] for i in ids]


def by_check(report) -> dict[str, list]:
    found: dict[str, list] = {}
    for result in report.results:
        found.setdefault(result.check_id, []).append(result)
    return found


@pytest.fixture
def aws():
    with mock_aws():
        yield


def test_resource_and_account_checks_run_on_collected_items(aws) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="open-bucket")
    s3.create_bucket(Bucket="closed-bucket")
    s3.put_public_access_block(
        Bucket="closed-bucket",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    boto3.client("ec2", region_name="us-east-1").enable_ebs_encryption_by_default()
    scanner = Scanner(
        checks("s3_bucket_public_access_blocked", "ec2_ebs_default_encryption_enabled"),
        ["us-east-1"],
    )
    report = scanner.scan([Target(Account(ACCOUNT), sessions())])
    results = by_check(report)
    buckets = {r.resource_id: r.compliance for r in results["s3_bucket_public_access_blocked"]}
    assert buckets == {"open-bucket": NON_COMPLIANT, "closed-bucket": COMPLIANT}
    (ebs,) = results["ec2_ebs_default_encryption_enabled"]
    assert (ebs.resource_type, ebs.resource_id, ebs.compliance) == (
        "AWS::::Account",
        ACCOUNT,
        COMPLIANT,
    )
    assert report.errors() == []


def test_access_denied_makes_one_error_and_the_scan_goes_on(aws) -> None:
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="open-bucket")
    scanner = Scanner(
        checks("s3_bucket_public_access_blocked", "ec2_ebs_default_encryption_enabled"),
        ["us-east-1"],
    )
    report = scanner.scan(
        [Target(Account(ACCOUNT), sessions(deny="ec2.GetEbsEncryptionByDefault"))]
    )
    results = by_check(report)
    (denied,) = results["ec2_ebs_default_encryption_enabled"]
    assert denied.compliance == ERROR
    assert denied.annotation.startswith("AccessDenied calling GetEbsEncryptionByDefault")
    assert [r.compliance for r in results["s3_bucket_public_access_blocked"]] == [NON_COMPLIANT]


def test_an_unreachable_account_is_reported_and_the_others_are_scanned(aws) -> None:
    scanner = Scanner(checks("ec2_ebs_default_encryption_enabled"), ["us-east-1", "eu-west-1"])
    report = scanner.scan(
        [
            Target(Account(ACCOUNT), sessions()),
            Target(Account("210987654321"), None, "cannot assume role: AccessDenied"),
        ]
    )
    unreachable = [r for r in report.results if r.account_id == "210987654321"]
    assert {(r.region, r.compliance) for r in unreachable} == {
        ("us-east-1", ERROR),
        ("eu-west-1", ERROR),
    }
    assert all("cannot assume role" in r.annotation for r in unreachable)
    reached = [r for r in report.results if r.account_id == ACCOUNT]
    assert {r.compliance for r in reached} == {NON_COMPLIANT}
    assert len(reached) == 2  # a regional check: one verdict per region


def test_account_wide_checks_run_once_per_account_in_the_global_region(aws) -> None:
    scanner = Scanner(
        checks("iam_root_access_key_absent", "ec2_ebs_default_encryption_enabled"),
        ["ap-northeast-1", "us-east-1"],
        workers=2,
    )
    report = scanner.scan([Target(Account(ACCOUNT), sessions())])
    results = by_check(report)
    assert [r.region for r in results["iam_root_access_key_absent"]] == ["us-east-1"]
    assert sorted(r.region for r in results["ec2_ebs_default_encryption_enabled"]) == [
        "ap-northeast-1",
        "us-east-1",
    ]
    assert scanner.global_region == "us-east-1"
    assert Scanner(checks("iam_root_access_key_absent"), ["eu-west-1"]).global_region == (
        "eu-west-1"
    )


def test_progress_is_reported_per_account_and_region(aws) -> None:
    seen: list[str] = []
    scanner = Scanner(
        checks("ec2_ebs_default_encryption_enabled"),
        ["us-east-1", "eu-west-1"],
        on_progress=seen.append,
    )
    scanner.scan([Target(Account(ACCOUNT), sessions())])
    assert sorted(seen) == [f"{ACCOUNT} eu-west-1", f"{ACCOUNT} us-east-1"]


def test_a_scan_needs_a_region() -> None:
    with pytest.raises(ValueError, match="at least one region"):
        Scanner(checks("ec2_ebs_default_encryption_enabled"), [])
