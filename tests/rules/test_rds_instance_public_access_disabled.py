"""RDS.2: DB instances are not publicly accessible.

The flag comes from the configuration item. When an item lacks it, the check asks
DescribeDBInstances (moto, or botocore's Stubber where moto cannot give the answer).
moto's Config keeps no history for RDS: the oversized path is stubbed on the check's own
Config client, with an item in the API dialect (configuration as a JSON string).
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from scanmonster.runtime.errors import InvalidParameterError
from tests.support import (
    annotation,
    load_item,
    run_change,
    run_oversized,
    verdict,
)

CHECK = "rds_instance_public_access_disabled"
NAME = "scanmonster-example-db"
RESOURCE_ID = "db-ABCDEFGHIJKLMNOPQRSTUVWXY2"

# Every real recorded DB instance item and the verdict it deserves.
RECORDED_VERDICTS = {
    "AWS-RDS-DBInstance__acr-aurora-public.json": "NON_COMPLIANT",  # Aurora cluster member
    "AWS-RDS-DBInstance__c7n-postgres-public-unencrypted.json": "NON_COMPLIANT",
    "AWS-RDS-DBInstance__rdk-mysql-public.json": "NON_COMPLIANT",  # still "creating": public
    "AWS-RDS-DBInstance__var-api-stringified-public.json": "NON_COMPLIANT",  # Neptune, public
    "AWS-RDS-DBInstance__var-aurora-private.json": "COMPLIANT",
    "AWS-RDS-DBInstance__var-resource-deleted.json": "NOT_APPLICABLE",
    "AWS-RDS-DBInstance__wd-api-neptune-private.json": "COMPLIANT",  # Neptune, same flag
}


def instance(**configuration: object) -> dict:
    """The private example instance with `configuration` applied (None removes a key)."""
    item = load_item("AWS::RDS::DBInstance", "private-postgres")
    for key, value in configuration.items():
        if value is None:
            item["configuration"].pop(key, None)
        else:
            item["configuration"][key] = value
    return item


def create_db(public: bool, identifier: str = NAME, region: str = "us-east-1") -> str:
    """An instance in moto; returns its resource id (what AWS Config uses as resourceId)."""
    created = boto3.client("rds", region_name=region).create_db_instance(
        DBInstanceIdentifier=identifier,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="dbadmin",
        MasterUserPassword="a-long-test-password",
        AllocatedStorage=20,
        PubliclyAccessible=public,
    )
    return created["DBInstance"]["DbiResourceId"]


def unflagged(resource_id: str) -> dict:
    """An item for `resource_id` whose configuration has no publiclyAccessible key."""
    item = instance(publiclyAccessible=None, dbiResourceId=resource_id)
    item["resourceId"] = resource_id
    return item


def test_private_instance_is_compliant() -> None:
    evaluations = run_change(CHECK, instance())
    assert [e["ComplianceType"] for e in evaluations] == ["COMPLIANT"]
    assert evaluations[0]["ComplianceResourceId"] == RESOURCE_ID
    assert evaluations[0]["ComplianceResourceType"] == "AWS::RDS::DBInstance"
    assert evaluations[0]["OrderingTimestamp"] == "2026-11-20T08:15:42.120Z"
    assert annotation(evaluations) == f"DB instance {NAME} (postgres) is not publicly accessible."


@pytest.mark.parametrize("public", [True, "true", "True"])
def test_publicly_accessible_instance_is_non_compliant(public: object) -> None:
    evaluations = run_change(CHECK, instance(publiclyAccessible=public))
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert f"DB instance {NAME} (postgres) is publicly accessible" in annotation(evaluations)


@pytest.mark.parametrize("private", [False, "false", "FALSE"])
def test_flag_as_text_from_the_history_api_is_read(private: object) -> None:
    assert verdict(CHECK, instance(publiclyAccessible=private)) == "COMPLIANT"


@pytest.mark.parametrize("engine", ["neptune", "docdb", "aurora-postgresql", "aurora-mysql"])
@pytest.mark.parametrize(("public", "expected"), [(True, "NON_COMPLIANT"), (False, "COMPLIANT")])
def test_neptune_documentdb_and_aurora_instances_are_judged_on_the_same_flag(
    engine: str, public: bool, expected: str
) -> None:
    evaluations = run_change(CHECK, instance(engine=engine, publiclyAccessible=public))
    assert evaluations[0]["ComplianceType"] == expected
    assert f"({engine})" in annotation(evaluations)


def test_recorded_flag_is_used_without_calling_aws(aws) -> None:
    assert verdict(CHECK, instance(), client_factory=aws) == "COMPLIANT"
    assert verdict(CHECK, instance(publiclyAccessible=True), client_factory=aws) == (
        "NON_COMPLIANT"
    )
    assert aws.actions == []


@pytest.mark.parametrize(("public", "expected"), [(True, "NON_COMPLIANT"), (False, "COMPLIANT")])
@pytest.mark.parametrize("missing", [None, "", "yes"])
def test_missing_flag_is_read_from_describe_db_instances(
    aws, public: bool, expected: str, missing: object
) -> None:
    resource_id = create_db(public)
    item = unflagged(resource_id)
    if missing is not None:
        item["configuration"]["publiclyAccessible"] = missing
    assert verdict(CHECK, item, client_factory=aws) == expected
    assert aws.actions == ["rds:DescribeDBInstances"]


def test_missing_flag_is_looked_up_in_the_region_of_the_item(aws) -> None:
    create_db(public=False, identifier=NAME)  # same name, the factory's own region
    resource_id = create_db(public=True, identifier=NAME, region="eu-west-1")
    item = unflagged(resource_id)
    item["awsRegion"] = "eu-west-1"
    assert verdict(CHECK, item, client_factory=aws) == "NON_COMPLIANT"


def test_missing_flag_on_a_select_row_is_looked_up_by_instance_name(aws) -> None:
    create_db(public=True, identifier="selected-db")
    create_db(public=False, identifier="other-db")
    row = {"configuration": {"dBInstanceIdentifier": "selected-db", "engine": "postgres"}}
    assert verdict(CHECK, row, client_factory=aws) == "NON_COMPLIANT"
    assert aws.actions == ["rds:DescribeDBInstances"]


def test_missing_flag_on_an_instance_that_no_longer_exists_is_not_applicable(aws) -> None:
    create_db(public=True, identifier="another-db")  # must not be mistaken for ours
    evaluations = run_change(CHECK, unflagged(RESOURCE_ID), client_factory=aws)
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"
    assert annotation(evaluations) == f"DB instance {NAME} no longer exists."


def test_engine_that_reports_no_flag_at_all_is_not_applicable(aws) -> None:
    stubber = Stubber(aws.build_client("rds"))
    stubber.add_response(
        "describe_db_instances",
        {"DBInstances": [{"DBInstanceIdentifier": NAME, "Engine": "docdb"}]},
        {"Filters": [{"Name": "dbi-resource-id", "Values": [RESOURCE_ID]}]},
    )
    with stubber:
        evaluations = run_change(
            CHECK,
            unflagged(RESOURCE_ID) | {"configuration": {"engine": "docdb"}},
            client_factory=aws,
        )
    stubber.assert_no_pending_responses()
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"
    assert "has no public access setting" in annotation(evaluations)


def test_item_without_flag_or_identifier_is_non_compliant_without_a_call(aws) -> None:
    row = {"configuration": {"engine": "postgres"}, "supplementaryConfiguration": {}}
    assert verdict(CHECK, row, client_factory=aws) == "NON_COMPLIANT"
    assert aws.actions == []


def test_access_denied_on_the_lookup_fails_the_invocation(aws) -> None:
    stubber = Stubber(aws.build_client("rds"))
    stubber.add_client_error("describe_db_instances", "AccessDenied", http_status_code=403)
    with stubber, pytest.raises(ClientError, match="AccessDenied"):
        run_change(CHECK, unflagged(RESOURCE_ID), client_factory=aws)


@pytest.mark.parametrize(
    "status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]
)
def test_deleted_or_unrecorded_instance_is_not_applicable(status: str) -> None:
    item = instance(publiclyAccessible=True)
    item["configurationItemStatus"] = status
    item["configuration"] = None
    assert verdict(CHECK, item) == "NOT_APPLICABLE"


def test_instance_that_left_the_rule_scope_is_not_applicable() -> None:
    evaluations = run_change(CHECK, instance(publiclyAccessible=True), left_scope=True)
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"


def test_several_instances_get_their_own_verdicts() -> None:
    items = [instance(), instance(publiclyAccessible=True), instance(publiclyAccessible="false")]
    for index, item in enumerate(items):
        item["resourceId"] = f"db-{index}"
        item["resourceName"] = item["configuration"]["dBInstanceIdentifier"] = f"db-name-{index}"
    results = [run_change(CHECK, item)[0] for item in items]
    assert [
        (r["ComplianceResourceId"], r["ComplianceType"], r["Annotation"][:21]) for r in results
    ] == [
        ("db-0", "COMPLIANT", "DB instance db-name-0"),
        ("db-1", "NON_COMPLIANT", "DB instance db-name-1"),
        ("db-2", "COMPLIANT", "DB instance db-name-2"),
    ]


def test_the_check_takes_no_parameters() -> None:
    with pytest.raises(InvalidParameterError, match="AllowPublic"):
        run_change(CHECK, instance(), parameters={"AllowPublic": "true"})


@pytest.mark.parametrize(("public", "expected"), [(True, "NON_COMPLIANT"), (False, "COMPLIANT")])
def test_oversized_item_is_fetched_from_config_history(aws, public: bool, expected: str) -> None:
    evaluations = run_oversized(CHECK, instance(publiclyAccessible=public), aws)
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in evaluations] == [
        (RESOURCE_ID, expected)
    ]
