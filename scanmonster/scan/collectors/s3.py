"""AWS::S3::Bucket: one item per bucket of the region, as AWS Config records buckets.

configuration is {name, owner, creationDate}; everything the checks read lives in
supplementaryConfiguration: PublicAccessBlockConfiguration (absent when the bucket has
none, like in Config), BucketPolicy {policyText: JSON text or null}. AccessControlList is
JSON text in events, as AWS Config sends it.

Not built (no check reads them, each would cost a call per bucket): the lifecycle,
replication, website and object-lock sections Config adds when a bucket has them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from scanmonster.scan.collectors.base import (
    Context,
    Item,
    collector,
    configuration_item,
    error_code,
    lower_first,
    tag_dict,
    timestamp,
)

RESOURCE_TYPE = "AWS::S3::Bucket"
# IAM actions; the API operation is named where its name differs.
PERMISSIONS = frozenset(
    {
        "s3:ListAllMyBuckets",  # ListBuckets
        "s3:GetBucketAcl",
        "s3:GetAccelerateConfiguration",  # GetBucketAccelerateConfiguration
        "s3:GetBucketLogging",
        "s3:GetBucketNotification",  # GetBucketNotificationConfiguration
        "s3:GetBucketPolicy",
        "s3:GetBucketVersioning",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketPublicAccessBlock",  # GetPublicAccessBlock
        "s3:GetBucketTagging",
        "s3:GetEncryptionConfiguration",  # GetBucketEncryption
    }
)

# Canned group grantees are recorded by name, a bare string (see the recorded fixtures).
GROUP_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
    "http://acs.amazonaws.com/groups/s3/LogDelivery": "LogDelivery",
}
ACL_PERMISSIONS = {
    "FULL_CONTROL": "FullControl",
    "READ": "Read",
    "WRITE": "Write",
    "READ_ACP": "ReadAcp",
    "WRITE_ACP": "WriteAcp",
}
NOTIFICATION_KINDS = (  # API list, API ARN key, Config type, Config ARN key
    ("TopicConfigurations", "TopicArn", "TopicConfiguration", "topicARN"),
    ("QueueConfigurations", "QueueArn", "QueueConfiguration", "queueARN"),
    ("LambdaFunctionConfigurations", "LambdaFunctionArn", "LambdaConfiguration", "functionARN"),
)
PUBLIC_ACCESS_BLOCK = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)


class _BucketGoneError(Exception):
    """The bucket was deleted while we read it."""


@collector(RESOURCE_TYPE, permissions=PERMISSIONS)
def collect_buckets(context: Context) -> list[Item]:
    s3 = context.client("s3")
    # BucketRegion filters on the server: ListBuckets otherwise lists every region's
    # buckets. A filtered request is paginated (10,000 a page by default).
    pages = s3.get_paginator("list_buckets").paginate(BucketRegion=context.region)
    items = []
    for page in pages:
        for bucket in page.get("Buckets", []):
            if bucket.get("BucketRegion", context.region) != context.region:
                continue
            try:
                items.append(_bucket_item(context, s3, bucket))
            except _BucketGoneError:
                continue
    return items


def _bucket_item(context: Context, s3: Any, bucket: dict[str, Any]) -> Item:
    name = bucket["Name"]
    acl = _read(s3.get_bucket_acl, name)
    owner = {
        "displayName": acl.get("Owner", {}).get("DisplayName"),
        "id": acl.get("Owner", {}).get("ID"),
    }
    tags = tag_dict((_read(s3.get_bucket_tagging, name, "NoSuchTagSet") or {}).get("TagSet"))
    supplementary: dict[str, Any] = {
        "AccessControlList": json.dumps(_access_control_list(acl, owner), separators=(",", ":")),
        "BucketAccelerateConfiguration": {"status": _accelerate_status(s3, name)},
        "BucketLoggingConfiguration": _logging(_read(s3.get_bucket_logging, name)),
        "BucketNotificationConfiguration": _notifications(
            _read(s3.get_bucket_notification_configuration, name)
        ),
        "BucketPolicy": {
            "policyText": (_read(s3.get_bucket_policy, name, "NoSuchBucketPolicy") or {}).get(
                "Policy"
            )
        },
        "BucketVersioningConfiguration": _versioning(_read(s3.get_bucket_versioning, name)),
        "IsRequesterPaysEnabled": _read(s3.get_bucket_request_payment, name).get("Payer")
        == "Requester",
    }
    block = _read(s3.get_public_access_block, name, "NoSuchPublicAccessBlockConfiguration")
    if block is not None:
        settings = block.get("PublicAccessBlockConfiguration", {})
        supplementary["PublicAccessBlockConfiguration"] = {
            lower_first(key): settings.get(key) is True for key in PUBLIC_ACCESS_BLOCK
        }
    if tags:
        supplementary["BucketTaggingConfiguration"] = {"tagSets": [{"tags": tags}]}
    encryption = _read(
        s3.get_bucket_encryption, name, "ServerSideEncryptionConfigurationNotFoundError"
    )
    if encryption is not None:
        supplementary["ServerSideEncryptionConfiguration"] = _encryption(encryption)

    created = timestamp(bucket.get("CreationDate"))
    return configuration_item(
        context,
        resource_type=RESOURCE_TYPE,
        resource_id=name,
        resource_name=name,
        arn=f"arn:{context.partition}:s3:::{name}",
        availability_zone="Regional",
        resource_creation_time=created,
        configuration={"name": name, "owner": owner, "creationDate": created},
        supplementary=dict(sorted(supplementary.items())),
        tags=tags,
    )


def _read(call: Callable[..., dict[str, Any]], name: str, *absent: str) -> dict[str, Any] | None:
    """The call's response; None when its error code says "not configured"."""
    try:
        response = call(Bucket=name)
    except ClientError as error:
        if error_code(error) == "NoSuchBucket":
            raise _BucketGoneError(name) from error
        if error_code(error) in absent:
            return None
        raise
    response.pop("ResponseMetadata", None)
    return response


def _access_control_list(acl: dict[str, Any], owner: dict[str, Any]) -> dict[str, Any]:
    """The ACL as Config records it (the AWS SDK for Java's AccessControlList)."""
    grants = []
    for grant in acl.get("Grants", []):
        grantee = grant.get("Grantee", {})
        if grantee.get("Type") == "Group":
            recorded: Any = GROUP_GRANTEES.get(grantee.get("URI", ""), grantee.get("URI"))
        else:
            recorded = {
                "id": grantee.get("ID") or grantee.get("EmailAddress"),
                "displayName": grantee.get("DisplayName"),
            }
        permission = grant.get("Permission", "")
        grants.append(
            {"grantee": recorded, "permission": ACL_PERMISSIONS.get(permission, permission)}
        )
    return {"grantSet": None, "grantList": grants, "owner": owner, "isRequesterCharged": False}


def _accelerate_status(s3: Any, name: str) -> str | None:
    # Regions without Transfer Acceleration answer with an error rather than no status.
    response = _read(
        s3.get_bucket_accelerate_configuration,
        name,
        "UnsupportedArgument",
        "MethodNotAllowed",
        "NotImplemented",
    )
    return (response or {}).get("Status")


def _logging(response: dict[str, Any]) -> dict[str, Any]:
    enabled = response.get("LoggingEnabled") or {}
    return {
        "destinationBucketName": enabled.get("TargetBucket"),
        "logFilePrefix": enabled.get("TargetPrefix"),
    }


def _notifications(response: dict[str, Any]) -> dict[str, Any]:
    configurations: dict[str, Any] = {}
    for api_list, api_arn, kind, arn_key in NOTIFICATION_KINDS:
        for entry in response.get(api_list, []):
            rules = entry.get("Filter", {}).get("Key", {}).get("FilterRules", [])
            configurations[entry.get("Id", "")] = {
                "type": kind,
                arn_key: entry.get(api_arn),
                "events": entry.get("Events", []),
                "objectPrefixes": [],
                "filter": {
                    "s3KeyFilter": {
                        "filterRules": [{"name": r["Name"], "value": r["Value"]} for r in rules]
                    }
                }
                if rules
                else None,
            }
    return {"configurations": configurations}


def _versioning(response: dict[str, Any]) -> dict[str, Any]:
    mfa_delete = response.get("MFADelete")
    return {
        # A bucket that never had versioning reports no status; Config says "Off".
        "status": response.get("Status", "Off"),
        "isMfaDeleteEnabled": None if mfa_delete is None else mfa_delete == "Enabled",
    }


def _encryption(response: dict[str, Any]) -> dict[str, Any]:
    rules = response.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    return {
        "rules": [
            {
                "applyServerSideEncryptionByDefault": {
                    "sseAlgorithm": rule.get("ApplyServerSideEncryptionByDefault", {}).get(
                        "SSEAlgorithm"
                    ),
                    "kmsMasterKeyID": rule.get("ApplyServerSideEncryptionByDefault", {}).get(
                        "KMSMasterKeyID"
                    ),
                }
            }
            for rule in rules
        ]
    }
