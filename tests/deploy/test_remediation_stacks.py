"""Remediation as a user deploys it: per check, the document, its automation role and a
Config remediation configuration (manual unless opted in); per member account, the role the
one-click function may assume; in the security account, the custom action and its function.
"""

from __future__ import annotations

import json

import pytest

from scanmonster.remediation import oneclick
from scanmonster.remediation.documents import build_document
from tests.deploy.conftest import resources
from tests.deploy.test_stacks import member_template_with, rules_by_name
from tests.support import registry

REMEDIATED = sorted(c.id for c in registry().values() if c.remediation is not None)
OWN_DOCUMENTS = sorted(
    {
        c.remediation.document
        for c in registry().values()
        if c.remediation and not c.remediation.aws_owned
    }
)
FINDINGS = "scanmonster-findings"


def configurations(template: dict) -> dict[str, dict]:
    """Remediation configurations by check id (from the rule they reference)."""
    rule_ids = {
        name: r["Properties"]["ConfigRuleName"]
        for name, r in resources(template, "AWS::Config::ConfigRule").items()
    }
    found = {}
    for configuration in resources(template, "AWS::Config::RemediationConfiguration").values():
        rule = configuration["Properties"]["ConfigRuleName"]["Ref"]
        found[rule_ids[rule].removeprefix("scanmonster-")] = configuration
    return found


def statements(template: dict, role_name: str) -> list[dict]:
    """The identity policy statements attached to a role of the template."""
    return [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        if {"Ref": role_name} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def home_region_condition(template: dict) -> str:
    (name,) = (c for c in template["Conditions"] if c.startswith("ChecksIsHomeRegion"))
    return name


def actions_of(template: dict, role_name: str) -> set[str]:
    return {
        action
        for statement in statements(template, role_name)
        for action in (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
    }


def test_at_least_eight_checks_can_be_fixed() -> None:
    assert len(REMEDIATED) >= 8


@pytest.mark.parametrize("check_id", REMEDIATED)
def test_every_fixable_check_has_a_manual_remediation_by_default(templates, check_id) -> None:
    template = templates["member"]
    check = registry()[check_id]
    configuration = configurations(template)[check_id]
    properties = configuration["Properties"]
    assert properties["TargetType"] == "SSM_DOCUMENT"
    assert properties["Automatic"] is False
    assert "MaximumAutomaticAttempts" not in properties
    target = properties["TargetId"]
    if check.remediation.aws_owned:
        assert target == check.remediation.document
    else:  # our document, created by the same template
        document = template["Resources"][target["Ref"]]
        assert document["Properties"]["Name"] == check.remediation.document
    parameters = properties["Parameters"]
    role = parameters["AutomationAssumeRole"]["StaticValue"]["Values"][0]["Fn::GetAtt"][0]
    assert template["Resources"][role]["Type"] == "AWS::IAM::Role"
    # The role can do what the document needs, and nothing else.
    assert actions_of(template, role) == set(check.remediation.permissions)
    if check.remediation.resource_parameter:
        assert parameters[check.remediation.resource_parameter] == {
            "ResourceValue": {"Value": "RESOURCE_ID"}
        }
    fixed = check.remediation.document_parameters(check.default_parameters())
    for name, value in fixed.items():
        assert parameters[name] == {"StaticValue": {"Values": [value]}}
    expected = {"AutomationAssumeRole", *fixed}
    if check.remediation.resource_parameter:
        expected.add(check.remediation.resource_parameter)
    assert set(parameters) == expected
    # Account-wide checks exist once per account: so does their fix.
    if check.scope == "global":
        assert configuration["Condition"] == home_region_condition(template)
    else:
        assert "Condition" not in configuration


@pytest.mark.parametrize("name", OWN_DOCUMENTS)
def test_our_documents_are_deployed_as_built(templates, name) -> None:
    (document,) = (
        d
        for d in resources(templates["member"], "AWS::SSM::Document").values()
        if d["Properties"]["Name"] == name
    )
    properties = document["Properties"]
    assert properties["DocumentType"] == "Automation"
    assert properties["UpdateMethod"] == "NewVersion"
    assert properties["Content"] == build_document(name)
    assert "{{ script:" not in json.dumps(properties["Content"])


def test_only_documents_a_check_uses_are_deployed(templates) -> None:
    names = {
        d["Properties"]["Name"]
        for d in resources(templates["member"], "AWS::SSM::Document").values()
    }
    assert names == set(OWN_DOCUMENTS)
    template = member_template_with(checks={"enabled": ["iam_root_mfa_enabled"]})
    for kind in ("AWS::SSM::Document", "AWS::Config::RemediationConfiguration", "AWS::IAM::Role"):
        if kind == "AWS::IAM::Role":  # only the check's own role is left
            assert len(resources(template, kind)) == 1
        else:
            assert resources(template, kind) == {}


def test_automation_roles_are_one_per_document_under_one_path(templates) -> None:
    template = templates["member"]
    automation = {
        name: role
        for name, role in resources(template, "AWS::IAM::Role").items()
        if role["Properties"].get("Path") == "/scanmonster/remediation/"
    }
    documents = {c.remediation.document for c in registry().values() if c.remediation}
    assert len(automation) == len(documents)
    for name, role in automation.items():
        (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Principal"] == {"Service": "ssm.amazonaws.com"}, name
        assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == {
            "Ref": "AWS::AccountId"
        }
        assert "automation-execution/*" in json.dumps(statement["Condition"]["ArnLike"])


def test_opting_a_check_in_makes_only_its_fix_automatic_with_its_limits() -> None:
    template = member_template_with(
        auto_remediation={
            "s3_bucket_ssl_requests_only": {},
            "ec2_security_group_admin_ports_restricted": {
                "maximum_attempts": 5,
                "retry_seconds": 3600,
                "concurrency_percent": 25,
                "error_percent": 5,
            },
        }
    )
    found = configurations(template)
    tls = found["s3_bucket_ssl_requests_only"]["Properties"]
    assert tls["Automatic"] is True
    assert (tls["MaximumAutomaticAttempts"], tls["RetryAttemptSeconds"]) == (3, 600)
    assert tls["ExecutionControls"] == {
        "SsmControls": {"ConcurrentExecutionRatePercentage": 10, "ErrorPercentage": 10}
    }
    ports = found["ec2_security_group_admin_ports_restricted"]["Properties"]
    assert (ports["MaximumAutomaticAttempts"], ports["RetryAttemptSeconds"]) == (5, 3600)
    assert ports["ExecutionControls"] == {
        "SsmControls": {"ConcurrentExecutionRatePercentage": 25, "ErrorPercentage": 5}
    }
    others = [
        c
        for check_id, c in found.items()
        if check_id
        not in {"s3_bucket_ssl_requests_only", "ec2_security_group_admin_ports_restricted"}
    ]
    assert others
    assert all(c["Properties"]["Automatic"] is False for c in others)


def test_configured_check_parameters_reach_the_fix() -> None:
    template = member_template_with(
        checks={"parameters": {"ec2_security_group_admin_ports_restricted": {"Ports": [22, 5985]}}}
    )
    parameters = configurations(template)["ec2_security_group_admin_ports_restricted"][
        "Properties"
    ]["Parameters"]
    assert parameters["Ports"] == {"StaticValue": {"Values": ["22,5985"]}}
    rule = rules_by_name(template)["scanmonster-ec2_security_group_admin_ports_restricted"]
    assert rule["Properties"]["InputParameters"] == {"Ports": "22,5985"}


def starter_role(template: dict) -> tuple[str, dict]:
    (found,) = (
        (name, role)
        for name, role in resources(template, "AWS::IAM::Role").items()
        if role["Properties"].get("RoleName") == "scanmonster-remediation-starter"
    )
    return found


def test_starter_role_can_only_start_configured_fixes_and_pass_automation_roles(
    templates,
) -> None:
    template = templates["member"]
    name, role = starter_role(template)
    assert role["Condition"] == home_region_condition(template)  # IAM is global: once
    assert actions_of(template, name) == {*oneclick.MEMBER_ACTIONS, "iam:PassRole"}
    (pass_role,) = (s for s in statements(template, name) if s["Action"] == "iam:PassRole")
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}
    assert ":role/scanmonster/remediation/*" in json.dumps(pass_role["Resource"])
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    one_click = ":iam::222222222222:role/scanmonster-one-click"  # the example security account
    assert trust["Condition"]["ArnEquals"]["aws:PrincipalArn"] == {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, one_click]]
    }
    assert trust["Condition"]["StringEquals"]["aws:PrincipalOrgID"] == "o-exampleorg1"


def test_custom_action_reaches_the_one_click_function(templates, deployment) -> None:
    template = templates[FINDINGS]
    (action_id, action) = next(iter(resources(template, "AWS::SecurityHub::ActionTarget").items()))
    assert action["Properties"]["Name"] == oneclick.ACTION_NAME
    assert action["Properties"]["Id"] == oneclick.ACTION_ID
    (rule,) = (
        r
        for r in resources(template, "AWS::Events::Rule").values()
        if "Custom Action" in json.dumps(r["Properties"].get("EventPattern", {}))
    )
    pattern = rule["Properties"]["EventPattern"]
    assert pattern["source"] == ["aws.securityhub"]
    assert pattern["resources"] == [{"Fn::GetAtt": [action_id, "ActionTargetArn"]}]
    target_function = rule["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0]
    function = template["Resources"][target_function]["Properties"]
    assert function["Handler"] == oneclick.HANDLER
    config = deployment.config
    assert function["Environment"]["Variables"] == {
        oneclick.LANGUAGE: config.tutorial_language,
        oneclick.STARTER_ROLE: config.remediation_starter_role_name,
        oneclick.REGIONS: ",".join(config.regions),
    }
    role_id = function["Role"]["Fn::GetAtt"][0]
    role = template["Resources"][role_id]["Properties"]
    # The member accounts trust this role by name.
    assert role["RoleName"] == config.one_click_role_name
    assert actions_of(template, role_id) == {
        "sts:AssumeRole",
        "securityhub:BatchUpdateFindings",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "sqs:SendMessage",  # the dead-letter queue
    }
    (assume,) = (s for s in statements(template, role_id) if s["Action"] == "sts:AssumeRole")
    assert assume["Resource"] == {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":iam::*:role/scanmonster-remediation-starter"],
        ]
    }
    assert assume["Condition"] == {"StringEquals": {"aws:ResourceOrgID": config.organization_id}}
