"""Security properties of every template a user would deploy (the app's stacks and the
StackSet's member template), checked resource by resource."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint

from tests.deploy.conftest import example_settings, resources

_REGIONS = example_settings()["regions"]
# Every stack the example deploys, named here so that a new stack cannot escape these tests
# (test_every_stack_is_checked compares this list with what was synthesized).
STACKS = [
    "member",
    "scanmonster-organization",
    "scanmonster-findings",
    *(
        f"scanmonster-{kind}-{region}"
        for kind in ("code", "management", "securityhub-admin", "securityhub")
        for region in _REGIONS
    ),
]
BROAD_MANAGED_POLICIES = (
    "AWSConfigRulesExecutionRole",
    "ReadOnlyAccess",
    "AdministratorAccess",
    "PowerUserAccess",
    "IAMFullAccess",
)
SCOPING_KEYS = {"aws:SourceAccount", "aws:SourceArn"}
READ_VERBS = ("Get", "List")
# IAM writes that change an account setting, not an identity, and have no resource-level
# permissions: the password policy fix (ScanMonster-StrengthenPasswordPolicy) needs it.
ACCOUNT_SETTINGS = {"iam:UpdateAccountPasswordPolicy"}
CONFIG_WRITES_ON_EVERYTHING = {"config:PutEvaluations", "config:StartRemediationExecution"}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_documents(template: dict) -> Iterator[tuple[str, dict]]:
    """Every policy document in the template: identity, resource and trust policies."""
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        for key in ("PolicyDocument", "AssumeRolePolicyDocument"):
            if key in properties:
                yield name, properties[key]
        for policy in properties.get("Policies", []):
            yield name, policy["PolicyDocument"]


def test_every_stack_is_checked(templates) -> None:
    assert sorted(templates) == sorted(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_no_wildcard_action_and_no_broad_write_on_everything(templates, stack) -> None:
    for name, document in policy_documents(templates[stack]):
        for statement in as_list(document["Statement"]):
            actions = as_list(statement.get("Action", []))
            assert "*" not in actions, name
            if statement["Effect"] == "Allow" and "*" in as_list(statement.get("Resource")):
                for action in actions:
                    # No wildcard (iam:*, sts:*, config:Put*, s3:*) on every resource ...
                    assert "*" not in action, (name, action)
                    # ... no identity or role changes, no assumed roles ...
                    if action.startswith(("iam:", "sts:")) and action not in ACCOUNT_SETTINGS:
                        assert action.split(":")[1].startswith(READ_VERBS), (name, action)
                    # ... and the only writes to AWS Config are reporting evaluations and
                    # starting a configured fix (neither has resource-level permissions:
                    # tests/deploy/test_iam_reference.py), the latter in our Regions only.
                    if action.startswith("config:") and not action.startswith(
                        ("config:Get", "config:List", "config:Describe", "config:Select")
                    ):
                        assert action in CONFIG_WRITES_ON_EVERYTHING, (name, action)
                        if action == "config:StartRemediationExecution":
                            regions = statement["Condition"]["StringEquals"]
                            assert regions["aws:RequestedRegion"], name


@pytest.mark.parametrize("stack", STACKS)
def test_no_broad_aws_managed_policy_on_any_role(templates, stack) -> None:
    for name, role in resources(templates[stack], "AWS::IAM::Role").items():
        attached = json.dumps(role["Properties"].get("ManagedPolicyArns", []))
        for policy in BROAD_MANAGED_POLICIES:
            assert f'/{policy}"' not in attached, name  # the ARN ends with the name


@pytest.mark.parametrize("stack", STACKS)
def test_every_trust_policy_is_scoped(templates, stack) -> None:
    for name, role in resources(templates[stack], "AWS::IAM::Role").items():
        for statement in role["Properties"]["AssumeRolePolicyDocument"]["Statement"]:
            principal = statement["Principal"]
            conditions = {key for test in statement.get("Condition", {}).values() for key in test}
            if "Service" in principal:
                assert conditions & SCOPING_KEYS, f"{name}: service trust without SourceAccount"
            else:
                assert "aws:PrincipalOrgID" in conditions, name
                assert "*" not in json.dumps(principal), name


@pytest.mark.parametrize("stack", STACKS)
def test_every_lambda_permission_names_its_source(templates, stack) -> None:
    for name, permission in resources(templates[stack], "AWS::Lambda::Permission").items():
        properties = permission["Properties"]
        assert properties["Principal"].endswith(".amazonaws.com"), name
        assert {"SourceAccount", "SourceArn"} & set(properties), name


def bucket_policy_statements(template: dict, bucket_id: str) -> list[dict]:
    return [
        s
        for p in resources(template, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def denies_insecure_transport(statements: list[dict]) -> bool:
    return any(
        s["Effect"] == "Deny"
        and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
        for s in statements
    )


@pytest.mark.parametrize("stack", STACKS)
def test_every_bucket_is_private_encrypted_and_tls_only(templates, stack) -> None:
    template = templates[stack]
    for name, bucket in resources(template, "AWS::S3::Bucket").items():
        properties = bucket["Properties"]
        assert properties["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }, name
        assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
        assert denies_insecure_transport(bucket_policy_statements(template, name)), name


@pytest.mark.parametrize("stack", STACKS)
def test_queues_are_encrypted_and_tls_only(templates, stack) -> None:
    template = templates[stack]
    for name, queue in resources(template, "AWS::SQS::Queue").items():
        assert queue["Properties"].get("SqsManagedSseEnabled") or queue["Properties"].get(
            "KmsMasterKeyId"
        ), name
        statements = [
            s
            for p in resources(template, "AWS::SQS::QueuePolicy").values()
            if {"Ref": name} in p["Properties"]["Queues"]
            for s in p["Properties"]["PolicyDocument"]["Statement"]
        ]
        assert denies_insecure_transport(statements), name


@pytest.mark.parametrize("stack", STACKS)
def test_keys_rotate_and_logs_expire(templates, stack) -> None:
    template = templates[stack]
    for name, key in resources(template, "AWS::KMS::Key").items():
        assert key["Properties"].get("EnableKeyRotation") is True, name
    for name, group in resources(template, "AWS::Logs::LogGroup").items():
        assert group["Properties"].get("RetentionInDays"), name
    # Every function logs to a group of this template (no implicit group without retention).
    groups = set(resources(template, "AWS::Logs::LogGroup"))
    for name, function in resources(template, "AWS::Lambda::Function").items():
        assert function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] in groups, name


@pytest.mark.parametrize("stack", STACKS)
def test_cfn_lint_finds_nothing(templates, deployment, stack) -> None:
    # W3005 (DependsOn also implied by a reference) is how CDK writes templates.
    matches = lint(
        json.dumps(templates[stack]),
        regions=list(deployment.config.regions),
        config=ManualArgs(ignore_checks=["W3005"]),
    )
    assert [f"{m.rule.id} {m.message}" for m in matches] == []


def test_cfn_lint_harness_reports_a_broken_template(templates) -> None:
    broken = json.loads(json.dumps(templates["member"]))
    function = next(iter(resources(broken, "AWS::Lambda::Function").values()))
    function["Properties"]["Runtime"] = "python2.7"  # deprecated: cfn-lint must say so
    function["Properties"]["MemorySize"] = 1  # below Lambda's minimum
    matches = lint(
        json.dumps(broken), regions=["us-east-1"], config=ManualArgs(ignore_checks=["W3005"])
    )
    assert {m.rule.id[0] for m in matches} >= {"E"}


def allow_statements(template: dict) -> Iterator[tuple[str, dict]]:
    """What identities may do: Allow statements of identity policies (no Principal)."""
    for name, document in policy_documents(template):
        for statement in as_list(document["Statement"]):
            if statement["Effect"] == "Allow" and "Principal" not in statement:
                yield name, statement


@pytest.mark.parametrize("stack", STACKS)
def test_pass_role_only_for_automation_roles_and_only_to_ssm(templates, stack) -> None:
    for name, statement in allow_statements(templates[stack]):
        if any(a.lower().startswith("iam:pass") for a in as_list(statement["Action"])):
            assert statement["Action"] == "iam:PassRole", name
            assert statement["Condition"] == {
                "StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}
            }, name
            for resource in as_list(statement["Resource"]):
                assert json.dumps(resource).endswith(':role/scanmonster/remediation/*"]]}'), name


@pytest.mark.parametrize("stack", STACKS)
def test_roles_ssm_may_assume_are_automation_roles_of_this_account(templates, stack) -> None:
    for name, role in resources(templates[stack], "AWS::IAM::Role").items():
        properties = role["Properties"]
        trusted = [
            s
            for s in properties["AssumeRolePolicyDocument"]["Statement"]
            if "ssm.amazonaws.com" in json.dumps(s["Principal"])
        ]
        in_path = properties.get("Path") == "/scanmonster/remediation/"
        assert bool(trusted) == in_path, name  # the path holds automation roles only
        for statement in trusted:
            assert statement["Principal"] == {"Service": "ssm.amazonaws.com"}, name
            assert statement["Condition"]["StringEquals"]["aws:SourceAccount"], name
            assert ":automation-execution/*" in json.dumps(statement["Condition"]["ArnLike"])


@pytest.mark.parametrize("stack", STACKS)
def test_roles_are_assumed_only_across_the_organization_and_only_the_starter(
    templates, stack
) -> None:
    for name, statement in allow_statements(templates[stack]):
        actions = as_list(statement["Action"])
        if any(a.startswith("sts:") for a in actions):
            assert actions == ["sts:AssumeRole"], name
            assert statement["Condition"] == {
                "StringEquals": {"aws:ResourceOrgID": example_settings()["organization_id"]}
            }, name
            for resource in as_list(statement["Resource"]):
                assert json.dumps(resource).endswith(':role/scanmonster-remediation-starter"]]}')


@pytest.mark.parametrize("stack", STACKS)
def test_a_finding_cannot_reach_arbitrary_actions(templates, stack) -> None:
    """Roles another account may assume can start configured remediations and pass the
    automation roles: no other write, nothing on every resource but a read."""
    template = templates[stack]
    for name, role in resources(template, "AWS::IAM::Role").items():
        trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        if not any("AWS" in s["Principal"] for s in trust):
            continue
        for statement in trust:
            condition = statement["Condition"]
            assert condition["ArnEquals"]["aws:PrincipalArn"], name  # one role, by name
        granted = {
            action
            for policy in resources(template, "AWS::IAM::Policy").values()
            if {"Ref": name} in policy["Properties"]["Roles"]
            for statement in as_list(policy["Properties"]["PolicyDocument"]["Statement"])
            for action in as_list(statement["Action"])
        }
        writes = {a for a in granted if not a.split(":")[1].startswith(("Get", "List", "Select"))}
        assert writes <= {"config:StartRemediationExecution", "iam:PassRole"}, name
