"""KMS.4: customer managed symmetric KMS keys rotate their key material automatically.

The status comes from the configuration item. When an item lacks it, the check asks
GetKeyRotationStatus (moto, or botocore's Stubber for the errors moto does not raise).
moto's Config keeps no history for KMS keys: the oversized path is stubbed on the check's
own Config client, with an item in the API dialect (configuration as a JSON string).
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

CHECK = "kms_key_rotation_enabled"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"

# Every real recorded KMS key item and the verdict it deserves.
RECORDED_VERDICTS = {
    "AWS-KMS-Key__c7n-select-customer-rotation-false.json": "NON_COMPLIANT",
    # AWS managed (aws/lambda): AWS rotates it; the item has no KeyRotationStatus at all.
    "AWS-KMS-Key__rdk-aws-managed-lambda-key.json": "NOT_APPLICABLE",
    "AWS-KMS-Key__var-api-customer-asymmetric-sign.json": "NOT_APPLICABLE",  # RSA_2048
    "AWS-KMS-Key__var-api-customer-imported-material.json": "NOT_APPLICABLE",  # origin EXTERNAL
    "AWS-KMS-Key__var-api-customer-rotation-string-false.json": "NON_COMPLIANT",  # "false"
    "AWS-KMS-Key__var-api-customer-rotation-string-true.json": "COMPLIANT",
    "AWS-KMS-Key__var-aws-managed-rotation-false.json": "NOT_APPLICABLE",  # AWS managed
    "AWS-KMS-Key__var-resource-deleted.json": "NOT_APPLICABLE",
    "AWS-KMS-Key__var-select-customer-rotation-true.json": "COMPLIANT",
}


def key(rotation: object = True, **configuration: object) -> dict:
    """The example customer managed key; `rotation` "missing" drops KeyRotationStatus and
    `configuration` values are applied (None removes a key)."""
    item = load_item("AWS::KMS::Key", "customer-symmetric-rotating")
    if rotation == "missing":
        del item["supplementaryConfiguration"]["KeyRotationStatus"]
    else:
        item["supplementaryConfiguration"]["KeyRotationStatus"] = rotation
    for name, value in configuration.items():
        if value is None:
            item["configuration"].pop(name, None)
        else:
            item["configuration"][name] = value
    return item


def moto_key(item: dict, *, rotate: bool, region: str = "us-east-1") -> dict:
    """Create a key in moto and point `item` at it."""
    kms = boto3.client("kms", region_name=region)
    key_id = kms.create_key(Description="scanmonster example key")["KeyMetadata"]["KeyId"]
    if rotate:
        kms.enable_key_rotation(KeyId=key_id)
    item["resourceId"] = item["configuration"]["keyId"] = key_id
    item["awsRegion"] = region
    return item


def test_rotating_customer_key_is_compliant() -> None:
    evaluations = run_change(CHECK, key())
    assert [e["ComplianceType"] for e in evaluations] == ["COMPLIANT"]
    assert evaluations[0]["ComplianceResourceId"] == KEY_ID
    assert evaluations[0]["ComplianceResourceType"] == "AWS::KMS::Key"
    assert evaluations[0]["OrderingTimestamp"] == "2026-11-20T08:15:42.120Z"
    assert KEY_ID in annotation(evaluations)


@pytest.mark.parametrize("rotation", [False, "false", "False"])
def test_customer_key_without_rotation_is_non_compliant(rotation: object) -> None:
    evaluations = run_change(CHECK, key(rotation))
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert f"KMS key {KEY_ID} is customer managed" in annotation(evaluations)
    assert "turn on automatic key rotation" in annotation(evaluations)


def test_rotation_status_as_text_from_the_history_api_is_read() -> None:
    assert verdict(CHECK, key("true")) == "COMPLIANT"


def test_disabled_customer_key_is_still_judged() -> None:
    # Rotation does not apply only to keys that cannot rotate; a disabled key can be
    # enabled again, and then it should rotate.
    assert verdict(CHECK, key(False, keyState="Disabled", enabled=False)) == "NON_COMPLIANT"


@pytest.mark.parametrize(
    ("configuration", "reason"),
    [
        ({"keyManager": "AWS"}, "AWS managed key"),
        ({"keySpec": "RSA_2048", "customerMasterKeySpec": "RSA_2048"}, "RSA_2048 key"),
        ({"keySpec": "ECC_NIST_P256", "customerMasterKeySpec": None}, "ECC_NIST_P256 key"),
        ({"keySpec": "HMAC_256", "keyUsage": "GENERATE_VERIFY_MAC"}, "HMAC_256 key"),
        # Select rows carry only the older name of the field.
        ({"keySpec": None, "customerMasterKeySpec": "RSA_4096"}, "RSA_4096 key"),
        ({"origin": "EXTERNAL"}, "imported key material"),
        ({"origin": "AWS_CLOUDHSM"}, "CloudHSM custom key store"),
        ({"origin": "EXTERNAL_KEY_STORE"}, "external key store"),
        ({"keyState": "PendingDeletion"}, "pending deletion"),
        ({"keyState": "PendingReplicaDeletion"}, "pending deletion"),
    ],
)
def test_keys_that_cannot_or_need_not_rotate_are_not_applicable(
    configuration: dict, reason: str
) -> None:
    evaluations = run_change(CHECK, key(False, **configuration))
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"
    assert reason in annotation(evaluations)


def test_key_without_spec_fields_is_treated_as_symmetric() -> None:
    # Recordings from before asymmetric keys existed carry neither field.
    item = key(False, keySpec=None, customerMasterKeySpec=None)
    assert verdict(CHECK, item) == "NON_COMPLIANT"


@pytest.mark.parametrize("created", [1621024924302, 1621024924302.0, "2021-05-14T20:42:04.302Z"])
def test_creation_dates_in_epoch_milliseconds_are_fine(created: object) -> None:
    item = key(False, creationDate=created)
    item["resourceCreationTime"] = created
    assert verdict(CHECK, item) == "NON_COMPLIANT"


@pytest.mark.parametrize(("rotate", "expected"), [(True, "COMPLIANT"), (False, "NON_COMPLIANT")])
@pytest.mark.parametrize("status", ["missing", None, "", "unknown"])
def test_missing_status_is_read_from_kms(aws, rotate: bool, expected: str, status: object) -> None:
    item = moto_key(key(status), rotate=rotate)
    assert verdict(CHECK, item, client_factory=aws) == expected
    assert aws.actions == ["kms:GetKeyRotationStatus"]


def test_missing_status_is_read_in_the_key_region(aws) -> None:
    item = moto_key(key("missing"), rotate=True, region="eu-west-1")
    assert verdict(CHECK, item, client_factory=aws) == "COMPLIANT"
    assert aws.actions == ["kms:GetKeyRotationStatus"]


def test_recorded_status_is_used_without_calling_aws(aws) -> None:
    assert verdict(CHECK, key(True), client_factory=aws) == "COMPLIANT"
    assert verdict(CHECK, key(False), client_factory=aws) == "NON_COMPLIANT"
    assert verdict(CHECK, key("missing", keyManager="AWS"), client_factory=aws) == (
        "NOT_APPLICABLE"
    )
    assert aws.actions == []


def test_select_row_without_status_or_key_id_is_non_compliant_without_a_call(aws) -> None:
    row = {"configuration": {"keyManager": "CUSTOMER"}, "supplementaryConfiguration": {}}
    assert verdict(CHECK, row, client_factory=aws) == "NON_COMPLIANT"
    assert aws.actions == []


def test_missing_status_of_a_key_that_no_longer_exists_is_not_applicable(aws) -> None:
    evaluations = run_change(CHECK, key("missing"), client_factory=aws)  # not in moto
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"
    assert annotation(evaluations) == f"KMS key {KEY_ID} no longer exists."
    assert aws.actions == ["kms:GetKeyRotationStatus"]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("UnsupportedOperationException", "does not support automatic rotation"),
        ("KMSInvalidStateException", "pending deletion, pending import or unavailable"),
    ],
)
def test_kms_errors_that_carry_a_verdict_are_not_applicable(aws, code: str, reason: str) -> None:
    stubber = Stubber(aws.build_client("kms"))
    stubber.add_client_error("get_key_rotation_status", code, expected_params={"KeyId": KEY_ID})
    with stubber:
        evaluations = run_change(CHECK, key("missing"), client_factory=aws)
    stubber.assert_no_pending_responses()
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"
    assert reason in annotation(evaluations)


@pytest.mark.parametrize("code", ["AccessDeniedException", "DependencyTimeoutException"])
def test_other_kms_errors_fail_the_invocation(aws, code: str) -> None:
    stubber = Stubber(aws.build_client("kms"))
    stubber.add_client_error("get_key_rotation_status", code, http_status_code=400)
    with stubber, pytest.raises(ClientError, match=code):
        run_change(CHECK, key("missing"), client_factory=aws)


@pytest.mark.parametrize(
    "status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]
)
def test_deleted_or_unrecorded_key_is_not_applicable(status: str) -> None:
    item = key(False)
    item["configurationItemStatus"] = status
    item["configuration"] = None
    assert verdict(CHECK, item) == "NOT_APPLICABLE"


def test_key_that_left_the_rule_scope_is_not_applicable() -> None:
    evaluations = run_change(CHECK, key(False), left_scope=True)
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"


def test_several_keys_get_their_own_verdicts() -> None:
    items = [key(True), key(False), key(False, keyManager="AWS"), key("false")]
    for index, item in enumerate(items):
        item["resourceId"] = item["configuration"]["keyId"] = f"key-{index}"
    results = [run_change(CHECK, item)[0] for item in items]
    assert [(r["ComplianceResourceId"], r["ComplianceType"]) for r in results] == [
        ("key-0", "COMPLIANT"),
        ("key-1", "NON_COMPLIANT"),
        ("key-2", "NOT_APPLICABLE"),
        ("key-3", "NON_COMPLIANT"),
    ]


def test_the_check_takes_no_parameters() -> None:
    with pytest.raises(InvalidParameterError, match="RotationDays"):
        run_change(CHECK, key(), parameters={"RotationDays": "365"})


@pytest.mark.parametrize(("rotation", "expected"), [(True, "COMPLIANT"), (False, "NON_COMPLIANT")])
def test_oversized_item_is_fetched_from_config_history(aws, rotation: bool, expected: str) -> None:
    evaluations = run_oversized(CHECK, key(rotation), aws)
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in evaluations] == [
        (KEY_ID, expected)
    ]
