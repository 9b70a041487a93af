"""IAM.4: the root user has no access keys.

moto always reports AccountAccessKeysPresent 0, so moto gives the COMPLIANT case; every
other situation is stubbed on the check's own IAM client with botocore's Stubber, which
validates the response against the real API model.
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

CHECK = "iam_root_access_key_absent"


def test_root_user_without_keys_in_moto_is_compliant(aws) -> None:
    evaluations = run_periodic(CHECK, aws)
    assert evaluations == [
        {
            "ComplianceResourceType": "AWS::::Account",
            "ComplianceResourceId": ACCOUNT_ID,
            "ComplianceType": "COMPLIANT",
            "OrderingTimestamp": NOTIFICATION_TIME,
            "Annotation": "The root user of this account has no access keys.",
        }
    ]
    assert aws.actions == ["iam:GetAccountSummary"]


def test_root_user_with_an_access_key_is_non_compliant(aws) -> None:
    stubber = stub_account_summary(aws, AccountAccessKeysPresent=1)
    evaluations = run_periodic(CHECK, aws)
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in evaluations] == [
        (ACCOUNT_ID, "NON_COMPLIANT")
    ]
    assert "has an access key" in annotation(evaluations)
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("keys", "password", "mfa", "expected"),
    [
        (0, 1, 1, "COMPLIANT"),
        (0, 1, 0, "COMPLIANT"),  # missing MFA is iam_root_mfa_enabled's business
        # Root credentials removed (centralized root access): still a verdict, never
        # NOT_APPLICABLE, because keys work without a password.
        (0, 0, 0, "COMPLIANT"),
        (1, 1, 1, "NON_COMPLIANT"),  # MFA does not protect API calls made with a key
        (1, 0, 0, "NON_COMPLIANT"),  # a key without a password still works
    ],
)
def test_verdict_for_each_root_user_situation(
    aws, keys: int, password: int, mfa: int, expected: str
) -> None:
    stub_account_summary(
        aws, AccountAccessKeysPresent=keys, AccountPasswordPresent=password, AccountMFAEnabled=mfa
    )
    assert [e["ComplianceType"] for e in run_periodic(CHECK, aws)] == [expected]


def test_missing_key_count_is_non_compliant_not_a_crash(aws) -> None:
    stub_account_summary(aws, AccountAccessKeysPresent=None)
    evaluations = run_periodic(CHECK, aws)
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert "did not report" in annotation(evaluations)


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
    with pytest.raises(InvalidParameterError, match="ExcludeInactiveKeys"):
        run_periodic(CHECK, aws, parameters={"ExcludeInactiveKeys": "true"})
    assert aws.actions == []
