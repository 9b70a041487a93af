"""What every member account and region runs: one AWS Config custom rule per enabled check.

The same construct builds the StackSet template and the management account's plain stacks.
Per check: a least-privilege role (PutEvaluations, the read actions the check declares, its
own log group and the shared dead-letter queue), a log group with retention, the function
(code from the organization's regional code bucket), and the Config rule. Account-wide
(`scope = "global"`) checks exist only in the home region.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_config
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from scanmonster.metadata import Check, parameter_text
from scanmonster.registry import Registry
from scanmonster.runtime.handler import CHECK_ID_VARIABLE
from stacks.conditions import only_if
from stacks.config import CheckSettings, DeploymentConfig
from stacks.remediation import MemberRemediations

HANDLER = "scanmonster.runtime.handler.lambda_handler"
RUNTIME = lambda_.Runtime.PYTHON_3_14
LOG_RETENTION = logs.RetentionDays.ONE_YEAR
CHANGE_TIMEOUT = cdk.Duration.seconds(60)
# Periodic checks may walk every resource of a kind (e.g. every IAM user).
PERIODIC_TIMEOUT = cdk.Duration.minutes(5)
MEMORY_MB = 256
FREQUENCIES = {
    "One_Hour": aws_config.MaximumExecutionFrequency.ONE_HOUR,
    "Three_Hours": aws_config.MaximumExecutionFrequency.THREE_HOURS,
    "Six_Hours": aws_config.MaximumExecutionFrequency.SIX_HOURS,
    "Twelve_Hours": aws_config.MaximumExecutionFrequency.TWELVE_HOURS,
    "TwentyFour_Hours": aws_config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
}
# What the runtime itself calls, besides the check's declared read actions.
RUNTIME_ACTIONS = ("config:PutEvaluations",)
CHANGE_RUNTIME_ACTIONS = ("config:GetResourceConfigHistory",)  # oversized items


class MemberRules(Construct):
    """Every enabled check as a Config rule, with its function, role and logs."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeploymentConfig,
        registry: Registry,
        code_key: str,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.is_home_region = cdk.CfnCondition(
            self,
            "IsHomeRegion",
            expression=cdk.Fn.condition_equals(cdk.Aws.REGION, config.home_region),
        )
        # Evaluations that failed after Lambda's retries are kept here, not lost.
        self.dead_letters = sqs.Queue(
            self,
            "FailedEvaluations",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        code_bucket = s3.Bucket.from_bucket_name(
            self,
            "CodeBucket",
            cdk.Fn.sub(f"{config.resource_prefix}-code-{config.admin_account_id}-${{AWS::Region}}"),
        )
        self.code = lambda_.Code.from_bucket(code_bucket, code_key)
        cdk.Annotations.of(self).acknowledge_warning(
            "@aws-cdk/aws-lambda:codeFromBucketObjectVersionNotSpecified",
            "The key names the bundle by its content hash: a new version is a new key.",
        )
        self.recorder = (
            self._recorder(config.config_recorder.delivery_bucket, stack)
            if config.config_recorder
            else None
        )
        self.rules: dict[str, aws_config.CustomRule] = {}
        for check_id, settings in config.checks.items():
            self.rules[check_id] = self._check(registry[check_id], settings, stack)
            if self.recorder is not None:  # a rule needs a recorder to exist first
                self.rules[check_id].node.add_dependency(self.recorder)

    def _recorder(self, delivery_bucket: str, stack: cdk.Stack) -> Construct:
        """For accounts without AWS Config (no Control Tower): record every supported
        resource, global ones (IAM) in the home region only, into a central bucket."""
        scope = Construct(self, "Recorder")
        role = iam.Role(
            scope,
            "Role",
            description="AWS Config recorder for ScanMonster checks",
            assumed_by=iam.ServicePrincipal(
                "config.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            ),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWS_ConfigRole")
            ],
        )
        cdk.Validations.of(role).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AWS_ConfigRole]",
                reason="AWS's own policy for the Config recorder: it follows every resource type "
                "AWS Config adds; the recorder role is not a rule role.",
            )
        )
        recorder = aws_config.CfnConfigurationRecorder(
            scope,
            "ConfigurationRecorder",
            role_arn=role.role_arn,
            recording_group=aws_config.CfnConfigurationRecorder.RecordingGroupProperty(
                all_supported=True,
                # IAM and other global resources are recorded once, in the home region.
                include_global_resource_types=cdk.Fn.condition_if(
                    self.is_home_region.logical_id, True, False
                ),
            ),
        )
        channel = aws_config.CfnDeliveryChannel(
            scope,
            "DeliveryChannel",
            s3_bucket_name=delivery_bucket,
            config_snapshot_delivery_properties=aws_config.CfnDeliveryChannel.ConfigSnapshotDeliveryPropertiesProperty(
                delivery_frequency="TwentyFour_Hours"
            ),
        )
        channel.node.add_dependency(recorder)
        return scope

    def _check(
        self, check: Check, settings: CheckSettings, stack: cdk.Stack
    ) -> aws_config.CustomRule:
        scope = Construct(self, check.id)
        log_group = logs.LogGroup(
            scope, "Logs", retention=LOG_RETENTION, removal_policy=cdk.RemovalPolicy.RETAIN
        )
        role = iam.Role(
            scope,
            "Role",
            description=f"ScanMonster check {check.id}: reads what it declares, reports to Config",
            assumed_by=iam.ServicePrincipal(
                "lambda.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            ),
        )
        actions = [*RUNTIME_ACTIONS, *check.permissions]
        if check.change_triggered:
            actions += CHANGE_RUNTIME_ACTIONS
        role.add_to_policy(
            iam.PolicyStatement(
                sid="EvaluateAndReport",
                actions=sorted(actions),
                # These read actions and PutEvaluations have no resource-level permissions.
                resources=["*"],
            )
        )
        cdk.Validations.of(role).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason=f"Only the actions {check.id} declares plus config:PutEvaluations, none of "
                "which supports resource-level permissions; no write action is granted.",
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="KeepFailedEvents",
                actions=["sqs:SendMessage"],
                resources=[self.dead_letters.queue_arn],
            )
        )
        function = lambda_.Function(
            scope,
            "Function",
            description=f"ScanMonster check {check.id}",
            runtime=RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            handler=HANDLER,
            code=self.code,
            # Fixed: neither the function nor the Config rule may add policies to this role
            # (CustomRule would attach the broad AWSConfigRulesExecutionRole).
            role=role.without_policy_updates(),
            environment={CHECK_ID_VARIABLE: check.id},
            timeout=PERIODIC_TIMEOUT if settings.frequency else CHANGE_TIMEOUT,
            memory_size=MEMORY_MB,
            log_group=log_group,
            dead_letter_queue=self.dead_letters,
            retry_attempts=2,
        )
        rule = aws_config.CustomRule(
            scope,
            "Rule",
            config_rule_name=check.config_rule_name,
            description=f"{check.title} ({check.severity})",
            lambda_function=function,
            configuration_changes=check.change_triggered,
            periodic=settings.frequency is not None,
            maximum_execution_frequency=(
                FREQUENCIES[settings.frequency] if settings.frequency else None
            ),
            rule_scope=(
                aws_config.RuleScope.from_resources(
                    [aws_config.ResourceType.of(t) for t in check.resource_types]
                )
                if check.change_triggered
                else None
            ),
            input_parameters={k: parameter_text(v) for k, v in settings.parameters.items()} or None,
        )
        if check.scope == "global":
            only_if(scope, self.is_home_region)
        return rule


class MemberStack(cdk.Stack):
    """The member template: what the StackSet deploys, and the management account's stack."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeploymentConfig,
        registry: Registry,
        code_key: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.rules = MemberRules(
            self, "Checks", config=config, registry=registry, code_key=code_key
        )
        self.remediations = MemberRemediations(
            self,
            "Remediations",
            config=config,
            checks=[registry[check_id] for check_id in config.checks],
            rules=self.rules.rules,
            is_home_region=self.rules.is_home_region,
        )
