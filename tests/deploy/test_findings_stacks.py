"""Security Hub in the security account: delegated admin, auto-enable, aggregation, the
enrichment and sweep functions, notifications, insights and the tutorial site."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest

from scanmonster.acceptance import AcceptanceError
from scanmonster.findings.events import imported_findings_pattern
from stacks import deployment as deployment_module
from stacks.config import load_config
from stacks.findings import FindingsStack
from tests.deploy.conftest import cdk_json_context, example_settings, resources
from tests.support import registry

FINDINGS = "scanmonster-findings"


def only(template: dict, resource_type: str) -> dict:
    (resource,) = resources(template, resource_type).values()
    return resource["Properties"]


def function(template: dict, handler: str) -> dict:
    (found,) = [
        f
        for f in resources(template, "AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] == f"scanmonster.findings.handler.{handler}"
    ]
    return found


def statements_of(template: dict, function_resource: dict) -> list[dict]:
    role = function_resource["Properties"]["Role"]["Fn::GetAtt"][0]
    (policy,) = [
        p
        for p in resources(template, "AWS::IAM::Policy").values()
        if {"Ref": role} in p["Properties"]["Roles"]
    ]
    return policy["Properties"]["PolicyDocument"]["Statement"]


def test_security_account_becomes_admin_in_every_region(templates, deployment) -> None:
    config = deployment.config
    for region in config.regions:
        admin = templates[f"scanmonster-securityhub-admin-{region}"]
        assert only(admin, "AWS::SecurityHub::DelegatedAdmin") == {
            "AdminAccountId": config.security_account_id
        }
        hub = only(
            templates[f"scanmonster-securityhub-{region}"],
            "AWS::SecurityHub::OrganizationConfiguration",
        )
        assert hub["AutoEnable"] is True
        assert hub["AutoEnableStandards"] == "NONE"
    for stack in deployment.securityhub_admin:
        assert stack.account == config.management_account_id
    for stack in deployment.securityhub_organization:
        assert stack.account == config.security_account_id
        assert {d.stack_name for d in stack.dependencies} == {
            f"scanmonster-securityhub-admin-{stack.region}"
        }


def test_findings_of_every_region_and_account_are_aggregated(templates, deployment) -> None:
    config = deployment.config
    template = templates[FINDINGS]
    aggregator = only(template, "AWS::SecurityHub::FindingAggregator")
    assert aggregator["RegionLinkingMode"] == "SPECIFIED_REGIONS"
    assert set(aggregator["Regions"]) == set(config.regions) - {config.home_region}
    source = only(template, "AWS::Config::ConfigurationAggregator")["OrganizationAggregationSource"]
    assert source["AwsRegions"] == list(config.regions)
    assert source["AllAwsRegions"] is False
    assert deployment.findings.region == config.home_region


def test_imported_findings_of_our_rules_trigger_the_enrichment(templates) -> None:
    template = templates[FINDINGS]
    (rule,) = [
        r
        for r in resources(template, "AWS::Events::Rule").values()
        if r["Properties"].get("EventPattern", {}).get("detail-type")
        == ["Security Hub Findings - Imported"]
    ]
    assert rule["Properties"]["EventPattern"] == imported_findings_pattern("scanmonster-")
    (target,) = rule["Properties"]["Targets"]
    enrich_id = next(
        k for k, v in template["Resources"].items() if v is function(template, "enrich_handler")
    )
    assert target["Arn"] == {"Fn::GetAtt": [enrich_id, "Arn"]}
    assert "DeadLetterConfig" in target  # an event that cannot be delivered is kept


def test_sweep_runs_daily(templates) -> None:
    template = templates[FINDINGS]
    (rule,) = [
        r
        for r in resources(template, "AWS::Events::Rule").values()
        if "ScheduleExpression" in r["Properties"]
    ]
    assert rule["Properties"]["ScheduleExpression"] == "cron(15 0 * * ? *)"


@pytest.mark.parametrize(
    ("handler", "actions"),
    [
        ("enrich_handler", {"securityhub:BatchUpdateFindings"}),
        ("sweep_handler", {"securityhub:BatchUpdateFindings", "securityhub:GetFindings"}),
    ],
)
def test_findings_functions_update_findings_only_in_this_hub(
    templates, deployment, handler, actions
) -> None:
    template = templates[FINDINGS]
    found = function(template, handler)
    statements = {s.get("Sid"): s for s in statements_of(template, found)}
    update = statements["UpdateFindings"]
    assert set(update["Action"] if isinstance(update["Action"], list) else [update["Action"]]) == (
        actions
    )
    assert "hub/default" in json.dumps(update["Resource"])
    assert statements["Notify"]["Action"] == "sns:Publish"
    environment = found["Properties"]["Environment"]["Variables"]
    config = deployment.config
    assert environment["SCANMONSTER_LANGUAGE"] == config.tutorial_language
    assert environment["SCANMONSTER_MIN_SEVERITY"] == config.notification_minimum_severity
    assert "TopicArn" not in json.dumps(environment) or environment["SCANMONSTER_TOPIC_ARN"]
    # The example hosts the tutorial site: the link base is the CloudFront domain.
    distribution = next(iter(resources(template, "AWS::CloudFront::Distribution")))
    assert environment["SCANMONSTER_TUTORIAL_BASE_URL"] == {
        "Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution, "DomainName"]}]]
    }


def test_notifications_are_encrypted_with_a_rotating_key(templates) -> None:
    template = templates[FINDINGS]
    topic = only(template, "AWS::SNS::Topic")
    (key_id,) = resources(template, "AWS::KMS::Key")
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert only(template, "AWS::KMS::Key")["EnableKeyRotation"] is True


def test_insights_group_failed_findings_by_account_check_and_severity(templates) -> None:
    insights = [
        i["Properties"]
        for i in resources(templates[FINDINGS], "AWS::SecurityHub::Insight").values()
    ]
    assert sorted(i["GroupByAttribute"] for i in insights) == [
        "AwsAccountId",
        "SeverityLabel",
        "Title",
    ]
    for insight in insights:
        filters = insight["Filters"]
        assert filters["ComplianceStatus"] == [{"Comparison": "EQUALS", "Value": "FAILED"}]
        assert {"Comparison": "EQUALS", "Key": "scanmonster", "Value": "true"} in (
            filters["UserDefinedFields"]
        )


def test_tutorial_site_is_private_behind_cloudfront(templates) -> None:
    template = templates[FINDINGS]
    distribution = only(template, "AWS::CloudFront::Distribution")["DistributionConfig"]
    assert distribution["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert distribution["Origins"][0]["OriginAccessControlId"]
    (copy,) = resources(template, "Custom::CDKBucketDeployment").values()
    assert copy["Properties"].get("Extract", True) is not False  # pages, unpacked


def findings_template(**changes) -> dict:
    settings = {**example_settings(), **changes}
    config = load_config(settings, registry())
    app = cdk.App(context=cdk_json_context())
    stack = FindingsStack(
        app,
        "F",
        config=config,
        code_dir=deployment_module.FINDINGS_BUNDLE_DIR,
        site_dir=deployment_module.SITE_DIR,
        env=cdk.Environment(account="222222222222", region="ap-northeast-1"),
    )
    return app.synth().get_stack_artifact(stack.artifact_id).template


def test_email_subscriptions_come_from_the_configuration(templates) -> None:
    template = findings_template(
        notifications={
            "emails": ["sec@example.com", "ops@example.com"],
            "minimum_severity": "CRITICAL",
        }
    )
    subscriptions = resources(template, "AWS::SNS::Subscription").values()
    assert sorted(s["Properties"]["Endpoint"] for s in subscriptions) == [
        "ops@example.com",
        "sec@example.com",
    ]
    assert {s["Properties"]["Protocol"] for s in subscriptions} == {"email"}


def test_an_external_tutorial_site_replaces_the_hosted_one(templates) -> None:
    template = findings_template(
        tutorials={"language": "en", "base_url": "https://docs.example.com/scanmonster"}
    )
    assert resources(template, "AWS::CloudFront::Distribution") == {}
    enrich = function(template, "enrich_handler")["Properties"]["Environment"]["Variables"]
    assert enrich["SCANMONSTER_TUTORIAL_BASE_URL"] == "https://docs.example.com/scanmonster"
    assert enrich["SCANMONSTER_LANGUAGE"] == "en"


def test_an_invalid_risk_acceptance_stops_the_deployment(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "risk-acceptances.toml"
    bad.write_text(
        '[[acceptance]]\nid = "old"\ncheck = "iam_root_mfa_enabled"\n'
        'accounts = ["*"]\nregions = ["*"]\nresource = "*"\n'
        'reason = "accepted long ago for the lab"\napprover = "sec@example.com"\n'
        "expires = 2020-01-01\n"
    )
    monkeypatch.setattr(deployment_module, "ACCEPTANCES_FILE", bad)
    app = cdk.App(context=cdk_json_context())
    with pytest.raises(AcceptanceError, match=r"acceptance\[0\] \(old\): field 'expires'"):
        deployment_module.build(app)
    assert [c for c in app.node.children if isinstance(c, cdk.Stack)] == []
