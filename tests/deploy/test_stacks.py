"""What `cdk deploy` would create, read from the synthesized templates."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from scanmonster.metadata import parameter_text
from stacks.config import load_config
from stacks.deployment import synthesize_member_template
from stacks.organization import required_capabilities
from tests.deploy.conftest import example_settings, resources
from tests.support import registry

CHANGE_MESSAGES = [
    "ConfigurationItemChangeNotification",
    "OversizedConfigurationItemChangeNotification",
]


def rules_by_name(template: dict) -> dict[str, dict]:
    return {
        r["Properties"]["ConfigRuleName"]: r
        for r in resources(template, "AWS::Config::ConfigRule").values()
    }


def function_of(template: dict, rule: dict) -> dict:
    return template["Resources"][rule["Properties"]["Source"]["SourceIdentifier"]["Fn::GetAtt"][0]]


def policy_of(template: dict, function: dict) -> dict:
    role = function["Properties"]["Role"]["Fn::GetAtt"][0]
    (policy,) = [
        p
        for p in resources(template, "AWS::IAM::Policy").values()
        if {"Ref": role} in p["Properties"]["Roles"]
    ]
    return policy


# --- the member template: one Config rule per enabled check ---


def test_every_enabled_check_is_a_config_rule(templates, deployment) -> None:
    rules = rules_by_name(templates["member"])
    assert set(rules) == {f"scanmonster-{c}" for c in deployment.config.checks}


@pytest.mark.parametrize("check_id", sorted(registry()))
def test_rule_trigger_scope_and_parameters_follow_the_check(
    templates, deployment, check_id
) -> None:
    check, settings = registry()[check_id], deployment.config.checks[check_id]
    rule = rules_by_name(templates["member"])[check.config_rule_name]["Properties"]
    messages = [d["MessageType"] for d in rule["Source"]["SourceDetails"]]
    assert rule["Source"]["Owner"] == "CUSTOM_LAMBDA"
    if check.change_triggered:
        assert set(CHANGE_MESSAGES) <= set(messages)  # oversized items too
        assert rule["Scope"]["ComplianceResourceTypes"] == list(check.resource_types)
    else:
        assert "Scope" not in rule
    if check.periodic_frequency:
        assert "ScheduledNotification" in messages
        assert rule["MaximumExecutionFrequency"] == settings.frequency
    else:
        assert messages == CHANGE_MESSAGES
    expected = {k: parameter_text(v) for k, v in settings.parameters.items()}
    assert rule.get("InputParameters", {}) == expected


@pytest.mark.parametrize("check_id", sorted(registry()))
def test_rule_function_runs_the_shared_handler_with_least_privilege(
    templates, deployment, check_id
) -> None:
    check = registry()[check_id]
    template = templates["member"]
    function = function_of(template, rules_by_name(template)[check.config_rule_name])
    properties = function["Properties"]
    assert properties["Handler"] == "scanmonster.runtime.handler.lambda_handler"
    assert properties["Environment"]["Variables"] == {"SCANMONSTER_CHECK_ID": check_id}
    version = tuple(int(n) for n in properties["Runtime"].removeprefix("python").split("."))
    assert version >= (3, 12)
    assert properties["Timeout"] in (60, 300)
    assert properties["MemorySize"] == 256
    assert "DeadLetterConfig" in properties
    assert "LoggingConfig" in properties
    assert properties["Code"] == {
        "S3Bucket": {
            "Fn::Sub": f"scanmonster-code-{deployment.config.admin_account_id}-${{AWS::Region}}"
        },
        "S3Key": deployment.code_stacks[0].code_key,
    }
    statements = policy_of(template, function)["Properties"]["PolicyDocument"]["Statement"]
    (evaluate,) = [s for s in statements if s["Sid"] == "EvaluateAndReport"]
    expected = {"config:PutEvaluations", *check.permissions}
    if check.change_triggered:
        expected.add("config:GetResourceConfigHistory")
    actions = evaluate["Action"] if isinstance(evaluate["Action"], list) else [evaluate["Action"]]
    assert set(actions) == expected
    others = {
        a
        for s in statements
        if s["Sid"] != "EvaluateAndReport"
        for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    }
    assert others == {"logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage"}


def test_account_wide_checks_exist_only_in_the_home_region(templates, deployment) -> None:
    template = templates["member"]
    (condition_name,) = template["Conditions"]
    assert template["Conditions"][condition_name] == {
        "Fn::Equals": [{"Ref": "AWS::Region"}, deployment.config.home_region]
    }
    for check_id in deployment.config.checks:
        check = registry()[check_id]
        rule = rules_by_name(template)[check.config_rule_name]
        function = function_of(template, rule)
        expected = condition_name if check.scope == "global" else None
        assert rule.get("Condition") == expected, check_id
        assert function.get("Condition") == expected, check_id


def test_log_groups_keep_a_year(templates) -> None:
    groups = resources(templates["member"], "AWS::Logs::LogGroup")
    assert len(groups) == len(registry())
    assert {g["Properties"]["RetentionInDays"] for g in groups.values()} == {365}


def member_template_with(**settings_changes) -> dict:
    settings = {**example_settings(), **settings_changes}
    config = load_config(settings, registry())
    return synthesize_member_template(config, registry(), "code/x.zip")


def test_disabling_a_check_removes_it_and_nothing_else() -> None:
    template = member_template_with(checks={"disabled": ["kms_key_rotation_enabled"]})
    names = set(rules_by_name(template))
    assert "scanmonster-kms_key_rotation_enabled" not in names
    assert len(names) == len(registry()) - 1
    assert len(resources(template, "AWS::Lambda::Function")) == len(registry()) - 1


def test_configured_parameters_and_frequency_reach_the_rule() -> None:
    template = member_template_with(
        checks={
            "parameters": {
                "ec2_security_group_admin_ports_restricted": {"Ports": [22, 3389, 5985]}
            },
            "frequencies": {"iam_root_mfa_enabled": "Twelve_Hours"},
        }
    )
    rules = rules_by_name(template)
    ports = rules["scanmonster-ec2_security_group_admin_ports_restricted"]["Properties"]
    assert ports["InputParameters"] == {"Ports": "22,3389,5985"}
    mfa = rules["scanmonster-iam_root_mfa_enabled"]["Properties"]
    assert mfa["MaximumExecutionFrequency"] == "Twelve_Hours"


def test_config_recorder_is_off_by_default_and_optional(templates) -> None:
    assert resources(templates["member"], "AWS::Config::ConfigurationRecorder") == {}
    template = member_template_with(config_recorder={"delivery_bucket": "org-config-archive"})
    (recorder,) = resources(template, "AWS::Config::ConfigurationRecorder").values()
    assert recorder["Properties"]["RecordingGroup"]["AllSupported"] is True
    (channel,) = resources(template, "AWS::Config::DeliveryChannel").values()
    assert channel["Properties"]["S3BucketName"] == "org-config-archive"
    recorder_id = next(iter(resources(template, "AWS::Config::ConfigurationRecorder")))
    for rule in resources(template, "AWS::Config::ConfigRule").values():
        assert recorder_id in rule["DependsOn"]  # rules need the recorder first


# --- the organization: the StackSet ---


def test_stack_set_targets_the_ous_and_regions_with_auto_deployment(templates, deployment) -> None:
    config = deployment.config
    (stack_set,) = resources(
        templates["scanmonster-organization"], "AWS::CloudFormation::StackSet"
    ).values()
    properties = stack_set["Properties"]
    assert properties["PermissionModel"] == "SERVICE_MANAGED"
    assert properties["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert properties["CallAs"] == "DELEGATED_ADMIN"
    # The member template names a role (the one-click starter): without
    # CAPABILITY_NAMED_IAM, CloudFormation refuses every stack instance.
    assert any(
        r["Properties"].get("RoleName")
        for r in resources(templates["member"], "AWS::IAM::Role").values()
    )
    assert properties["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert properties["StackInstancesGroup"] == [
        {
            "DeploymentTargets": {"OrganizationalUnitIds": list(config.target_ou_ids)},
            "Regions": list(config.regions),
        }
    ]
    preferences = properties["OperationPreferences"]
    assert 0 < preferences["FailureTolerancePercentage"] < preferences["MaxConcurrentPercentage"]
    assert preferences["RegionConcurrencyType"] == "PARALLEL"
    assert "TemplateBody" not in properties  # the member template is over 51,200 bytes


def test_stack_set_template_is_the_member_template(deployment, templates) -> None:
    outdir = Path(deployment.organization.node.root.outdir)
    (stack_set,) = resources(
        templates["scanmonster-organization"], "AWS::CloudFormation::StackSet"
    ).values()
    url = stack_set["Properties"]["TemplateURL"]["Fn::Sub"]
    asset_file = outdir / f"asset.{url.rsplit('/', 1)[1]}"
    assert json.loads(asset_file.read_text()) == templates["member"]


def test_stack_set_waits_for_the_code_in_every_region(deployment) -> None:
    depends_on = {s.stack_name for s in deployment.organization.dependencies}
    assert depends_on == {f"scanmonster-code-{r}" for r in deployment.config.regions}


# --- code delivery: org-readable regional buckets, no bootstrap in member accounts ---


@pytest.mark.parametrize("region", ["ap-northeast-1", "us-east-1"])
def test_code_bucket_is_readable_by_the_organization_only(templates, deployment, region) -> None:
    template = templates[f"scanmonster-code-{region}"]
    config = deployment.config
    buckets = resources(template, "AWS::S3::Bucket")
    (code_id,) = [
        k
        for k, b in buckets.items()
        if b["Properties"].get("BucketName") == config.code_bucket_name(region)
    ]
    (policy,) = [
        p
        for p in resources(template, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": code_id}
    ]
    (read,) = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Sid") == "OrganizationReadsRuleCode"
    ]
    assert read["Effect"] == "Allow"
    assert read["Principal"] == {"AWS": "*"}
    assert read["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": config.organization_id}}
    assert read["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [code_id, "Arn"]}, "/code/*"]]}


@pytest.mark.parametrize("region", ["ap-northeast-1", "us-east-1"])
def test_cdk_deploy_copies_the_bundle_to_the_key_members_load(templates, region) -> None:
    template = templates[f"scanmonster-code-{region}"]
    (copy,) = resources(template, "Custom::CDKBucketDeployment").values()
    properties = copy["Properties"]
    assert properties["Extract"] is False
    assert properties["Prune"] is False
    key = f"{properties['DestinationBucketKeyPrefix']}{properties['SourceObjectKeys'][0]}"
    member_keys = {
        f["Properties"]["Code"]["S3Key"]
        for f in resources(templates["member"], "AWS::Lambda::Function").values()
    }
    assert member_keys == {key}


def test_member_template_needs_nothing_from_member_accounts(templates) -> None:
    template = templates["member"]
    assert "Parameters" not in template  # no BootstrapVersion, nothing to pass per account
    assert "Rules" not in template
    assert "cdk-hnb659fds" not in json.dumps(template)


def test_management_account_gets_the_same_checks(templates, deployment) -> None:
    config = deployment.config
    assert len(deployment.management) == len(config.regions)
    for region in config.regions:
        template = templates[f"scanmonster-management-{region}"]
        assert set(rules_by_name(template)) == set(rules_by_name(templates["member"]))
        assert dataclasses.asdict(config)["management_account_id"] == (
            deployment.management[0].account
        )


@pytest.mark.parametrize(
    ("resources_", "expected"),
    [
        (
            {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "x"}}},
            ["CAPABILITY_NAMED_IAM"],
        ),
        ({"R": {"Type": "AWS::IAM::Role", "Properties": {}}}, ["CAPABILITY_IAM"]),
        ({"Q": {"Type": "AWS::SQS::Queue", "Properties": {}}}, []),
    ],
)
def test_stack_set_capabilities_follow_the_template(resources_, expected) -> None:
    assert required_capabilities({"Resources": resources_}) == expected
