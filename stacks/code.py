"""The organization's code bucket in one region: where member accounts' rule functions load
their code from.

Lambda reads function code from a bucket in the function's own region, with the
permissions of whoever creates the function (the StackSet execution role in each member
account). So each deployment region has one bucket in the StackSet administrator account,
readable by principals of the organization only (aws:PrincipalOrgID), filled by
`cdk deploy` itself. The member template then depends on nothing in the member account
(no CDK bootstrap there) and nothing is copied by hand. See docs/design.md.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct

from stacks.buckets import access_log_bucket, private_bucket
from stacks.config import DeploymentConfig

CODE_PREFIX = "code/"


class CodeBucketStack(cdk.Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeploymentConfig,
        bundle_dir: Path,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        access_logs = access_log_bucket(self, "AccessLogs")
        self.bucket = private_bucket(
            self,
            "Code",
            bucket_name=config.code_bucket_name(self.region),
            versioned=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="code/",
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="OrganizationReadsRuleCode",
                principals=[iam.AnyPrincipal()],
                actions=["s3:GetObject", "s3:GetObjectVersion"],
                resources=[self.bucket.arn_for_objects(f"{CODE_PREFIX}*")],
                conditions={"StringEquals": {"aws:PrincipalOrgID": config.organization_id}},
            )
        )
        bundle = s3_assets.Asset(self, "RuleBundle", path=str(bundle_dir))
        # The zip keeps the name CDK gives the asset (its content hash) when it is copied,
        # so every region's bucket holds the same key, known at synth time.
        self.code_key = f"{CODE_PREFIX}{PurePosixPath(bundle.s3_object_key).name}"
        s3_deployment.BucketDeployment(
            self,
            "Bundle",
            sources=[s3_deployment.Source.bucket(bundle.bucket, bundle.s3_object_key)],
            destination_bucket=self.bucket,
            destination_key_prefix=CODE_PREFIX,
            extract=False,  # keep the zip: it is the Lambda code package
            prune=False,  # functions in member accounts may still point at earlier versions
            retain_on_delete=True,
            memory_limit=256,
            log_group=logs.LogGroup(
                self,
                "BundleCopyLogs",
                retention=logs.RetentionDays.ONE_YEAR,
                removal_policy=cdk.RemovalPolicy.RETAIN,
            ),
        )
        harden_bucket_deployment_handler(self, self.bucket, what="the rule bundle")


def harden_bucket_deployment_handler(
    stack: cdk.Stack, destination: s3.IBucket, *, what: str, invalidates_cache: bool = False
) -> None:
    """CDK's BucketDeployment copies `what` into `destination` during `cdk deploy`, with a
    singleton handler of CDK's own. Its trust policy is scoped to this account here, and
    the cdk-nag findings on it are acknowledged on that handler alone, one by one."""
    handler = next(
        c for c in stack.node.children if c.node.id.startswith("Custom::CDKBucketDeployment")
    )
    trust = handler.node.find_child("ServiceRole").node.default_child
    trust.add_property_override(
        "AssumeRolePolicyDocument.Statement.0.Condition",
        {"StringEquals": {"aws:SourceAccount": stack.account}},
    )
    assets = f"arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-{stack.account}-{stack.region}/*"
    target = f"<{stack.get_logical_id(destination.node.default_child)}.Arn>/*"
    copy = (
        f"CDK's BucketDeployment copies {what} from the CDK asset bucket into its bucket; CDK "
        "generates this grant, limited to those two buckets."
    )
    acknowledgments = {
        "AwsSolutions-L1": "CDK pins the runtime of its BucketDeployment handler; it runs "
        "only during cdk deploy, never on member-account events.",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AWSLambdaBasicExecutionRole]": "CDK's BucketDeployment handler writes its logs "
        "with this AWS managed policy (logs only).",
        f"AwsSolutions-IAM5[Resource::{assets}]": copy,
        f"AwsSolutions-IAM5[Resource::{target}]": copy,
        **{
            f"AwsSolutions-IAM5[Action::s3:{action}*]": copy
            for action in ("List", "GetObject", "GetBucket", "DeleteObject", "Abort")
        },
    }
    if invalidates_cache:
        acknowledgments["AwsSolutions-IAM5[Resource::*]"] = (
            "CDK's BucketDeployment invalidates the CloudFront cache after the copy "
            "(cloudfront:CreateInvalidation/GetInvalidation); CDK grants it on every resource."
        )
    cdk.Validations.of(handler).acknowledge(
        *(cdk.Acknowledgment(id=rule, reason=reason) for rule, reason in acknowledgments.items())
    )
