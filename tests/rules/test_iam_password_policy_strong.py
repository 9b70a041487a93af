"""IAM.7 (with CIS 1.8 / 1.9 thresholds): the account password policy is strong.

moto stores and returns password policies (and NoSuchEntity without one), so most cases set
a real policy with a plain boto3 client; the rest use botocore's Stubber on the check's own
client. Parameters are passed as AWS Config sends them: strings.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from scanmonster.runtime.errors import InvalidParameterError
from tests.support import ACCOUNT_ID, NOTIFICATION_TIME, annotation, run_periodic

CHECK = "iam_password_policy_strong"
CLASSES = {
    "RequireUppercaseCharacters": "uppercase letters",
    "RequireLowercaseCharacters": "lowercase letters",
    "RequireNumbers": "numbers",
    "RequireSymbols": "symbols",
}


def set_policy(**overrides: object) -> None:
    """Set the account password policy (a strong one unless overridden; None leaves a
    setting out, as a person would in the console)."""
    policy = {
        "MinimumPasswordLength": 14,
        "PasswordReusePrevention": 24,
        **dict.fromkeys(CLASSES, True),
        "AllowUsersToChangePassword": True,
        **overrides,
    }
    boto3.client("iam").update_account_password_policy(
        **{k: v for k, v in policy.items() if v is not None}
    )


def test_strong_policy_is_compliant(aws) -> None:
    set_policy()
    assert run_periodic(CHECK, aws) == [
        {
            "ComplianceResourceType": "AWS::::Account",
            "ComplianceResourceId": ACCOUNT_ID,
            "ComplianceType": "COMPLIANT",
            "OrderingTimestamp": NOTIFICATION_TIME,
            "Annotation": "The account password policy meets every requirement of this check.",
        }
    ]
    assert aws.actions == ["iam:GetAccountPasswordPolicy"]


def test_no_password_policy_is_non_compliant(aws) -> None:
    evaluations = run_periodic(CHECK, aws)
    assert [e["ComplianceType"] for e in evaluations] == ["NON_COMPLIANT"]
    assert "no IAM password policy" in annotation(evaluations)


def test_weak_policy_lists_every_shortfall(aws) -> None:
    set_policy(MinimumPasswordLength=8, PasswordReusePrevention=None, **dict.fromkeys(CLASSES))
    assert annotation(run_periodic(CHECK, aws)) == (
        "The account password policy is too weak: minimum length 8 < 14; reuse prevention off; "
        "uppercase letters, lowercase letters, numbers, symbols not required."
    )


@pytest.mark.parametrize("setting", CLASSES)
def test_each_missing_character_class_is_named(aws, setting: str) -> None:
    set_policy(**{setting: False})
    evaluations = run_periodic(CHECK, aws)
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert annotation(evaluations) == (
        f"The account password policy is too weak: {CLASSES[setting]} not required."
    )


# (parameters as AWS Config sends them, policy settings, expected verdict or shortfall)
BOUNDARIES = [
    # MinimumPasswordLength: exactly at the threshold, one below, above.
    ({}, {"MinimumPasswordLength": 14}, None),
    ({}, {"MinimumPasswordLength": 13}, "minimum length 13 < 14"),
    ({}, {"MinimumPasswordLength": 15}, None),
    ({"MinimumPasswordLength": "10"}, {"MinimumPasswordLength": 10}, None),
    ({"MinimumPasswordLength": "10"}, {"MinimumPasswordLength": 9}, "minimum length 9 < 10"),
    ({"MinimumPasswordLength": "6"}, {"MinimumPasswordLength": 6}, None),  # lowest allowed
    ({"MinimumPasswordLength": "128"}, {"MinimumPasswordLength": 128}, None),  # highest
    ({"MinimumPasswordLength": "128"}, {"MinimumPasswordLength": 127}, "minimum length 127 < 128"),
    ({"MinimumPasswordLength": " 14 "}, {"MinimumPasswordLength": 13}, "minimum length 13 < 14"),
    ({"MinimumPasswordLength": ""}, {"MinimumPasswordLength": 13}, "minimum length 13 < 14"),
    # PasswordReusePrevention: at, one below, lowest allowed parameter.
    ({}, {"PasswordReusePrevention": 24}, None),
    ({}, {"PasswordReusePrevention": 23}, "reuse prevention 23 < 24"),
    ({"PasswordReusePrevention": "5"}, {"PasswordReusePrevention": 5}, None),
    ({"PasswordReusePrevention": "5"}, {"PasswordReusePrevention": 4}, "reuse prevention 4 < 5"),
    ({"PasswordReusePrevention": "1"}, {"PasswordReusePrevention": 1}, None),
    ({"PasswordReusePrevention": "1"}, {"PasswordReusePrevention": None}, "reuse prevention off"),
    # RequireCharacterClasses: off ignores the classes, on (any case) requires them.
    ({"RequireCharacterClasses": "false"}, dict.fromkeys(CLASSES, False), None),
    ({"RequireCharacterClasses": "TRUE"}, {"RequireSymbols": False}, "symbols not required"),
]


@pytest.mark.parametrize(("parameters", "policy", "shortfall"), BOUNDARIES)
def test_parameter_boundaries(aws, parameters: dict, policy: dict, shortfall: str | None) -> None:
    set_policy(**policy)
    evaluations = run_periodic(CHECK, aws, parameters=parameters)
    if shortfall is None:
        assert [e["ComplianceType"] for e in evaluations] == ["COMPLIANT"]
    else:
        assert [e["ComplianceType"] for e in evaluations] == ["NON_COMPLIANT"]
        assert annotation(evaluations) == f"The account password policy is too weak: {shortfall}."


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MinimumPasswordLength", "5"),  # one below what IAM accepts
        ("MinimumPasswordLength", "129"),  # one above
        ("MinimumPasswordLength", "14.5"),
        ("MinimumPasswordLength", "fourteen"),
        ("PasswordReusePrevention", "0"),
        ("PasswordReusePrevention", "25"),
        ("RequireCharacterClasses", "yes"),
        ("MaxPasswordAge", "90"),  # not a parameter of this check
    ],
)
def test_invalid_parameter_is_refused_naming_it(aws, name: str, value: str) -> None:
    with pytest.raises(InvalidParameterError, match=name):
        run_periodic(CHECK, aws, parameters={name: value})
    assert aws.actions == []  # refused before any call


def test_policy_without_a_minimum_length_is_non_compliant(aws) -> None:
    stubber = Stubber(aws.build_client("iam"))
    policy = {
        "PasswordReusePrevention": 24,
        **dict.fromkeys(CLASSES, True),
        "AllowUsersToChangePassword": True,
        "ExpirePasswords": False,
    }
    stubber.add_response("get_account_password_policy", {"PasswordPolicy": policy}, {})
    stubber.activate()
    assert annotation(run_periodic(CHECK, aws)) == (
        "The account password policy is too weak: minimum length not set."
    )
    stubber.assert_no_pending_responses()


def test_access_denied_propagates_so_the_invocation_fails(aws) -> None:
    stubber = Stubber(aws.build_client("iam"))
    stubber.add_client_error(
        "get_account_password_policy", service_error_code="AccessDenied", http_status_code=403
    )
    stubber.activate()
    with pytest.raises(ClientError) as raised:
        run_periodic(CHECK, aws)
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
