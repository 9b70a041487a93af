"""What fixes a finding, in every member account and region: SSM Automation through AWS Config.

Per enabled check that names a remediation document (its check.toml `[remediation]`):
- our own documents become AWS::SSM::Document resources, built from remediations/ with
  their scripts inlined (no placeholder survives);
- one automation role per document: SSM may assume it only for this account's automation
  executions, and it may do only what the document declares (its Permissions);
- an AWS::Config::RemediationConfiguration on the check's rule: manual unless the team
  opted the check in (cdk.json `auto_remediation`), then automatic with bounded attempts,
  retries, concurrency and error rate.

And once per account (home region; IAM is global): the role the security account's
one-click function assumes. It can start only the remediations configured here, on the
resources AWS Config reports noncompliant, and pass only the automation roles, only to SSM.
Nothing in a finding can choose a document, a role or a parameter: that is fixed here.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_config
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from scanmonster.metadata import Check, Remediation
from scanmonster.remediation.documents import ASSUME_ROLE_PARAMETER, build_document
from scanmonster.remediation.oneclick import MEMBER_ACTIONS
from stacks.conditions import only_if
from stacks.config import AutoRemediation, DeploymentConfig
from stacks.iam_reference import resource_arns

_Remediation = aws_config.CfnRemediationConfiguration
RESOURCE_ID = "RESOURCE_ID"  # AWS Config substitutes the noncompliant resource's id
SSM_SERVICE = "ssm.amazonaws.com"


def _here(stack: cdk.Stack, *, as_nag_names: bool = False) -> dict[str, str]:
    """The stack's partition, region and account; as cdk-nag writes them in its finding
    ids when `as_nag_names` (a token becomes <AWS::Region>, a literal stays)."""
    if not as_nag_names:
        return {"partition": stack.partition, "region": stack.region, "account": stack.account}
    return {
        "partition": "<AWS::Partition>",
        "region": "<AWS::Region>" if cdk.Token.is_unresolved(stack.region) else stack.region,
        "account": "<AWS::AccountId>" if cdk.Token.is_unresolved(stack.account) else stack.account,
    }


def _fix(check: Check) -> Remediation:
    """The check's remediation; only called for checks that have one."""
    if check.remediation is None:
        raise ValueError(f"{check.id} has no remediation")
    return check.remediation


def remediation_parameters(
    check: Check, check_values: dict[str, object], role_arn: str
) -> dict[str, dict[str, object]]:
    """RemediationConfiguration Parameters: the role, the resource id, the fixed values."""
    fix = _fix(check)
    parameters: dict[str, dict[str, object]] = {
        ASSUME_ROLE_PARAMETER: {"StaticValue": {"Values": [role_arn]}}
    }
    if fix.resource_parameter:
        parameters[fix.resource_parameter] = {"ResourceValue": {"Value": RESOURCE_ID}}
    for name, value in fix.document_parameters(check_values).items():
        parameters[name] = {"StaticValue": {"Values": [value]}}
    return parameters


class MemberRemediations(Construct):
    """Documents, automation roles and remediation configurations for the enabled checks."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeploymentConfig,
        checks: list[Check],
        rules: dict[str, aws_config.CustomRule],
        is_home_region: cdk.CfnCondition,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.is_home_region = is_home_region
        remediated = [c for c in checks if c.remediation is not None]
        by_document: dict[str, list[Check]] = {}
        for check in remediated:
            by_document.setdefault(_fix(check).document, []).append(check)

        self.documents: dict[str, str] = {}  # document name -> TargetId (a Ref for ours)
        self.roles: dict[str, iam.Role] = {}
        for name, users in by_document.items():
            # A document only global checks use is needed in the home region only.
            home_only = all(c.scope == "global" for c in users)
            self.documents[name] = self._document(name, users[0], home_only)
            self.roles[name] = self._automation_role(name, users, config, stack, home_only)

        self.configurations: dict[str, aws_config.CfnRemediationConfiguration] = {}
        for check in remediated:
            self.configurations[check.id] = self._configuration(
                check,
                config.checks[check.id].parameters,
                rules[check.id],
                config.auto_remediation.get(check.id),
            )
        self.starter = self._starter_role(config, stack) if remediated else None

    def _document(self, name: str, check: Check, home_only: bool) -> str:
        if _fix(check).aws_owned:
            return name  # AWS publishes it in every commercial region
        document = ssm.CfnDocument(
            self,
            f"Document{name}",
            name=name,
            document_type="Automation",
            document_format="JSON",
            content=build_document(name),
            # A changed document becomes a new version of the same name: remediation
            # configurations keep pointing at it, and executions stay traceable.
            update_method="NewVersion",
        )
        if home_only:
            only_if(document, self.is_home_region)
        return document.ref  # the name, and the dependency

    def _automation_role(
        self,
        name: str,
        checks: list[Check],
        config: DeploymentConfig,
        stack: cdk.Stack,
        home_only: bool,
    ) -> iam.Role:
        permissions = sorted({p for c in checks for p in _fix(c).permissions})
        role = iam.Role(
            self,
            f"AutomationRole{name}",
            description=f"Runs the SSM document {name} for AWS Config remediation"[:1000],
            path=config.automation_role_path,
            assumed_by=iam.ServicePrincipal(
                SSM_SERVICE,
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": f"arn:{stack.partition}:ssm:{stack.region}:"
                        f"{stack.account}:automation-execution/*"
                    },
                },
            ),
        )
        # Each action on the ARNs of its resource type in this account and region (any
        # resource id: the one AWS Config found noncompliant is not known in advance), or
        # on "*" where IAM has no resource-level permission for it. A member user allowed
        # to pass the role to SSM cannot borrow it for other kinds of resources.
        by_resources: dict[tuple[str, ...], list[str]] = {}
        for action in permissions:
            arns = resource_arns(action, **_here(stack))
            by_resources.setdefault(tuple(arns), []).append(action)
        acknowledgments = []
        for index, (arns, actions) in enumerate(sorted(by_resources.items())):
            role.add_to_policy(
                iam.PolicyStatement(
                    sid=f"WhatTheFixNeeds{index}", actions=actions, resources=list(arns)
                )
            )
            if arns == ("*",):
                reason = (
                    f"{', '.join(actions)}: no resource-level permissions in IAM (Service "
                    "Authorization Reference); only SSM automation executions of this "
                    "account can assume the role."
                )
            else:
                reason = (
                    f"{', '.join(actions)} on the resource AWS Config found noncompliant, in "
                    "this account and Region; its id is not known in advance."
                )
            nag_arns = resource_arns(actions[0], **_here(stack, as_nag_names=True))
            acknowledgments += [
                cdk.Acknowledgment(id=f"AwsSolutions-IAM5[Resource::{arn}]", reason=reason)
                for arn in nag_arns
            ]
        cdk.Validations.of(role).acknowledge(*acknowledgments)
        if home_only:
            only_if(role, self.is_home_region)
        return role

    def _configuration(
        self,
        check: Check,
        check_values: dict[str, object],
        rule: aws_config.CustomRule,
        automatic: AutoRemediation | None,
    ) -> aws_config.CfnRemediationConfiguration:
        document = _fix(check).document
        options = {}
        if automatic is not None:
            options = {
                "maximum_automatic_attempts": automatic.maximum_attempts,
                "retry_attempt_seconds": automatic.retry_seconds,
                "execution_controls": _Remediation.ExecutionControlsProperty(
                    ssm_controls=_Remediation.SsmControlsProperty(
                        concurrent_execution_rate_percentage=automatic.concurrency_percent,
                        error_percentage=automatic.error_percent,
                    )
                ),
            }
        configuration = aws_config.CfnRemediationConfiguration(
            self,
            f"Remediation{check.id}",
            config_rule_name=rule.config_rule_name,
            target_type="SSM_DOCUMENT",
            target_id=self.documents[document],
            parameters=remediation_parameters(check, check_values, self.roles[document].role_arn),
            resource_type=None if check.is_account_level else check.resource_types[0],
            automatic=automatic is not None,
            **options,
        )
        if check.scope == "global":
            only_if(configuration, self.is_home_region)
        return configuration

    def _starter_role(self, config: DeploymentConfig, stack: cdk.Stack) -> iam.Role:
        """The one-click function's way in: trusted by that one role of the security account."""
        one_click = (
            f"arn:{stack.partition}:iam::{config.security_account_id}:role/"
            f"{config.one_click_role_name}"
        )
        role = iam.Role(
            self,
            "RemediationStarter",
            role_name=config.remediation_starter_role_name,
            description="ScanMonster one click: starts the remediations AWS Config is "
            "configured with, on resources Config reports noncompliant",
            max_session_duration=cdk.Duration.hours(1),
            assumed_by=iam.AccountPrincipal(config.security_account_id).with_conditions(
                {
                    "ArnEquals": {"aws:PrincipalArn": one_click},
                    "StringEquals": {"aws:PrincipalOrgID": config.organization_id},
                }
            ),
        )
        # Scoped as the Service Authorization Reference allows (stacks/iam_reference.py;
        # tests/deploy/test_iam_reference.py holds it): StartRemediationExecution and
        # SelectResourceConfig have no resource-level permissions, so IAM evaluates only
        # "*" for them. What keeps the role narrow is elsewhere: StartRemediationExecution
        # runs the remediation configuration AWS Config already holds for the rule
        # (document, automation role, fixed parameters), which nothing in the request can
        # choose. Every Region of the deployment (IAM is global; the role is one per account).
        by_resources: dict[tuple[str, ...], list[str]] = {}
        for action in MEMBER_ACTIONS:
            arns = resource_arns(
                action, partition=stack.partition, region="*", account=stack.account
            )
            by_resources.setdefault(tuple(arns), []).append(action)
        for index, (arns, actions) in enumerate(sorted(by_resources.items())):
            role.add_to_policy(
                iam.PolicyStatement(
                    sid=f"StartConfiguredRemediations{index}",
                    actions=sorted(actions),
                    resources=list(arns),
                    conditions={"StringEquals": {"aws:RequestedRegion": list(config.regions)}},
                )
            )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="PassOnlyAutomationRolesToSsm",
                actions=["iam:PassRole"],
                resources=[
                    f"arn:{stack.partition}:iam::{stack.account}:role{config.automation_role_path}*"
                ],
                conditions={"StringEquals": {"iam:PassedToService": SSM_SERVICE}},
            )
        )
        # cdk-nag names the account as written: a token in the StackSet template, the
        # account id in the management account's stacks.
        account = "<AWS::AccountId>" if cdk.Token.is_unresolved(stack.account) else stack.account
        cdk.Validations.of(role).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="config:StartRemediationExecution and config:SelectResourceConfig have "
                "no resource-level permissions; StartRemediationExecution can only run what "
                "AWS Config is configured with, in the deployment's Regions.",
            ),
            cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:config:*:{account}:"
                "config-rule/*]",
                reason="Reading a rule's compliance: config rule ARNs end in a random id; the "
                "rules of this account only.",
            ),
            cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::{account}:role"
                f"{config.automation_role_path}*]",
                reason="The automation roles get generated names under one IAM path that only "
                "they use; PassRole is limited to SSM.",
            ),
        )
        only_if(role, self.is_home_region)
        return role
