"""Customer managed KMS keys have automatic rotation on (FSBP KMS.4, CIS v1.4.0 3.8, v3.0.0 3.6).

Given a customer managed symmetric key with KeyRotationStatus true (or "true") -> COMPLIANT
Given one with KeyRotationStatus false (or "false")                           -> NON_COMPLIANT
Given one whose item has no KeyRotationStatus (older recordings): ask
      kms:GetKeyRotationStatus                                                -> judged on it;
      NOT_APPLICABLE when the key is gone (NotFoundException), cannot rotate
      (UnsupportedOperationException) or is pending deletion or unusable
      (KMSInvalidStateException); NON_COMPLIANT when the item names no key to ask about
Given a key that cannot rotate automatically or need not         -> NOT_APPLICABLE:
      - an AWS managed key (keyManager AWS: AWS rotates it every year itself)
      - an asymmetric or HMAC key (keySpec / customerMasterKeySpec not SYMMETRIC_DEFAULT)
      - imported key material (origin EXTERNAL)
      - a key in a custom key store (origin AWS_CLOUDHSM or EXTERNAL_KEY_STORE)
      - a key pending deletion (keyState PendingDeletion or PendingReplicaDeletion)
Given a deleted key                                              -> NOT_APPLICABLE (runtime)
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from scanmonster.runtime.config_item import as_bool
from scanmonster.runtime.rule import (
    CheckRule,
    Evaluation,
    compliant,
    non_compliant,
    not_applicable,
)

PENDING_DELETION = ("PendingDeletion", "PendingReplicaDeletion")
# Only key material KMS generates and holds itself can be rotated automatically.
NO_ROTATION_ORIGINS = {
    "EXTERNAL": "has imported key material",
    "AWS_CLOUDHSM": "is in a CloudHSM custom key store",
    "EXTERNAL_KEY_STORE": "is in an external key store",
}
# GetKeyRotationStatus errors that carry a verdict; any other error fails the invocation.
NOT_APPLICABLE_ERRORS = {
    "NotFoundException": "no longer exists",
    "UnsupportedOperationException": "does not support automatic rotation",
    "KMSInvalidStateException": "is pending deletion, pending import or unavailable",
}


class Rule(CheckRule):
    def evaluate_change(
        self,
        event: dict[str, Any],
        client_factory: Any,
        configuration_item: dict[str, Any],
        valid_rule_parameters: dict[str, Any],
    ) -> list[Evaluation]:
        configuration = configuration_item.get("configuration") or {}
        key_id = configuration.get("keyId") or configuration_item.get("resourceId")
        reason = not_applicable_reason(configuration)
        if reason:
            return [not_applicable(f"KMS key {key_id} {reason}.")]

        rotating = as_bool(
            configuration_item["supplementaryConfiguration"].get("KeyRotationStatus")
        )
        if rotating is None and not key_id:
            return [
                non_compliant(
                    "A KMS key has no recorded rotation status and no key id to look it up; "
                    "check its rotation in the KMS console."
                )
            ]
        if rotating is None:
            # Older items do not carry the status: ask KMS rather than guess.
            # The key lives in the item's region: a key id means nothing in another one.
            kms = client_factory.build_client("kms", configuration_item.get("awsRegion"))
            try:
                rotating = (
                    kms.get_key_rotation_status(KeyId=key_id).get("KeyRotationEnabled") is True
                )
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code")
                if code not in NOT_APPLICABLE_ERRORS:
                    raise
                return [not_applicable(f"KMS key {key_id} {NOT_APPLICABLE_ERRORS[code]}.")]
        if rotating:
            return [compliant(f"KMS key {key_id} rotates its key material automatically.")]
        return [
            non_compliant(
                f"KMS key {key_id} is customer managed and does not rotate its key material "
                "automatically: turn on automatic key rotation."
            )
        ]


def not_applicable_reason(configuration: dict[str, Any]) -> str | None:
    """Why automatic rotation does not apply to this key, or None when it does."""
    if configuration.get("keyManager") == "AWS":
        return "is an AWS managed key, which AWS rotates itself"
    # Select rows carry only the older customerMasterKeySpec name of the same field.
    spec = configuration.get("keySpec") or configuration.get("customerMasterKeySpec")
    if spec and spec != "SYMMETRIC_DEFAULT":
        return f"is a {spec} key, which cannot rotate automatically"
    if configuration.get("origin") in NO_ROTATION_ORIGINS:
        return f"{NO_ROTATION_ORIGINS[configuration['origin']]}, so it cannot rotate automatically"
    if configuration.get("keyState") in PENDING_DELETION:
        return "is pending deletion"
    return None
