"""Builds the whole deployment from the registry and the validated context.

<prefix>-code-<region>       (admin account, every region)  org-readable code bucket
<prefix>-organization        (admin account, home region)   the StackSet
<prefix>-management-<region> (management account, every region, optional) the same
                            checks as plain stacks: service-managed StackSets skip
                            the management account
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from scanmonster import ROOT
from scanmonster.acceptance import ACCEPTANCES_FILE, load_acceptances
from scanmonster.bundle import findings_bundle_files, rule_bundle_files, write_bundle_dir
from scanmonster.registry import Registry, load_registry
from scanmonster.site import build_site
from stacks.code import CodeBucketStack
from stacks.config import (
    CONTEXT_KEY,
    ConfigError,
    DeploymentConfig,
    load_config,
    refuse_automatic_fixes_of_accepted_risks,
)
from stacks.findings import FindingsStack, SecurityHubAdminStack, SecurityHubOrganizationStack
from stacks.member import MemberStack
from stacks.organization import OrganizationStack

BUNDLE_DIR = ROOT / "build" / "lambda-bundle"
FINDINGS_BUNDLE_DIR = ROOT / "build" / "findings-bundle"
SITE_DIR = ROOT / "build" / "site"
MEMBER_STACK = "Member"


@dataclass
class Deployment:
    config: DeploymentConfig
    code_stacks: list[CodeBucketStack]
    organization: OrganizationStack
    management: list[MemberStack]
    member_template: dict[str, Any]
    securityhub_admin: list[SecurityHubAdminStack]
    securityhub_organization: list[SecurityHubOrganizationStack]
    findings: FindingsStack


def with_nag(app: cdk.App) -> cdk.App:
    """cdk-nag's AwsSolutions pack on everything a user would deploy."""
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def synthesize_member_template(
    config: DeploymentConfig, registry: Registry, key: str
) -> dict[str, Any]:
    """The StackSet's template: synthesized on its own, without bootstrap resources (member
    accounts have none), and checked by cdk-nag like every other stack."""
    # Its own output folder: under the CLI, CDK_OUTDIR would point it at the app's cdk.out.
    app = with_nag(cdk.App(outdir=tempfile.mkdtemp(prefix="scanmonster-member-")))
    MemberStack(
        app,
        MEMBER_STACK,
        config=config,
        registry=registry,
        code_key=key,
        synthesizer=cdk.BootstraplessSynthesizer(),
    )
    return app.synth().get_stack_artifact(MEMBER_STACK).template


def refuse_examples_with_credentials(config: DeploymentConfig) -> None:
    """The shipped example values synthesize anywhere, but are never deployed: with AWS
    credentials at hand (the CLI then sets CDK_DEFAULT_ACCOUNT), they are refused."""
    account = os.environ.get("CDK_DEFAULT_ACCOUNT")
    if config.example and account:
        raise ConfigError(
            "example",
            f"cdk.json still holds the example values, and you are signed in to account "
            f'{account}: set your organization\'s values and remove "example": true '
            "(README: Deploying to an organization)",
        )


def build(app: cdk.App, registry: Registry | None = None) -> Deployment:
    registry = registry or load_registry()
    config = load_config(app.node.try_get_context(CONTEXT_KEY), registry)
    refuse_examples_with_credentials(config)
    # Risk acceptances are code: a bad entry (unknown check, past or far expiry, no reason)
    # stops the deployment here, with the entry and the field named.
    acceptances = load_acceptances(ACCEPTANCES_FILE, registry, today=datetime.now(UTC).date())
    refuse_automatic_fixes_of_accepted_risks(config, acceptances)
    with_nag(app)
    prefix = config.resource_prefix

    bundle_dir = write_bundle_dir(BUNDLE_DIR, rule_bundle_files())
    code_stacks = [
        CodeBucketStack(
            app,
            f"{prefix}-code-{region}",
            config=config,
            bundle_dir=bundle_dir,
            env=cdk.Environment(account=config.admin_account_id, region=region),
            description=f"ScanMonster rule code for the organization in {region}",
        )
        for region in config.regions
    ]
    (key,) = {stack.code_key for stack in code_stacks}  # the same bundle in every region
    member_template = synthesize_member_template(config, registry, key)
    organization = OrganizationStack(
        app,
        f"{prefix}-organization",
        config=config,
        member_template=member_template,
        env=cdk.Environment(account=config.admin_account_id, region=config.home_region),
        description="ScanMonster: the StackSet that deploys every check to the organization",
    )
    for stack in code_stacks:
        organization.add_stack_dependency(
            stack, "the member template loads code from these buckets"
        )

    management = []
    if config.management_account_rules:
        for region in config.regions:
            stack = MemberStack(
                app,
                f"{prefix}-management-{region}",
                config=config,
                registry=registry,
                code_key=key,
                env=cdk.Environment(account=config.management_account_id, region=region),
                description="ScanMonster checks in the management account (StackSets skip it)",
            )
            stack.add_stack_dependency(code_stacks[config.regions.index(region)])
            management.append(stack)
    securityhub_admin, securityhub_organization, findings = _findings(app, config, registry)
    return Deployment(
        config,
        code_stacks,
        organization,
        management,
        member_template,
        securityhub_admin,
        securityhub_organization,
        findings,
    )


def _findings(
    app: cdk.App, config: DeploymentConfig, registry: Registry
) -> tuple[list[SecurityHubAdminStack], list[SecurityHubOrganizationStack], FindingsStack]:
    prefix = config.resource_prefix
    admin_stacks, organization_stacks = [], []
    for region in config.regions:
        admin = SecurityHubAdminStack(
            app,
            f"{prefix}-securityhub-admin-{region}",
            config=config,
            env=cdk.Environment(account=config.management_account_id, region=region),
            description="ScanMonster: the security account administers Security Hub",
        )
        organization = SecurityHubOrganizationStack(
            app,
            f"{prefix}-securityhub-{region}",
            config=config,
            env=cdk.Environment(account=config.security_account_id, region=region),
            description="ScanMonster: Security Hub for every account of the organization",
        )
        organization.add_stack_dependency(admin, "the security account must be administrator")
        admin_stacks.append(admin)
        organization_stacks.append(organization)
    findings = FindingsStack(
        app,
        f"{prefix}-findings",
        config=config,
        code_dir=write_bundle_dir(FINDINGS_BUNDLE_DIR, findings_bundle_files()),
        site_dir=build_site(SITE_DIR, registry),
        env=cdk.Environment(account=config.security_account_id, region=config.home_region),
        description="ScanMonster: enriched findings, risk acceptance, notifications",
    )
    for stack in organization_stacks:
        findings.add_stack_dependency(stack, "Security Hub must be on in every linked region")
    return admin_stacks, organization_stacks, findings
