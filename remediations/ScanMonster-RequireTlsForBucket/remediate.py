"""ScanMonster-RequireTlsForBucket: add a Deny for requests without TLS to a bucket policy.

The aws:executeScript step of the document (SSM's python3.11 runtime: the standard library
and boto3 only, nothing of ScanMonster). s3_bucket_ssl_requests_only wants a statement that
denies every action, to everyone, on the bucket and all its objects, when
aws:SecureTransport is false. The script keeps every statement of the existing policy and
adds, or keeps, one statement with the Sid below; it writes the policy only when that
statement is missing or differs. The ARNs use the partition the script runs in (aws,
aws-cn, aws-us-gov), which is the bucket's: a bucket is reachable only in its partition.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

BOTO_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 10}, user_agent_extra="scanmonster-remediation"
)
SID = "ScanMonsterDenyInsecureTransport"
POLICY_VERSION = "2012-10-17"


class RemediationError(Exception):
    """The remediation cannot run; the message names the resource and the reason."""


def handler(events: dict[str, Any], context: Any) -> dict[str, Any]:
    bucket = str(events["BucketName"]).strip()
    s3 = boto3.client("s3", config=BOTO_CONFIG)
    wanted = deny_insecure_transport(s3.meta.partition, bucket)
    policy = read_policy(s3, bucket)
    if policy is None:
        policy, action = {"Version": POLICY_VERSION, "Statement": [wanted]}, "created"
    else:
        statements = policy.get("Statement")
        if isinstance(statements, dict):  # a single statement may be written without a list
            statements = [statements]
        if not isinstance(statements, list):
            raise RemediationError(
                f"The bucket policy of {bucket} has no readable Statement list; nothing was "
                "changed. Repair the policy, then run this document again."
            )
        ours = [s for s in statements if isinstance(s, dict) and s.get("Sid") == SID]
        if len(ours) == 1 and canonical(ours[0]) == canonical(wanted):
            return {
                "Changed": False,
                "PolicyAction": "unchanged",
                "Message": (
                    f"Nothing changed: the bucket policy of {bucket} already has statement "
                    f"{SID}, which denies every request that does not use TLS."
                ),
            }
        others = [s for s in statements if not (isinstance(s, dict) and s.get("Sid") == SID)]
        policy = {**policy, "Statement": [*others, wanted]}
        action = "replaced" if ours else "added"
    try:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    except ClientError as error:
        raise RemediationError(
            f"Could not write the bucket policy of {bucket}: {error}; nothing was changed."
        ) from error
    kept = len(policy["Statement"]) - 1
    return {
        "Changed": True,
        "PolicyAction": action,
        "Message": (
            f"Bucket {bucket} now denies every request that does not use TLS: statement {SID} "
            + {
                "created": "is its new bucket policy (it had none).",
                "added": f"was added; the policy's {kept} other statement(s) are unchanged.",
                "replaced": (
                    f"differed from ScanMonster's and was replaced; the policy's {kept} other "
                    "statement(s) are unchanged."
                ),
            }[action]
            + " Clients that use plain HTTP (http:// URLs, old SDKs or tools) now get "
            "AccessDenied."
        ),
    }


def deny_insecure_transport(partition: str, bucket: str) -> dict[str, Any]:
    arn = f"arn:{partition}:s3:::{bucket}"
    return {
        "Sid": SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def read_policy(s3: Any, bucket: str) -> dict[str, Any] | None:
    """The bucket policy as an object; None when the bucket has none."""
    try:
        text = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        if code == "NoSuchBucketPolicy":
            return None
        if code == "NoSuchBucket":
            raise RemediationError(
                f"Bucket {bucket} does not exist; nothing was changed."
            ) from error
        raise RemediationError(
            f"Could not read the bucket policy of {bucket}: {error}; nothing was changed."
        ) from error
    try:
        policy = json.loads(text)
    except ValueError as error:
        raise RemediationError(
            f"The bucket policy of {bucket} is not valid JSON; nothing was changed."
        ) from error
    if not isinstance(policy, dict):
        raise RemediationError(f"The bucket policy of {bucket} is not a JSON object.")
    return policy


def canonical(statement: dict[str, Any]) -> dict[str, Any]:
    """A statement in one spelling, so that equal meanings compare equal: S3 may return
    "*" as {"AWS": "*"}, one value as a list of one, false as "false"."""
    result: dict[str, Any] = {}
    for key, value in statement.items():
        if key == "Principal" and value in ("*", {"AWS": "*"}, {"AWS": ["*"]}):
            result[key] = "*"
        elif key == "Action":
            result[key] = sorted(str(a).lower() for a in as_list(value))
        elif key == "Resource":
            result[key] = sorted(str(r) for r in as_list(value))
        elif key == "Condition" and isinstance(value, dict):
            result[key] = {
                operator: {
                    str(k).lower(): sorted(str(v).lower() for v in as_list(values))
                    for k, values in tests.items()
                }
                if isinstance(tests, dict)
                else tests
                for operator, tests in value.items()
            }
        else:
            result[key] = value
    return result


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
