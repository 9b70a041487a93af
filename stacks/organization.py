"""The StackSet that puts the member template into every account and region of the target
OUs, new accounts included (service-managed permissions, automatic deployment)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudformation as cloudformation
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from stacks.config import DeploymentConfig

# Up to a tenth of the accounts of a region may fail before CloudFormation stops, and up to
# a quarter are updated at once: fast enough for large organizations, and a broken
# template stops after a few accounts instead of spreading everywhere.
FAILURE_TOLERANCE_PERCENTAGE = 10
MAX_CONCURRENT_PERCENTAGE = 25


# IAM resource types whose explicit name (RoleName, ...) requires CAPABILITY_NAMED_IAM.
_NAMED_IAM = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
}


def required_capabilities(template: dict[str, Any]) -> list[str]:
    """What CloudFormation must be told the template does to IAM: a named IAM resource
    (the one-click starter role, which the security account trusts by name) needs
    CAPABILITY_NAMED_IAM; without it every stack instance fails."""
    named = any(
        resource.get("Properties", {}).get(_NAMED_IAM.get(resource["Type"], ""))
        for resource in template.get("Resources", {}).values()
    )
    if named:
        return ["CAPABILITY_NAMED_IAM"]
    has_iam = any(
        r["Type"].startswith("AWS::IAM::") for r in template.get("Resources", {}).values()
    )
    return ["CAPABILITY_IAM"] if has_iam else []


class OrganizationStack(cdk.Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeploymentConfig,
        member_template: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        # The member template exceeds the 51,200 bytes a template body may have: it goes
        # through S3, as an asset of this stack.
        folder = Path(tempfile.mkdtemp(prefix="scanmonster-member-"))
        template_file = folder / "member.template.json"
        template_file.write_text(json.dumps(member_template, indent=1, sort_keys=True))
        template = s3_assets.Asset(self, "MemberTemplate", path=str(template_file))

        self.stack_set = cloudformation.CfnStackSet(
            self,
            "Rules",
            stack_set_name=f"{config.resource_prefix}-rules",
            description="ScanMonster security checks as AWS Config rules in every account",
            permission_model="SERVICE_MANAGED",
            call_as=config.call_as,
            auto_deployment=cloudformation.CfnStackSet.AutoDeploymentProperty(
                enabled=True,
                retain_stacks_on_account_removal=False,
            ),
            managed_execution={"Active": True},
            capabilities=required_capabilities(member_template),
            operation_preferences=cloudformation.CfnStackSet.OperationPreferencesProperty(
                failure_tolerance_percentage=FAILURE_TOLERANCE_PERCENTAGE,
                max_concurrent_percentage=MAX_CONCURRENT_PERCENTAGE,
                region_concurrency_type="PARALLEL",
            ),
            stack_instances_group=[
                cloudformation.CfnStackSet.StackInstancesProperty(
                    deployment_targets=cloudformation.CfnStackSet.DeploymentTargetsProperty(
                        organizational_unit_ids=list(config.target_ou_ids),
                    ),
                    regions=list(config.regions),
                )
            ],
            template_url=template.http_url,
        )
