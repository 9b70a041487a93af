"""Findings in Security Hub, in the security (delegated administrator) account.

- management account, every region: the security account becomes Security Hub's delegated
  administrator;
- security account, every region: Security Hub is turned on for new accounts automatically;
- security account, home region: cross-region finding aggregation, an organization-wide
  Config aggregator, the enrichment and risk-acceptance functions, the notification topic,
  insights, the tutorial site the findings link to, and the "ScanMonster fix" custom
  action with its function (one-click remediation).

AWS Config already sends every evaluation of our rules to Security Hub; we enrich those
findings in place (BatchUpdateFindings) instead of importing our own, so there is exactly
one finding per evaluation. See docs/design.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_config as aws_config
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_deployment as s3_deployment
from aws_cdk import aws_securityhub as securityhub
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from scanmonster.findings.events import imported_findings_pattern
from scanmonster.metadata import RULE_NAME_PREFIX
from scanmonster.remediation import oneclick
from stacks.buckets import access_log_bucket, private_bucket
from stacks.code import harden_bucket_deployment_handler
from stacks.config import DeploymentConfig
from stacks.member import LOG_RETENTION, RUNTIME

_EQUALS = securityhub.CfnInsight.StringFilterProperty
# Open, failed findings of ScanMonster rules. Typed structs: a misspelt key fails here
# instead of vanishing (a plain dict with PascalCase keys synthesizes as empty filters).
FAILED_OPEN = securityhub.CfnInsight.AwsSecurityFindingFiltersProperty(
    compliance_status=[_EQUALS(comparison="EQUALS", value="FAILED")],
    record_state=[_EQUALS(comparison="EQUALS", value="ACTIVE")],
    workflow_status=[
        _EQUALS(comparison="EQUALS", value="NEW"),
        _EQUALS(comparison="EQUALS", value="NOTIFIED"),
    ],
    product_name=[_EQUALS(comparison="EQUALS", value="Config")],
    # Every finding of ours carries this after enrichment (map filters only know EQUALS).
    user_defined_fields=[
        securityhub.CfnInsight.MapFilterProperty(
            comparison="EQUALS", key="scanmonster", value="true"
        )
    ],
)
INSIGHTS = {
    "ByAccount": ("ScanMonster: failed checks by account", "AwsAccountId"),
    "ByCheck": ("ScanMonster: failed checks by check", "Title"),
    "BySeverity": ("ScanMonster: failed checks by severity", "SeverityLabel"),
}


class SecurityHubAdminStack(cdk.Stack):
    """Management account, one region: the security account administers Security Hub."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: DeploymentConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        securityhub.CfnDelegatedAdmin(
            self, "DelegatedAdmin", admin_account_id=config.security_account_id
        )


class SecurityHubOrganizationStack(cdk.Stack):
    """Security account, one region: new accounts of the organization get Security Hub."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: DeploymentConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        securityhub.CfnOrganizationConfiguration(
            self,
            "AutoEnable",
            auto_enable=True,
            # Standards are the team's choice; ScanMonster's checks do not depend on them.
            auto_enable_standards="NONE",
            configuration_type="LOCAL",
        )


class FindingsStack(cdk.Stack):
    """Security account, home region: aggregation, enrichment, acceptance, notification."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeploymentConfig,
        code_dir: Path,
        site_dir: Path,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._aggregation(config)
        self.topic = self._topic(config)
        self.tutorial_base_url = config.tutorial_base_url or self._tutorial_site(site_dir)
        environment = {
            "SCANMONSTER_LANGUAGE": config.tutorial_language,
            "SCANMONSTER_TUTORIAL_BASE_URL": self.tutorial_base_url,
            "SCANMONSTER_TOPIC_ARN": self.topic.topic_arn,
            "SCANMONSTER_MIN_SEVERITY": config.notification_minimum_severity,
        }
        code = lambda_.Code.from_asset(str(code_dir))
        failed = sqs.Queue(
            self,
            "FailedFindingEvents",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        self.enrich = self._findings_function(
            "Enrich", "enrich_handler", code, environment, failed, read=False
        )
        events.Rule(
            self,
            "OurFindingsImported",
            description="Config findings of ScanMonster rules, as Security Hub imports them",
            event_pattern=events.EventPattern(
                **_pattern_kwargs(imported_findings_pattern(RULE_NAME_PREFIX))
            ),
            targets=[
                targets.LambdaFunction(self.enrich, dead_letter_queue=failed, retry_attempts=4)
            ],
        )
        self.sweep = self._findings_function(
            "Sweep", "sweep_handler", code, environment, failed, read=True
        )
        events.Rule(
            self,
            "DailySweep",
            description="Re-open findings whose risk acceptance expired; apply new ones",
            schedule=events.Schedule.cron(minute="15", hour="0"),
            targets=[
                targets.LambdaFunction(self.sweep, dead_letter_queue=failed, retry_attempts=2)
            ],
        )
        self.one_click = self._one_click(config, code, failed)
        for construct_id, (name, group_by) in INSIGHTS.items():
            securityhub.CfnInsight(
                self, construct_id, name=name, group_by_attribute=group_by, filters=FAILED_OPEN
            )

    def _aggregation(self, config: DeploymentConfig) -> None:
        linked = [r for r in config.regions if r != config.home_region]
        if linked:
            securityhub.CfnFindingAggregator(
                self, "FindingAggregator", region_linking_mode="SPECIFIED_REGIONS", regions=linked
            )
        role = iam.Role(
            self,
            "ConfigAggregatorRole",
            assumed_by=iam.ServicePrincipal(
                "config.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": self.account}},
            ),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AWSConfigRoleForOrganizations"
                )
            ],
        )
        cdk.Validations.of(role).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AWSConfigRoleForOrganizations]",
                reason="AWS's own policy for an organization Config aggregator: it only lists the "
                "organization's accounts (organizations:Describe*/List*).",
            )
        )
        aws_config.CfnConfigurationAggregator(
            self,
            "ConfigAggregator",
            configuration_aggregator_name=f"{config.resource_prefix}-organization",
            organization_aggregation_source=aws_config.CfnConfigurationAggregator.OrganizationAggregationSourceProperty(
                role_arn=role.role_arn, aws_regions=list(config.regions), all_aws_regions=False
            ),
        )

    def _topic(self, config: DeploymentConfig) -> sns.Topic:
        key = self.notification_key = kms.Key(
            self,
            "NotificationKey",
            enable_key_rotation=True,
            description="ScanMonster finding notifications",
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        topic = sns.Topic(
            self,
            "Notifications",
            display_name="ScanMonster findings",
            master_key=key,
            enforce_ssl=True,
        )
        for email in config.notification_emails:
            topic.add_subscription(subscriptions.EmailSubscription(email))
        return topic

    def _tutorial_site(self, site_dir: Path) -> str:
        """The tutorials, rendered, behind CloudFront: findings link here."""
        logs_bucket = access_log_bucket(self, "SiteAccessLogs")
        bucket = private_bucket(
            self,
            "TutorialSite",
            server_access_logs_bucket=logs_bucket,
            server_access_logs_prefix="site/",
        )
        distribution = cloudfront.Distribution(
            self,
            "TutorialDistribution",
            comment="ScanMonster tutorials",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            ),
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        )
        cdk.Validations.of(distribution).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-CFR1",
                reason="The tutorials are public documentation, read by people in any country.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions-CFR2",
                reason="A static, read-only site of "
                "public documentation; a web ACL would protect nothing.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions-CFR3",
                reason="Page views of public "
                "documentation are not security evidence; the bucket logs access.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions-CFR4",
                reason="The default *.cloudfront.net "
                "certificate cannot pin a TLS policy; a custom domain can.",
            ),
        )
        s3_deployment.BucketDeployment(
            self,
            "TutorialPages",
            sources=[s3_deployment.Source.asset(str(site_dir))],
            destination_bucket=bucket,
            distribution=distribution,
            memory_limit=256,
            log_group=logs.LogGroup(
                self,
                "TutorialCopyLogs",
                retention=LOG_RETENTION,
                removal_policy=cdk.RemovalPolicy.RETAIN,
            ),
        )
        harden_bucket_deployment_handler(
            self, bucket, what="the tutorial pages", invalidates_cache=True
        )
        return f"https://{distribution.distribution_domain_name}"

    def _findings_function(
        self,
        name: str,
        handler: str,
        code: lambda_.Code,
        environment: dict[str, str],
        failed: sqs.Queue,
        *,
        read: bool,
    ) -> lambda_.Function:
        """Enrichment or sweep: updates (and for the sweep reads) findings, notifies."""
        hub = f"arn:{self.partition}:securityhub:{self.region}:{self.account}:hub/default"
        actions = ["securityhub:BatchUpdateFindings"]
        if read:
            actions.append("securityhub:GetFindings")
        return self._function(
            name,
            f"scanmonster.findings.handler.{handler}",
            code,
            environment,
            failed,
            description=f"ScanMonster: {name.lower()} Security Hub findings",
            role_description=f"ScanMonster {name.lower()}: updates Config findings of "
            "ScanMonster rules",
            statements=[
                iam.PolicyStatement(sid="UpdateFindings", actions=actions, resources=[hub]),
                iam.PolicyStatement(
                    sid="Notify", actions=["sns:Publish"], resources=[self.topic.topic_arn]
                ),
                iam.PolicyStatement(
                    sid="EncryptNotifications",
                    actions=["kms:GenerateDataKey", "kms:Decrypt"],
                    resources=[self.notification_key.key_arn],
                ),
            ],
            # One sweep at a time, and a burst of imports cannot exhaust the account.
            reserved_concurrent_executions=1 if read else 10,
        )

    def _function(
        self,
        name: str,
        handler: str,
        code: lambda_.Code,
        environment: dict[str, str],
        failed: sqs.Queue,
        *,
        description: str,
        role_description: str,
        statements: list[iam.PolicyStatement],
        reserved_concurrent_executions: int,
        role_name: str | None = None,
        retry_attempts: int | None = None,
    ) -> lambda_.Function:
        """A function of this stack: its own log group (a year), its own role (only
        `statements` and writing its logs), failures kept in the dead-letter queue."""
        log_group = logs.LogGroup(
            self, f"{name}Logs", retention=LOG_RETENTION, removal_policy=cdk.RemovalPolicy.RETAIN
        )
        role = iam.Role(
            self,
            f"{name}Role",
            role_name=role_name,
            description=role_description,
            assumed_by=iam.ServicePrincipal(
                "lambda.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": self.account}},
            ),
        )
        for statement in statements:
            role.add_to_policy(statement)
        role.add_to_policy(
            iam.PolicyStatement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        )
        return lambda_.Function(
            self,
            name,
            description=description,
            runtime=RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            code=code,
            role=role,
            environment=environment,
            timeout=cdk.Duration.minutes(5),
            memory_size=512,
            log_group=log_group,
            dead_letter_queue=failed,
            reserved_concurrent_executions=reserved_concurrent_executions,
            retry_attempts=retry_attempts,
        )

    def _one_click(
        self, config: DeploymentConfig, code: lambda_.Code, failed: sqs.Queue
    ) -> lambda_.Function:
        """ "ScanMonster fix": a custom action on selected findings starts each check's
        configured remediation in the finding's own account and region, through the member
        account's starter role (stacks/remediation.py), and writes the outcome as a note."""
        # CloudFormation has AWS::SecurityHub::ActionTarget; aws-cdk-lib has no L1 for it.
        action = cdk.CfnResource(
            self,
            "FixAction",
            type="AWS::SecurityHub::ActionTarget",
            properties={
                "Name": oneclick.ACTION_NAME,
                "Id": oneclick.ACTION_ID,
                "Description": oneclick.ACTION_DESCRIPTION,
            },
        )
        cdk.Validations.of(action).acknowledge(
            cdk.Acknowledgment(
                id="CloudFormation-Validate::F3006",
                reason="AWS::SecurityHub::ActionTarget is a CloudFormation type (cfn-lint "
                "validates it in the tests); CDK's own type list lacks it.",
            )
        )
        hub = f"arn:{self.partition}:securityhub:{self.region}:{self.account}:hub/default"
        function = self._function(
            "OneClick",
            oneclick.HANDLER,
            code,
            {
                oneclick.LANGUAGE: config.tutorial_language,
                oneclick.STARTER_ROLE: config.remediation_starter_role_name,
                oneclick.REGIONS: ",".join(config.regions),
            },
            failed,
            description="ScanMonster: start the fix of findings chosen in Security Hub",
            role_description="ScanMonster one click: starts configured remediations in member "
            "accounts and notes the outcome on the findings",
            # Named: every member account's starter role trusts exactly this role.
            role_name=config.one_click_role_name,
            statements=[
                iam.PolicyStatement(
                    sid="AssumeStarterRoles",
                    actions=["sts:AssumeRole"],
                    resources=[
                        f"arn:{self.partition}:iam::*:role/{config.remediation_starter_role_name}"
                    ],
                    # Only roles of accounts in this organization.
                    conditions={"StringEquals": {"aws:ResourceOrgID": config.organization_id}},
                ),
                iam.PolicyStatement(
                    sid="NoteOutcome", actions=["securityhub:BatchUpdateFindings"], resources=[hub]
                ),
            ],
            reserved_concurrent_executions=5,
            retry_attempts=0,  # a failed run is kept in the dead-letter queue, not repeated
        )
        cdk.Validations.of(function.role).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/"
                f"{config.remediation_starter_role_name}]",
                reason="The starter role of whichever member account the finding comes from; "
                "only accounts of the organization (aws:ResourceOrgID).",
            )
        )
        events.Rule(
            self,
            "FixActionChosen",
            description='A person chose "ScanMonster fix" on findings in Security Hub',
            event_pattern=events.EventPattern(
                **_pattern_kwargs(
                    oneclick.custom_action_pattern(action.get_att("ActionTargetArn").to_string())
                )
            ),
            # No retry: a person clicked, and starting a fix twice is not what they asked.
            targets=[targets.LambdaFunction(function, dead_letter_queue=failed, retry_attempts=0)],
        )
        return function


def _pattern_kwargs(pattern: dict[str, Any]) -> dict[str, Any]:
    """An EventBridge pattern dict as CDK's EventPattern keyword arguments."""
    names = {"detail-type": "detail_type"}
    return {names.get(key, key): value for key, value in pattern.items()}
