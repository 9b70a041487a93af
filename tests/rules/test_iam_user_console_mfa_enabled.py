"""IAM.5: IAM users who can sign in to the console have an MFA device."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from scanmonster.runtime.errors import InvalidParameterError
from tests.support import (
    NOTIFICATION_TIME,
    RECORDED,
    annotation,
    load_item,
    run_change,
    run_oversized,
    run_periodic,
    verdict,
)

CHECK = "iam_user_console_mfa_enabled"
PASSWORD = "Correct-Horse-Battery-9"

# Every real recorded IAM user item and the verdict it deserves. The items carry no login
# profile or MFA data: the rule asks IAM, and tests/test_recorded_items.py runs it against
# an empty moto account, where none of these users exists (NoSuchEntity): nobody can sign
# in as them there. test_recorded_item_is_judged_by_what_iam_says shows the other verdicts.
RECORDED_VERDICTS = {
    "AWS-IAM-User__acr-invoking-event.json": "NOT_APPLICABLE",
    "AWS-IAM-User__c7n-select-group-member.json": "NOT_APPLICABLE",  # select row, name only
    "AWS-IAM-User__qiita-userPolicyList-null.json": "NOT_APPLICABLE",
    "AWS-IAM-User__rdk-sample-decoded-inline-policy.json": "NOT_APPLICABLE",
    "AWS-IAM-User__var-resource-deleted.json": "NOT_APPLICABLE",  # runtime, no API call
    "AWS-IAM-User__wd-api-group-member.json": "NOT_APPLICABLE",
}


def create_user(name: str, *, password: bool, mfa: bool = False, unassigned_mfa: bool = False):
    """Set up a user in moto (plain boto3: only the check's own calls go through `aws`)."""
    iam = boto3.client("iam")
    user = iam.create_user(UserName=name)["User"]
    if password:
        iam.create_login_profile(UserName=name, Password=PASSWORD)
    if mfa or unassigned_mfa:
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{name}-mfa")
        if mfa:
            iam.enable_mfa_device(
                UserName=name,
                SerialNumber=device["VirtualMFADevice"]["SerialNumber"],
                AuthenticationCode1="123456",
                AuthenticationCode2="654321",
            )
    return user


def user_item(name: str = "scanmonster-example-user") -> dict:
    item = load_item("AWS::IAM::User", "console-user")
    item["configuration"]["userName"] = item["resourceName"] = name
    return item


# --- change-triggered: the changed user ---


def test_console_user_with_mfa_is_compliant(aws) -> None:
    create_user("scanmonster-example-user", password=True, mfa=True)
    evaluations = run_change(CHECK, user_item(), client_factory=aws)
    assert [e["ComplianceType"] for e in evaluations] == ["COMPLIANT"]
    assert evaluations[0]["ComplianceResourceId"] == "AIDAQ3EXAMPLEUSER7XYZ"
    assert evaluations[0]["ComplianceResourceType"] == "AWS::IAM::User"
    assert evaluations[0]["OrderingTimestamp"] == "2026-11-20T08:15:42.120Z"
    assert "scanmonster-example-user" in annotation(evaluations)
    assert aws.actions == ["iam:GetLoginProfile", "iam:ListMFADevices"]


def test_console_user_without_mfa_is_non_compliant(aws) -> None:
    create_user("scanmonster-example-user", password=True)
    evaluations = run_change(CHECK, user_item(), client_factory=aws)
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert "IAM user scanmonster-example-user" in annotation(evaluations)
    assert "no MFA device" in annotation(evaluations)


def test_mfa_device_created_but_never_enabled_does_not_count(aws) -> None:
    create_user("scanmonster-example-user", password=True, unassigned_mfa=True)
    assert verdict(CHECK, user_item(), client_factory=aws) == "NON_COMPLIANT"


@pytest.mark.parametrize("mfa", [False, True])
def test_user_without_console_password_is_not_applicable(aws, mfa: bool) -> None:
    create_user("scanmonster-example-user", password=False, mfa=mfa)
    evaluations = run_change(CHECK, user_item(), client_factory=aws)
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"
    assert "no console password" in annotation(evaluations)
    assert aws.actions == ["iam:GetLoginProfile"]  # MFA is not asked about


def test_user_that_no_longer_exists_is_not_applicable(aws) -> None:
    assert verdict(CHECK, user_item("already-deleted"), client_factory=aws) == "NOT_APPLICABLE"


def test_user_name_falls_back_to_the_resource_name(aws) -> None:
    create_user("fallback-user", password=True)
    item = user_item("fallback-user")
    del item["configuration"]["userName"]
    assert verdict(CHECK, item, client_factory=aws) == "NON_COMPLIANT"


def test_configuration_user_name_wins_over_the_resource_name(aws) -> None:
    create_user("real-name", password=True, mfa=True)
    item = user_item("real-name")
    item["resourceName"] = "stale-name"
    assert verdict(CHECK, item, client_factory=aws) == "COMPLIANT"


def test_api_dialect_item_is_read(aws) -> None:
    create_user("api-user", password=True)
    item = user_item("api-user")
    api_item = {
        "version": "1.3",
        "accountId": "123456789012",
        "arn": item["ARN"],
        "configurationItemMD5Hash": "",
        **{k: v for k, v in item.items() if k not in ("ARN", "awsAccountId")},
        "configuration": json.dumps(item["configuration"]),
    }
    del api_item["configurationItemVersion"], api_item["configurationStateMd5Hash"]
    assert verdict(CHECK, api_item, client_factory=aws) == "NON_COMPLIANT"


def test_item_naming_no_user_is_not_applicable_without_calls(aws) -> None:
    item = user_item()
    item["configuration"] = None
    del item["resourceName"]
    evaluations = run_change(CHECK, item, client_factory=aws)
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"
    assert aws.actions == []


@pytest.mark.parametrize(
    "status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]
)
def test_deleted_or_unrecorded_user_is_not_applicable(aws, status: str) -> None:
    create_user("scanmonster-example-user", password=True)  # would be NON_COMPLIANT
    item = user_item()
    item["configurationItemStatus"] = status
    item["configuration"] = None
    assert verdict(CHECK, item, client_factory=aws) == "NOT_APPLICABLE"
    assert aws.actions == []


@pytest.mark.parametrize(
    ("password", "mfa", "expected"),
    [(True, False, "NON_COMPLIANT"), (True, True, "COMPLIANT"), (False, False, "NOT_APPLICABLE")],
)
def test_recorded_item_is_judged_by_what_iam_says(
    aws, password: bool, mfa: bool, expected: str
) -> None:
    recorded = json.loads((RECORDED / "AWS-IAM-User__acr-invoking-event.json").read_text())
    create_user("Jason", password=password, mfa=mfa)
    assert verdict(CHECK, recorded["configurationItem"], client_factory=aws) == expected


def test_several_changed_users_get_their_own_verdicts(aws) -> None:
    create_user("alice", password=True, mfa=True)
    create_user("bob", password=True)
    create_user("carol", password=False)
    results = []
    for index, name in enumerate(["alice", "bob", "carol"]):
        item = user_item(name)
        item["resourceId"] = item["configuration"]["userId"] = f"AIDAEXAMPLE{index:010d}"
        results.append(run_change(CHECK, item, client_factory=aws)[0])
    assert [(r["ComplianceResourceId"], r["ComplianceType"]) for r in results] == [
        ("AIDAEXAMPLE0000000000", "COMPLIANT"),
        ("AIDAEXAMPLE0000000001", "NON_COMPLIANT"),
        ("AIDAEXAMPLE0000000002", "NOT_APPLICABLE"),
    ]


@pytest.mark.parametrize(("code", "status"), [("AccessDenied", 403), ("ServiceFailure", 500)])
def test_errors_other_than_no_such_entity_propagate(aws, code: str, status: int) -> None:
    iam = aws.build_client("iam")
    with Stubber(iam) as stub:
        stub.add_client_error(
            "get_login_profile",
            service_error_code=code,
            http_status_code=status,
            expected_params={"UserName": "scanmonster-example-user"},
        )
        with pytest.raises(ClientError, match=code):
            run_change(CHECK, user_item(), client_factory=aws)
        stub.assert_no_pending_responses()


def test_check_takes_no_parameters(aws) -> None:
    with pytest.raises(InvalidParameterError, match="MaxAge"):
        run_change(CHECK, user_item(), parameters={"MaxAge": "90"}, client_factory=aws)


# --- periodic: the daily sweep over every user ---


def test_daily_sweep_judges_every_user_by_user_id(aws) -> None:
    users = {
        "with-mfa": create_user("with-mfa", password=True, mfa=True),
        "no-mfa": create_user("no-mfa", password=True),
        "unassigned-mfa": create_user("unassigned-mfa", password=True, unassigned_mfa=True),
        "api-only": create_user("api-only", password=False),
        "api-only-mfa": create_user("api-only-mfa", password=False, mfa=True),
    }
    evaluations = run_periodic(CHECK, aws)
    by_id = {e["ComplianceResourceId"]: e for e in evaluations}
    assert {uid: by_id[uid]["ComplianceType"] for uid in by_id} == {
        users["with-mfa"]["UserId"]: "COMPLIANT",
        users["no-mfa"]["UserId"]: "NON_COMPLIANT",
        users["unassigned-mfa"]["UserId"]: "NON_COMPLIANT",
        users["api-only"]["UserId"]: "NOT_APPLICABLE",
        users["api-only-mfa"]["UserId"]: "NOT_APPLICABLE",
    }
    assert {e["ComplianceResourceType"] for e in evaluations} == {"AWS::IAM::User"}
    assert {e["OrderingTimestamp"] for e in evaluations} == {NOTIFICATION_TIME}
    assert "IAM user no-mfa" in by_id[users["no-mfa"]["UserId"]]["Annotation"]
    assert set(aws.actions) == {"iam:ListUsers", "iam:GetLoginProfile", "iam:ListMFADevices"}


def test_daily_sweep_of_an_account_without_users_gives_no_verdicts(aws) -> None:
    assert run_periodic(CHECK, aws) == []
    assert aws.actions == ["iam:ListUsers"]


def _user(name: str, index: int) -> dict:
    return {
        "Path": "/",
        "UserName": name,
        "UserId": f"AIDAPAGE{index:013d}",
        "Arn": f"arn:aws:iam::123456789012:user/{name}",
        "CreateDate": "2026-01-01T00:00:00Z",
    }


def test_daily_sweep_follows_every_page_of_users(aws) -> None:
    # moto returns every user in one page, so the pages come from a Stubber (which also
    # checks each request against the IAM API model).
    iam = aws.build_client("iam")
    with Stubber(iam) as stub:
        stub.add_response(
            "list_users", {"Users": [_user("p1-a", 1)], "IsTruncated": True, "Marker": "m1"}, {}
        )
        stub.add_response(
            "get_login_profile",
            {"LoginProfile": {"UserName": "p1-a", "CreateDate": "2026-01-01T00:00:00Z"}},
            {"UserName": "p1-a"},
        )
        stub.add_response(
            "list_mfa_devices", {"MFADevices": [], "IsTruncated": False}, {"UserName": "p1-a"}
        )
        stub.add_response(
            "list_users", {"Users": [_user("p2-b", 2)], "IsTruncated": False}, {"Marker": "m1"}
        )
        stub.add_client_error(
            "get_login_profile",
            service_error_code="NoSuchEntity",
            http_status_code=404,
            expected_params={"UserName": "p2-b"},
        )
        evaluations = run_periodic(CHECK, aws)
        stub.assert_no_pending_responses()
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in evaluations] == [
        ("AIDAPAGE0000000000001", "NON_COMPLIANT"),
        ("AIDAPAGE0000000000002", "NOT_APPLICABLE"),
    ]


@pytest.mark.parametrize("failing", ["list_users", "get_login_profile", "list_mfa_devices"])
def test_access_denied_in_the_sweep_propagates(aws, failing: str) -> None:
    iam = aws.build_client("iam")
    with Stubber(iam) as stub:
        calls = [
            ("list_users", {"Users": [_user("u", 1)], "IsTruncated": False}, {}),
            (
                "get_login_profile",
                {"LoginProfile": {"UserName": "u", "CreateDate": "2026-01-01T00:00:00Z"}},
                {"UserName": "u"},
            ),
            ("list_mfa_devices", {"MFADevices": []}, {"UserName": "u"}),
        ]
        for operation, response, params in calls:
            if operation == failing:
                stub.add_client_error(
                    operation,
                    service_error_code="AccessDenied",
                    http_status_code=403,
                    expected_params=params,
                )
                break
            stub.add_response(operation, response, params)
        with pytest.raises(ClientError, match="AccessDenied"):
            run_periodic(CHECK, aws)
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(("mfa", "expected"), [(True, "COMPLIANT"), (False, "NON_COMPLIANT")])
def test_oversized_item_is_fetched_from_config_history(aws, mfa: bool, expected: str) -> None:
    create_user("scanmonster-example-user", password=True, mfa=mfa)
    evaluations = run_oversized(CHECK, user_item(), aws)
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in evaluations] == [
        ("AIDAQ3EXAMPLEUSER7XYZ", expected)
    ]
    assert aws.actions == [
        "config:GetResourceConfigHistory",
        "iam:GetLoginProfile",
        "iam:ListMFADevices",
    ]
