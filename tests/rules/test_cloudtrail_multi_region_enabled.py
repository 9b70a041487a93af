"""CloudTrail.1: one multi-Region trail is logging and records all management events.

Trails are created in moto (which lists multi-Region trails of other Regions as shadow
trails, keeps each trail's status and selectors only in its home Region, and supports
advanced event selectors). moto cannot show another account's organization trail or a
refused read: those are stubbed with botocore's Stubber, which validates requests and
responses against the real API model. Note that moto gives a new trail no event selectors
(AWS gives it "All management events"), so every trail here gets its selectors explicitly.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from scanmonster.runtime.errors import InvalidParameterError
from scanmonster.runtime.events import build_change_event
from tests.support import (
    ACCOUNT_ID,
    NOTIFICATION_TIME,
    annotation,
    load_item,
    run_periodic,
    runner,
)

CHECK = "cloudtrail_multi_region_enabled"
REGION = "us-east-1"
BUCKET = "scanmonster-trail-logs"
ALL_MANAGEMENT = {"ReadWriteType": "All", "IncludeManagementEvents": True}
MANAGEMENT = {"Field": "eventCategory", "Equals": ["Management"]}
ORG_ACCOUNT = "111122223333"
ORG_REGION = "eu-west-1"
ORG_ARN = f"arn:aws:cloudtrail:{ORG_REGION}:{ORG_ACCOUNT}:trail/org-trail"
ACTIONS = {
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
}


def make_trail(
    name: str,
    *,
    region: str = REGION,
    multi_region: bool = True,
    logging: bool = True,
    selectors: list | None = None,
    advanced: list | None = None,
) -> None:
    """A trail in moto, set up with plain clients (only the check's calls are recorded)."""
    s3 = boto3.client("s3", region_name=REGION)
    if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=BUCKET)
    cloudtrail = boto3.client("cloudtrail", region_name=region)
    cloudtrail.create_trail(Name=name, S3BucketName=BUCKET, IsMultiRegionTrail=multi_region)
    if logging:
        cloudtrail.start_logging(Name=name)
    if advanced is not None:
        cloudtrail.put_event_selectors(TrailName=name, AdvancedEventSelectors=advanced)
    else:
        cloudtrail.put_event_selectors(
            TrailName=name, EventSelectors=[ALL_MANAGEMENT] if selectors is None else selectors
        )


def verdict_and_annotation(aws) -> tuple[str, str]:
    evaluations = run_periodic(CHECK, aws)
    return evaluations[0]["ComplianceType"], annotation(evaluations)


def test_logging_multi_region_trail_with_all_management_events_is_compliant(aws) -> None:
    make_trail("main")
    assert run_periodic(CHECK, aws) == [
        {
            "ComplianceResourceType": "AWS::::Account",
            "ComplianceResourceId": ACCOUNT_ID,
            "ComplianceType": "COMPLIANT",
            "OrderingTimestamp": NOTIFICATION_TIME,
            "Annotation": "The trail main is multi-Region, logging, and records all read and "
            "write management events.",
        }
    ]
    assert set(aws.actions) == ACTIONS


def test_account_without_any_trail_is_non_compliant(aws) -> None:
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "NON_COMPLIANT"
    assert "no multi-Region CloudTrail trail" in text
    assert aws.actions == ["cloudtrail:DescribeTrails"]


def test_single_region_trail_in_another_region_is_not_even_listed(aws) -> None:
    make_trail("oregon-only", region="us-west-2", multi_region=False)
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "NON_COMPLIANT"
    assert "no multi-Region CloudTrail trail" in text


def test_single_region_trail_is_non_compliant_and_named(aws) -> None:
    make_trail("regional", multi_region=False)
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "NON_COMPLIANT"
    assert "trail regional covers only us-east-1" in text
    # A single-Region trail cannot qualify, whatever its status: nothing more is read.
    assert aws.actions == ["cloudtrail:DescribeTrails"]


def test_stopped_multi_region_trail_is_non_compliant(aws) -> None:
    make_trail("stopped", logging=False)
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "NON_COMPLIANT"
    assert "trail stopped is not logging." in text


def test_stopped_trail_that_also_misses_reads_names_both_gaps(aws) -> None:
    make_trail("half", logging=False, selectors=[{**ALL_MANAGEMENT, "ReadWriteType": "WriteOnly"}])
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "NON_COMPLIANT"
    assert "trail half is not logging and records only write management events" in text


@pytest.mark.parametrize(
    ("selectors", "expected", "gap"),
    [
        ([ALL_MANAGEMENT], "COMPLIANT", None),
        (
            [{**ALL_MANAGEMENT, "ReadWriteType": "ReadOnly"}],
            "NON_COMPLIANT",
            "records only read management events",
        ),
        (
            [{**ALL_MANAGEMENT, "ReadWriteType": "WriteOnly"}],
            "NON_COMPLIANT",
            "records only write management events",
        ),
        (
            [{**ALL_MANAGEMENT, "IncludeManagementEvents": False}],
            "NON_COMPLIANT",
            "records no management events",
        ),
        (
            # FSBP CloudTrail.1 also fails a trail that drops KMS or RDS Data API events.
            [{**ALL_MANAGEMENT, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}],
            "NON_COMPLIANT",
            "leaves some management event sources out",
        ),
        (
            [
                {**ALL_MANAGEMENT, "ReadWriteType": "ReadOnly"},
                {**ALL_MANAGEMENT, "ReadWriteType": "WriteOnly"},
            ],
            "COMPLIANT",  # read and write together make "all"
            None,
        ),
        (
            # Data events only (S3 objects), no management events.
            [
                {
                    "ReadWriteType": "All",
                    "IncludeManagementEvents": False,
                    "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
                }
            ],
            "NON_COMPLIANT",
            "records no management events",
        ),
    ],
)
def test_classic_event_selectors(aws, selectors: list, expected: str, gap: str | None) -> None:
    make_trail("main", selectors=selectors)
    compliance, text = verdict_and_annotation(aws)
    assert compliance == expected
    if gap:
        assert f"trail main {gap}" in text


@pytest.mark.parametrize(
    ("advanced", "expected", "gap"),
    [
        ([{"Name": "Management events", "FieldSelectors": [MANAGEMENT]}], "COMPLIANT", None),
        (
            [
                {
                    "Name": "Read management events",
                    "FieldSelectors": [MANAGEMENT, {"Field": "readOnly", "Equals": ["true"]}],
                }
            ],
            "NON_COMPLIANT",
            "records only read management events",
        ),
        (
            [
                {
                    "Name": "Write management events",
                    "FieldSelectors": [MANAGEMENT, {"Field": "readOnly", "Equals": ["false"]}],
                }
            ],
            "NON_COMPLIANT",
            "records only write management events",
        ),
        (
            [
                {"FieldSelectors": [MANAGEMENT, {"Field": "readOnly", "Equals": ["true"]}]},
                {"FieldSelectors": [MANAGEMENT, {"Field": "readOnly", "Equals": ["false"]}]},
            ],
            "COMPLIANT",
            None,
        ),
        (
            [
                {
                    "Name": "Management events without KMS",
                    "FieldSelectors": [
                        MANAGEMENT,
                        {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
                    ],
                }
            ],
            "NON_COMPLIANT",
            "leaves some management event sources out",
        ),
        (
            [
                {
                    "Name": "S3 data events",
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    ],
                }
            ],
            "NON_COMPLIANT",
            "records no management events",
        ),
    ],
)
def test_advanced_event_selectors(aws, advanced: list, expected: str, gap: str | None) -> None:
    make_trail("main", advanced=advanced)
    compliance, text = verdict_and_annotation(aws)
    assert compliance == expected
    if gap:
        assert f"trail main {gap}" in text


def test_one_good_trail_among_bad_ones_makes_the_account_compliant(aws) -> None:
    make_trail("regional", multi_region=False)
    make_trail("stopped", logging=False)
    make_trail("writes", selectors=[{**ALL_MANAGEMENT, "ReadWriteType": "WriteOnly"}])
    make_trail("zz-good")  # sorted last: every other trail is looked at first
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "COMPLIANT"
    assert text.startswith("The trail zz-good is multi-Region")


def test_several_bad_trails_are_each_named_with_what_is_missing(aws) -> None:
    make_trail("regional", multi_region=False)
    make_trail("stopped", logging=False)
    make_trail("writes", selectors=[{**ALL_MANAGEMENT, "ReadWriteType": "WriteOnly"}])
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "NON_COMPLIANT"
    assert text == (
        "No multi-Region trail logs all read and write management events: "
        "trail regional covers only us-east-1; trail stopped is not logging; "
        "trail writes records only write management events."
    )


def test_multi_region_trail_created_in_another_region_is_read_in_its_home_region(aws) -> None:
    # In us-east-1 the Oregon trail is a shadow trail: moto (like AWS) keeps its event
    # selectors in us-west-2 only, so a read from the wrong Region would fail.
    make_trail("oregon", region="us-west-2")
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "COMPLIANT"
    assert "trail oregon" in text


def test_stopped_trail_of_another_home_region_is_non_compliant(aws) -> None:
    make_trail("oregon", region="us-west-2", logging=False)
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "NON_COMPLIANT"
    assert "trail oregon is not logging" in text


# --- The organization trail, seen from a member account (stubbed: moto has one account) ---


def org_trail(**fields: object) -> dict:
    """The organization trail as DescribeTrails shows it in a member account."""
    return {
        "Name": "org-trail",
        "S3BucketName": "org-trail-logs",
        "IncludeGlobalServiceEvents": True,
        "IsMultiRegionTrail": True,
        "HomeRegion": ORG_REGION,
        "TrailARN": ORG_ARN,
        "LogFileValidationEnabled": True,
        "HasCustomEventSelectors": False,
        "HasInsightSelectors": False,
        "IsOrganizationTrail": True,
        **fields,
    }


def own_trail(name: str) -> dict:
    return {
        "Name": name,
        "S3BucketName": BUCKET,
        "IsMultiRegionTrail": True,
        "HomeRegion": REGION,
        "TrailARN": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT_ID}:trail/{name}",
        "IsOrganizationTrail": False,
    }


def stub(aws, region: str) -> Stubber:
    stubber = Stubber(aws.build_client("cloudtrail", region))
    stubber.activate()
    return stubber


def stub_trail_reads(stubber: Stubber, arn: str, *, logging: bool, selectors: list) -> None:
    """GetTrailStatus and GetEventSelectors, both expected with the trail ARN."""
    stubber.add_response("get_trail_status", {"IsLogging": logging}, {"Name": arn})
    stubber.add_response(
        "get_event_selectors",
        {"TrailARN": arn, "EventSelectors": selectors},
        {"TrailName": arn},
    )


def stub_listing(aws, trails: list) -> Stubber:
    home = stub(aws, REGION)
    home.add_response("describe_trails", {"trailList": trails}, {"includeShadowTrails": True})
    return home


def test_organization_trail_is_read_with_its_arn_in_its_home_region(aws) -> None:
    stub_listing(aws, [org_trail()])
    ireland = stub(aws, ORG_REGION)
    stub_trail_reads(ireland, ORG_ARN, logging=True, selectors=[ALL_MANAGEMENT])
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "COMPLIANT"
    assert text.startswith(f"The organization trail org-trail (account {ORG_ACCOUNT})")
    ireland.assert_no_pending_responses()


def test_stopped_organization_trail_is_non_compliant_and_named(aws) -> None:
    stub_listing(aws, [org_trail()])
    stub_trail_reads(stub(aws, ORG_REGION), ORG_ARN, logging=False, selectors=[ALL_MANAGEMENT])
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "NON_COMPLIANT"
    assert f"organization trail org-trail (account {ORG_ACCOUNT}) is not logging" in text


def test_own_good_trail_is_read_before_the_organization_trail(aws) -> None:
    # The organization trail is listed first, but the account's own trail is read first and
    # qualifies: the organization trail is never read (its stubber has nothing queued, so a
    # read would fail the test).
    home = stub_listing(aws, [org_trail(), own_trail("main")])
    stub_trail_reads(home, own_trail("main")["TrailARN"], logging=True, selectors=[ALL_MANAGEMENT])
    stub(aws, ORG_REGION)
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "COMPLIANT"
    assert text.startswith("The trail main ")
    home.assert_no_pending_responses()


def test_refused_read_of_the_organization_trail_propagates(aws) -> None:
    # Reading another account's trail by name, or outside its home Region, is refused like
    # this in the field; the check gives no verdict on a trail it could not read.
    home = stub_listing(aws, [own_trail("stopped"), org_trail()])
    stub_trail_reads(home, own_trail("stopped")["TrailARN"], logging=False, selectors=[])
    ireland = stub(aws, ORG_REGION)
    ireland.add_client_error(
        "get_trail_status",
        service_error_code="CloudTrailARNInvalidException",
        service_message="AccountID in ARN is wrong",
        http_status_code=400,
        expected_params={"Name": ORG_ARN},
    )
    with pytest.raises(ClientError) as raised:
        run_periodic(CHECK, aws)
    assert raised.value.response["Error"]["Code"] == "CloudTrailARNInvalidException"


def test_access_denied_on_describe_trails_propagates(aws) -> None:
    home = stub(aws, REGION)
    home.add_client_error(
        "describe_trails", service_error_code="AccessDeniedException", http_status_code=400
    )
    with pytest.raises(ClientError) as raised:
        run_periodic(CHECK, aws)
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"


def test_access_denied_on_event_selectors_propagates(aws) -> None:
    home = stub_listing(aws, [own_trail("main")])
    arn = own_trail("main")["TrailARN"]
    home.add_response("get_trail_status", {"IsLogging": True}, {"Name": arn})
    home.add_client_error(
        "get_event_selectors", service_error_code="AccessDeniedException", http_status_code=400
    )
    with pytest.raises(ClientError):
        run_periodic(CHECK, aws)


def test_status_without_is_logging_does_not_count_as_logging(aws) -> None:
    home = stub_listing(aws, [own_trail("main")])
    arn = own_trail("main")["TrailARN"]
    home.add_response("get_trail_status", {}, {"Name": arn})
    home.add_response(
        "get_event_selectors", {"TrailARN": arn, "EventSelectors": [ALL_MANAGEMENT]}, None
    )
    compliance, text = verdict_and_annotation(aws)
    assert compliance == "NON_COMPLIANT"
    assert "trail main is not logging" in text


# --- What the check does not do ---


def test_configuration_change_events_are_ignored_without_any_call(aws) -> None:
    # Periodic only, and never NOT_APPLICABLE: a change notification yields no evaluation.
    event = build_change_event(load_item("AWS::S3::Bucket", "private-all-blocked"))
    assert runner(CHECK, aws).evaluate(event).evaluations == []
    assert aws.actions == []


def test_unknown_parameter_is_refused_before_any_call(aws) -> None:
    with pytest.raises(InvalidParameterError, match="ReadWriteType"):
        run_periodic(CHECK, aws, parameters={"ReadWriteType": "All"})
    assert aws.actions == []
