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
                    if action.startswith(("iam:", "sts:")):
                        assert action.split(":")[1].startswith(READ_VERBS), (name, action)
                    # ... and the only write to AWS Config is reporting evaluations.
                    if action.startswith("config:") and not action.startswith(
                        ("config:Get", "config:List", "config:Describe")
                    ):
                        assert action == "config:PutEvaluations", (name, action)


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
