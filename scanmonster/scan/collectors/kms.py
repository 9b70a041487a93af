"""AWS::KMS::Key: one item per KMS key of the region, AWS managed keys included (Config
records them; the rotation check skips them itself).

configuration is DescribeKey's KeyMetadata with Config's names (awsaccountId, keySpec and
the older customerMasterKeySpec) and creationDate in epoch milliseconds, as recorded.
supplementaryConfiguration: Policy (the key policy, JSON text) and KeyRotationStatus.
AWS Config records no resourceName for keys, so the item has none.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from scanmonster.scan.collectors.base import (
    NOT_APPLICABLE_ZONE,
    Context,
    Item,
    collector,
    configuration_item,
    epoch_millis,
    error_code,
    tag_dict,
    timestamp,
)

RESOURCE_TYPE = "AWS::KMS::Key"
PERMISSIONS = frozenset(
    {
        "kms:ListKeys",
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
    }
)
# GetKeyRotationStatus cannot answer for these keys (asymmetric, HMAC, imported material,
# custom key stores; pending deletion or import): the item then carries no
# KeyRotationStatus rather than a guess.
NO_ROTATION_STATUS = ("UnsupportedOperationException", "KMSInvalidStateException")


@collector(RESOURCE_TYPE, permissions=PERMISSIONS)
def collect_keys(context: Context) -> list[Item]:
    kms = context.client("kms")
    items = []
    for page in kms.get_paginator("list_keys").paginate():
        for key in page.get("Keys", []):
            try:
                items.append(_key_item(context, kms, key["KeyId"]))
            except ClientError as error:
                if error_code(error) != "NotFoundException":  # deleted while we read it
                    raise
    return items


def _key_item(context: Context, kms: Any, key_id: str) -> Item:
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    configuration = {
        "keyId": metadata["KeyId"],
        "arn": metadata.get("Arn"),
        "creationDate": epoch_millis(metadata["CreationDate"]),
        "enabled": metadata.get("Enabled"),
        "description": metadata.get("Description", ""),
        "keyUsage": metadata.get("KeyUsage"),
        "keyState": metadata.get("KeyState"),
        "origin": metadata.get("Origin"),
        "keyManager": metadata.get("KeyManager"),
        "customerMasterKeySpec": metadata.get("CustomerMasterKeySpec"),
        "keySpec": metadata.get("KeySpec"),
        "encryptionAlgorithms": metadata.get("EncryptionAlgorithms", []),
        "signingAlgorithms": metadata.get("SigningAlgorithms", []),
        "multiRegion": metadata.get("MultiRegion", False),
        "awsaccountId": metadata.get("AWSAccountId", context.account_id),
    }
    supplementary: dict[str, Any] = {
        "Policy": kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    }
    try:
        supplementary["KeyRotationStatus"] = kms.get_key_rotation_status(KeyId=key_id)[
            "KeyRotationEnabled"
        ]
    except ClientError as error:
        if error_code(error) not in NO_ROTATION_STATUS:
            raise
    tags = [
        tag
        for page in kms.get_paginator("list_resource_tags").paginate(KeyId=key_id)
        for tag in page.get("Tags", [])
    ]
    return configuration_item(
        context,
        resource_type=RESOURCE_TYPE,
        resource_id=metadata["KeyId"],
        resource_name=None,
        has_name=False,
        arn=metadata.get("Arn")
        or f"arn:{context.partition}:kms:{context.region}:{context.account_id}:key/{key_id}",
        availability_zone=NOT_APPLICABLE_ZONE,
        resource_creation_time=timestamp(metadata["CreationDate"]),
        configuration=configuration,
        supplementary=supplementary,
        tags=tag_dict(tags, key="TagKey", value="TagValue"),
    )
