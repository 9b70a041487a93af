"""Every bucket ScanMonster creates: private, encrypted, TLS only, owner-enforced, kept on
teardown (it holds code or evidence). One place, so that no bucket is made another way."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from constructs import Construct

ACCESS_LOG_DAYS = 365


def private_bucket(scope: Construct, construct_id: str, **overrides: Any) -> s3.Bucket:
    settings: dict[str, Any] = {
        "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
        "encryption": s3.BucketEncryption.S3_MANAGED,
        "enforce_ssl": True,
        "object_ownership": s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        "removal_policy": cdk.RemovalPolicy.RETAIN,
        **overrides,
    }
    return s3.Bucket(scope, construct_id, **settings)


def access_log_bucket(scope: Construct, construct_id: str) -> s3.Bucket:
    """Server access logs of the other buckets, kept a year."""
    return private_bucket(
        scope,
        construct_id,
        lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(ACCESS_LOG_DAYS))],
    )
