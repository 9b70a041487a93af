"""S3.8: every bucket turns on the four Block Public Access settings."""

from __future__ import annotations

import boto3
import pytest

from scanmonster.runtime.events import build_oversized_event
from tests.support import (
    NOTIFICATION_TIME,
    annotation,
    load_item,
    run_change,
    runner,
    verdict,
)

CHECK = "s3_bucket_public_access_blocked"
SETTINGS = ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")

# Every real recorded bucket item and the verdict it deserves (tests/test_recorded_items.py).
RECORDED_VERDICTS = {
    "AWS-S3-Bucket__acr-allusers-read-acl.json": "NON_COMPLIANT",  # no PAB key (2018)
    "AWS-S3-Bucket__acr-private-no-policy.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__acr-public-getobject-policy.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__c7n-api-history-stringified.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__c7n-api-replication-notify-lifecycle.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__c7n-invoking-event.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__c7n-select-role-policy.json": "NON_COMPLIANT",  # selected, no PAB key
    "AWS-S3-Bucket__hanegraaff-sse-versioning-suspended.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__rdk-securetransport-deny-bucket-arn-only.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-api-pab-string-restrictpublicbuckets-false.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-api-pab-string-three-keys.json": "NON_COMPLIANT",  # a flag missing
    "AWS-S3-Bucket__var-api-stringified-ssl-deny-and-pab.json": "COMPLIANT",
    "AWS-S3-Bucket__var-pab-object-all-true.json": "COMPLIANT",
    "AWS-S3-Bucket__var-pab-object-ignorepublicacls-false.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-resource-deleted.json": "NOT_APPLICABLE",
    "AWS-S3-Bucket__var-ssl-allow-only-if-securetransport.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-ssl-deny-boolifexists.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-ssl-deny-bucket-and-objects.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-ssl-deny-json-boolean-false.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-ssl-deny-second-statement-principal-aws-star.json": "COMPLIANT",
    "AWS-S3-Bucket__var-ssl-deny-value-list.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-ssl-deny-wrong-polarity-true.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__wd-api-pab-all-true.json": "COMPLIANT",
}


def bucket(**settings: object) -> dict:
    item = load_item("AWS::S3::Bucket", "private-all-blocked")
    item["supplementaryConfiguration"]["PublicAccessBlockConfiguration"].update(settings)
    return item


def test_all_four_settings_on_is_compliant() -> None:
    evaluations = run_change(CHECK, bucket())
    assert [e["ComplianceType"] for e in evaluations] == ["COMPLIANT"]
    assert evaluations[0]["ComplianceResourceId"] == "scanmonster-example-bucket"
    assert evaluations[0]["ComplianceResourceType"] == "AWS::S3::Bucket"
    assert evaluations[0]["OrderingTimestamp"] == "2026-11-20T08:15:42.120Z"


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("off", [False, "false", None])
def test_any_setting_off_is_non_compliant_and_named(setting: str, off: object) -> None:
    evaluations = run_change(CHECK, bucket(**{setting: off}))
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert setting in annotation(evaluations)
    assert "scanmonster-example-bucket" in annotation(evaluations)


def test_settings_as_strings_from_the_history_api_are_read() -> None:
    assert verdict(CHECK, bucket(**dict.fromkeys(SETTINGS, "true"))) == "COMPLIANT"


def test_bucket_recorded_before_block_public_access_existed_is_non_compliant() -> None:
    item = bucket()
    del item["supplementaryConfiguration"]["PublicAccessBlockConfiguration"]
    evaluations = run_change(CHECK, item)
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert "no bucket-level Block Public Access" in annotation(evaluations)


@pytest.mark.parametrize(
    "status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]
)
def test_deleted_or_unrecorded_bucket_is_not_applicable(status: str) -> None:
    item = bucket(blockPublicAcls=False)
    item["configurationItemStatus"] = status
    item["configuration"] = None
    assert verdict(CHECK, item) == "NOT_APPLICABLE"


def test_bucket_that_left_the_rule_scope_is_not_applicable() -> None:
    evaluations = run_change(CHECK, bucket(blockPublicAcls=False), left_scope=True)
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"


def test_several_buckets_get_their_own_verdicts() -> None:
    items = [bucket(), bucket(ignorePublicAcls=False), bucket(restrictPublicBuckets="false")]
    for index, item in enumerate(items):
        item["resourceId"] = item["resourceName"] = f"bucket-{index}"
    results = [run_change(CHECK, item)[0] for item in items]
    assert [(r["ComplianceResourceId"], r["ComplianceType"]) for r in results] == [
        ("bucket-0", "COMPLIANT"),
        ("bucket-1", "NON_COMPLIANT"),
        ("bucket-2", "NON_COMPLIANT"),
    ]


@pytest.mark.parametrize(("block_all", "expected"), [(True, "COMPLIANT"), (False, "NON_COMPLIANT")])
def test_oversized_item_is_fetched_from_config_history(aws, block_all: bool, expected: str) -> None:
    s3 = boto3.client("s3")  # setting up; only the check's own calls go through `aws`
    s3.create_bucket(Bucket="big-bucket")
    s3.put_public_access_block(
        Bucket="big-bucket",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": block_all,
        },
    )
    event = build_oversized_event(
        {
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "big-bucket",
            "resourceName": "big-bucket",
            "awsAccountId": "123456789012",
            "configurationItemStatus": "OK",
            "configurationItemCaptureTime": "2026-11-20T08:15:42.120Z",
        },
        notification_time=NOTIFICATION_TIME,
    )
    evaluations = runner(CHECK, aws).evaluate(event).evaluations
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in evaluations] == [
        ("big-bucket", expected)
    ]
    assert "config:GetResourceConfigHistory" in aws.actions
