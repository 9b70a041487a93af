"""S3.5: every bucket policy denies requests that do not use TLS."""

from __future__ import annotations

import json

import boto3
import pytest

from rules.s3_bucket_ssl_requests_only.rule import (
    covers_all_objects,
    denies_insecure_transport,
    statement_gaps,
)
from scanmonster.runtime.errors import InvalidParameterError
from scanmonster.runtime.events import build_oversized_event
from tests.support import (
    NOTIFICATION_TIME,
    annotation,
    load_item,
    run_change,
    runner,
    verdict,
)

CHECK = "s3_bucket_ssl_requests_only"
NAME = "scanmonster-example-bucket"
BUCKET = f"arn:aws:s3:::{NAME}"

# Every real recorded bucket item and the verdict it deserves (tests/test_recorded_items.py).
RECORDED_VERDICTS = {
    "AWS-S3-Bucket__acr-allusers-read-acl.json": "NON_COMPLIANT",  # policyText null
    "AWS-S3-Bucket__acr-private-no-policy.json": "NON_COMPLIANT",  # no policy: HTTP accepted
    "AWS-S3-Bucket__acr-public-getobject-policy.json": "NON_COMPLIANT",  # an Allow, no Deny
    "AWS-S3-Bucket__c7n-api-history-stringified.json": "NON_COMPLIANT",  # '{"policyText":null}'
    "AWS-S3-Bucket__c7n-api-replication-notify-lifecycle.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__c7n-invoking-event.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__c7n-select-role-policy.json": "NON_COMPLIANT",  # Allow to one role only
    "AWS-S3-Bucket__hanegraaff-sse-versioning-suspended.json": "NON_COMPLIANT",
    # The Deny names the bucket ARN only: object reads and writes over HTTP still pass.
    "AWS-S3-Bucket__rdk-securetransport-deny-bucket-arn-only.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-api-pab-string-restrictpublicbuckets-false.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-api-pab-string-three-keys.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-api-stringified-ssl-deny-and-pab.json": "COMPLIANT",  # encoded twice
    "AWS-S3-Bucket__var-pab-object-all-true.json": "NON_COMPLIANT",  # no policy
    "AWS-S3-Bucket__var-pab-object-ignorepublicacls-false.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-resource-deleted.json": "NOT_APPLICABLE",
    # An Allow limited to TLS does not stop another grant from allowing HTTP.
    "AWS-S3-Bucket__var-ssl-allow-only-if-securetransport.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__var-ssl-deny-boolifexists.json": "COMPLIANT",
    "AWS-S3-Bucket__var-ssl-deny-bucket-and-objects.json": "COMPLIANT",
    "AWS-S3-Bucket__var-ssl-deny-json-boolean-false.json": "COMPLIANT",
    "AWS-S3-Bucket__var-ssl-deny-second-statement-principal-aws-star.json": "COMPLIANT",
    "AWS-S3-Bucket__var-ssl-deny-value-list.json": "COMPLIANT",
    # Deny when SecureTransport is "true" blocks HTTPS and lets HTTP through.
    "AWS-S3-Bucket__var-ssl-deny-wrong-polarity-true.json": "NON_COMPLIANT",
    "AWS-S3-Bucket__wd-api-pab-all-true.json": "NON_COMPLIANT",  # no policy
}


def deny_statement(**changes: object) -> dict:
    """AWS's documented TLS-only statement for the example bucket, with `changes` applied."""
    statement = {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [BUCKET, f"{BUCKET}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    for key, value in changes.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = value
    return statement


def bucket(*statements: dict, policy: object = "unset") -> dict:
    """The TLS-only example bucket; its policy replaced by `statements` or `policy` if given."""
    item = load_item("AWS::S3::Bucket", "tls-only-policy")
    if statements:
        policy = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    if policy != "unset":
        item["supplementaryConfiguration"]["BucketPolicy"]["policyText"] = policy
    return item


def test_documented_tls_only_policy_is_compliant() -> None:
    evaluations = run_change(CHECK, bucket())
    assert [e["ComplianceType"] for e in evaluations] == ["COMPLIANT"]
    assert evaluations[0]["ComplianceResourceId"] == NAME
    assert evaluations[0]["ComplianceResourceType"] == "AWS::S3::Bucket"
    assert evaluations[0]["OrderingTimestamp"] == "2026-11-20T08:15:42.120Z"
    assert NAME in annotation(evaluations)


@pytest.mark.parametrize(
    "changes",
    [
        {"Principal": {"AWS": "*"}},
        {"Principal": {"AWS": ["arn:aws:iam::123456789012:root", "*"]}},
        {"Action": "*"},
        {"Action": ["s3:GetObject", "s3:*"]},
        {"Action": "S3:*"},  # IAM action names ignore case
        {"Resource": "*"},
        {"Resource": "arn:aws:s3:::*"},
        {"Resource": f"{BUCKET}*"},
        {"Resource": [BUCKET, "arn:aws:s3:::scanmonster-example-*/*"]},
        {"Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}},
        {"Condition": {"Bool": {"aws:SecureTransport": False}}},
        {"Condition": {"Bool": {"aws:SecureTransport": ["false"]}}},
        {"Condition": {"Bool": {"aws:SecureTransport": "False"}}},
        {"Condition": {"Bool": {"AWS:SecureTransport": "false"}}},  # keys ignore case
        {"Condition": {"Bool": {"aws:securetransport": "false"}}},
        {"Sid": None},
    ],
)
def test_equivalent_spellings_of_the_deny_are_compliant(changes: dict) -> None:
    assert verdict(CHECK, bucket(deny_statement(**changes))) == "COMPLIANT"


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"Resource": BUCKET}, f"objects ({BUCKET}/*)"),
        ({"Resource": f"{BUCKET}/*"}, f"bucket itself ({BUCKET})"),
        ({"Resource": [BUCKET, f"{BUCKET}/logs/*"]}, "objects"),
        ({"Resource": [BUCKET, f"{BUCKET}/?"]}, "objects"),  # one-character keys only
        ({"Resource": ["arn:aws:s3:::other-bucket", "arn:aws:s3:::other-bucket/*"]}, "bucket"),
        ({"Action": "s3:GetObject"}, "every action"),
        ({"Action": ["s3:GetObject", "s3:PutObject"]}, "every action"),
        ({"Principal": {"AWS": "arn:aws:iam::123456789012:root"}}, "every principal"),
        ({"Principal": None, "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}}, "every"),
        ({"Action": None, "NotAction": "s3:GetObject"}, "every action"),
        ({"Resource": None, "NotResource": f"{BUCKET}/public/*"}, "bucket itself"),
    ],
)
def test_a_deny_that_is_too_narrow_is_non_compliant_and_says_why(changes: dict, named: str) -> None:
    evaluations = run_change(CHECK, bucket(deny_statement(**changes)))
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert "only in part" in annotation(evaluations)
    assert named in annotation(evaluations)


@pytest.mark.parametrize(
    "changes",
    [
        {"Effect": "Allow"},
        {"Condition": None},
        {"Condition": {"Bool": {"aws:SecureTransport": "true"}}},  # denies HTTPS instead
        {"Condition": {"Bool": {"aws:SecureTransport": True}}},
        {"Condition": {"Bool": {"aws:SecureTransport": "maybe"}}},
        {"Condition": {"Bool": {"aws:SecureTransport": []}}},
        {"Condition": {"StringEquals": {"aws:SecureTransport": "false"}}},
        {"Condition": {"Null": {"aws:SecureTransport": "true"}}},
        {"Condition": {"bool": {"aws:SecureTransport": "false"}}},  # operators are exact
        # Extra tests narrow the Deny to some HTTP requests only.
        {"Condition": {"Bool": {"aws:SecureTransport": "false", "aws:ViaAWSService": "false"}}},
        {
            "Condition": {
                "Bool": {"aws:SecureTransport": "false"},
                "NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"},
            }
        },
    ],
)
def test_a_statement_that_does_not_deny_http_is_non_compliant(changes: dict) -> None:
    evaluations = run_change(CHECK, bucket(deny_statement(**changes)))
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert "no statement denies requests that do not use TLS" in annotation(evaluations)


def test_an_allow_limited_to_tls_is_not_enough() -> None:
    allow_tls = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [BUCKET, f"{BUCKET}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }
    assert verdict(CHECK, bucket(allow_tls)) == "NON_COMPLIANT"
    assert verdict(CHECK, bucket(allow_tls, deny_statement())) == "COMPLIANT"


def test_the_deny_counts_wherever_it_stands_among_other_statements() -> None:
    allow_role = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:role/reader"},
        "Action": "s3:GetObject",
        "Resource": f"{BUCKET}/*",
    }
    assert verdict(CHECK, bucket(allow_role, deny_statement())) == "COMPLIANT"
    assert verdict(CHECK, bucket(deny_statement(), allow_role)) == "COMPLIANT"


def test_a_deny_split_between_bucket_and_objects_statements_is_compliant() -> None:
    for_bucket = deny_statement(Sid="Bucket", Resource=BUCKET)
    for_objects = deny_statement(Sid="Objects", Resource=f"{BUCKET}/*")
    assert verdict(CHECK, bucket(for_bucket, for_objects)) == "COMPLIANT"
    # Each half alone leaves a gap, and a half with a narrower condition does not count.
    assert verdict(CHECK, bucket(for_objects)) == "NON_COMPLIANT"
    narrow = deny_statement(
        Resource=f"{BUCKET}/*",
        Condition={
            "Bool": {"aws:SecureTransport": "false"},
            "IpAddress": {"aws:SourceIp": "1.2.3.4/32"},
        },
    )
    assert verdict(CHECK, bucket(for_bucket, narrow)) == "NON_COMPLIANT"


def test_the_annotation_names_the_closest_deny() -> None:
    wrong_polarity = deny_statement(Condition={"Bool": {"aws:SecureTransport": "true"}})
    bucket_only = deny_statement(Resource=BUCKET)
    evaluations = run_change(CHECK, bucket(wrong_polarity, bucket_only))
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert f"does not cover the objects ({BUCKET}/*)" in annotation(evaluations)


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param({"Version": "2012-10-17", "Statement": deny_statement()}, id="object"),
        pytest.param(json.dumps(json.dumps({"Statement": [deny_statement()]})), id="encoded-twice"),
        pytest.param(json.dumps({"Statement": deny_statement()}), id="statement-not-a-list"),
    ],
)
def test_every_recorded_shape_of_the_policy_is_read(policy: object) -> None:
    assert verdict(CHECK, bucket(policy=policy)) == "COMPLIANT"


@pytest.mark.parametrize("policy", [None, "", "null"])
def test_bucket_without_a_policy_is_non_compliant(policy: object) -> None:
    evaluations = run_change(CHECK, bucket(policy=policy))
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert f"Bucket {NAME} has no bucket policy" in annotation(evaluations)


def test_bucket_item_without_a_bucket_policy_key_is_non_compliant() -> None:
    item = bucket()
    del item["supplementaryConfiguration"]["BucketPolicy"]
    evaluations = run_change(CHECK, item)
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert "has no bucket policy" in annotation(evaluations)


@pytest.mark.parametrize(
    "policy", ["{not json", "[1, 2]", json.dumps({"Version": "2012-10-17"}), '"just text"']
)
def test_unreadable_policy_is_non_compliant_without_crashing(policy: str) -> None:
    evaluations = run_change(CHECK, bucket(policy=policy))
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert "could not be read" in annotation(evaluations)


def test_statements_that_are_not_objects_are_skipped() -> None:
    policy = json.dumps({"Statement": ["junk", 42, deny_statement()]})
    assert verdict(CHECK, bucket(policy=policy)) == "COMPLIANT"


def test_bucket_in_another_partition_needs_arns_of_that_partition() -> None:
    item = bucket()
    item["ARN"] = f"arn:aws-cn:s3:::{NAME}"
    assert verdict(CHECK, item) == "NON_COMPLIANT"  # the policy names arn:aws:...
    cn = f"arn:aws-cn:s3:::{NAME}"
    item["supplementaryConfiguration"]["BucketPolicy"]["policyText"] = json.dumps(
        {"Statement": [deny_statement(Resource=[cn, f"{cn}/*"])]}
    )
    assert verdict(CHECK, item) == "COMPLIANT"


def test_select_row_without_resource_name_uses_the_configuration_name() -> None:
    item = bucket()
    row = {k: item[k] for k in ("configuration", "supplementaryConfiguration")}
    assert verdict(CHECK, row) == "COMPLIANT"  # ARN built from configuration.name
    row["configuration"]["name"] = "another-bucket"
    assert verdict(CHECK, row) == "NON_COMPLIANT"


@pytest.mark.parametrize(
    "status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]
)
def test_deleted_or_unrecorded_bucket_is_not_applicable(status: str) -> None:
    item = bucket(policy=None)
    item["configurationItemStatus"] = status
    item["configuration"] = None
    assert verdict(CHECK, item) == "NOT_APPLICABLE"


def test_bucket_that_left_the_rule_scope_is_not_applicable() -> None:
    evaluations = run_change(CHECK, bucket(policy=None), left_scope=True)
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"


def test_several_buckets_get_their_own_verdicts() -> None:
    items = [bucket(), bucket(policy=None), bucket(deny_statement(Resource=BUCKET))]
    for index, item in enumerate(items):
        item["resourceId"] = item["resourceName"] = f"bucket-{index}"
        item["configuration"]["name"] = f"bucket-{index}"
        arn = f"arn:aws:s3:::bucket-{index}"
        item["ARN"] = arn
        policy = item["supplementaryConfiguration"]["BucketPolicy"]
        if policy["policyText"]:
            policy["policyText"] = policy["policyText"].replace(BUCKET, arn)
    results = [run_change(CHECK, item)[0] for item in items]
    assert [(r["ComplianceResourceId"], r["ComplianceType"]) for r in results] == [
        ("bucket-0", "COMPLIANT"),
        ("bucket-1", "NON_COMPLIANT"),
        ("bucket-2", "NON_COMPLIANT"),
    ]


def test_the_check_takes_no_parameters() -> None:
    with pytest.raises(InvalidParameterError, match="RequireTls"):
        run_change(CHECK, bucket(), parameters={"RequireTls": "true"})


@pytest.mark.parametrize(("deny", "expected"), [(True, "COMPLIANT"), (False, "NON_COMPLIANT")])
def test_oversized_item_is_fetched_from_config_history(aws, deny: bool, expected: str) -> None:
    s3 = boto3.client("s3")  # setting up; only the check's own calls go through `aws`
    s3.create_bucket(Bucket="big-bucket")
    if deny:
        statement = deny_statement(
            Resource=["arn:aws:s3:::big-bucket", "arn:aws:s3:::big-bucket/*"]
        )
        s3.put_bucket_policy(
            Bucket="big-bucket",
            Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
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


# The pure policy functions, on their own.


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (f"{BUCKET}/*", True),
        (f"{BUCKET}*", True),
        ("*", True),
        ("arn:aws:s3:::*/*", True),
        (f"{BUCKET}/", False),
        (f"{BUCKET}/?", False),
        (f"{BUCKET}/a*", False),
        (BUCKET, False),
        ("arn:aws:s3:::scanmonster-example-bucket-2/*", False),
        (None, False),
    ],
)
def test_covers_all_objects(pattern: object, expected: bool) -> None:
    assert covers_all_objects(pattern, BUCKET) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"Bool": {"aws:SecureTransport": "false"}}, True),
        ({"BoolIfExists": {"aws:SecureTransport": False}}, True),
        ({"Bool": {"aws:SecureTransport": ["false", "true"]}}, True),  # denies HTTP too
        ({"Bool": {"aws:SecureTransport": ["true"]}}, False),
        ({"Bool": {}}, False),
        ({}, False),
        (None, False),
        ("Bool", False),
        ({"Bool": "aws:SecureTransport"}, False),
    ],
)
def test_denies_insecure_transport(condition: object, expected: bool) -> None:
    assert denies_insecure_transport(condition) is expected


def test_statement_gaps_lists_every_gap_of_an_unrelated_statement() -> None:
    assert statement_gaps({"Effect": "Allow"}, BUCKET) == [
        "is not a Deny",
        'does not apply to every principal ("*")',
        'does not cover every action ("s3:*")',
        f"does not cover the bucket itself ({BUCKET})",
        f"does not cover the objects ({BUCKET}/*)",
        "has no aws:SecureTransport false condition",
    ]
    assert statement_gaps(deny_statement(), BUCKET) == []
