"""IAM.9: the root user has MFA turned on.

moto always reports AccountMFAEnabled 0 and has no AccountPasswordPresent key, so moto gives
the NON_COMPLIANT case; every other situation is stubbed on the check's own IAM client with
botocore's Stubber, which validates the response against the real API model.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from scanmonster.runtime.errors import InvalidParameterError
from tests.support import (
    ACCOUNT_ID,
    NOTIFICATION_TIME,
    annotation,
    run_periodic,
    stub_account_summary,
)

CHECK = "iam_root_mfa_enabled"


def test_root_user_without_mfa_in_moto_is_non_compliant(aws) -> None:
    evaluations = run_periodic(CHECK, aws)
    assert evaluations == [
        {
            "ComplianceResourceType": "AWS::::Account",
            "ComplianceResourceId": ACCOUNT_ID,
            "ComplianceType": "NON_COMPLIANT",
            "OrderingTimestamp": NOTIFICATION_TIME,
            "Annotation": "The root user of this account has no MFA: anyone who learns its "
            "password can sign in with full control of the account.",
        }
    ]
    assert aws.actions == ["iam:GetAccountSummary"]


@pytest.mark.parametrize(
    ("mfa", "password", "keys", "expected"),
    [
        (1, 1, 0, "COMPLIANT"),
        (1, 1, 1, "COMPLIANT"),  # root access keys are iam_root_access_key_absent's business
        (1, 0, 0, "COMPLIANT"),  # MFA still registered: nothing to fix
        (0, 1, 0, "NON_COMPLIANT"),
        (0, 1, 1, "NON_COMPLIANT"),
        (0, 0, 0, "NOT_APPLICABLE"),  # credentials removed by centralized root access
        (0, 0, 1, "NOT_APPLICABLE"),  # no console sign-in; the key is the other check's
    ],
)
def test_verdict_for_each_root_user_situation(
    aws, mfa: int, password: int, keys: int, expected: str
) -> None:
    stubber = stub_account_summary(
        aws, AccountMFAEnabled=mfa, AccountPasswordPresent=password, AccountAccessKeysPresent=keys
    )
    evaluations = run_periodic(CHECK, aws)
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in evaluations] == [
        (ACCOUNT_ID, expected)
    ]
    stubber.assert_no_pending_responses()


def test_compliant_annotation_says_mfa_is_on(aws) -> None:
    stub_account_summary(aws, AccountMFAEnabled=1, AccountPasswordPresent=1)
    assert annotation(run_periodic(CHECK, aws)) == (
        "The root user of this account has MFA turned on."
    )


def test_root_user_without_password_explains_why_mfa_does_not_apply(aws) -> None:
    stub_account_summary(aws, AccountMFAEnabled=0, AccountPasswordPresent=0)
    text = annotation(run_periodic(CHECK, aws))
    assert "no password" in text
    assert "centralized root access" in text


def test_missing_mfa_value_is_non_compliant_not_a_crash(aws) -> None:
    stub_account_summary(aws, AccountMFAEnabled=None, AccountPasswordPresent=1)
    evaluations = run_periodic(CHECK, aws)
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert "did not report" in annotation(evaluations)


def test_missing_password_value_does_not_hide_a_missing_mfa(aws) -> None:
    stub_account_summary(aws, AccountMFAEnabled=0, AccountPasswordPresent=None)
    assert run_periodic(CHECK, aws)[0]["ComplianceType"] == "NON_COMPLIANT"


def test_access_denied_propagates_so_the_invocation_fails(aws) -> None:
    stubber = Stubber(aws.build_client("iam"))
    stubber.add_client_error(
        "get_account_summary", service_error_code="AccessDenied", http_status_code=403
    )
    stubber.activate()
    with pytest.raises(ClientError) as raised:
        run_periodic(CHECK, aws)
    assert raised.value.response["Error"]["Code"] == "AccessDenied"


def test_unknown_parameter_is_refused_before_any_call(aws) -> None:
    with pytest.raises(InvalidParameterError, match="MinimumPasswordLength"):
        run_periodic(CHECK, aws, parameters={"MinimumPasswordLength": "14"})
    assert aws.actions == []
