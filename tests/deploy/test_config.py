"""Bad configuration fails before anything is synthesized, naming the key and the problem."""

from __future__ import annotations

import datetime

import aws_cdk as cdk
import pytest

from scanmonster.acceptance import parse_acceptances
from stacks.config import ConfigError, load_config, refuse_automatic_fixes_of_accepted_risks
from stacks.deployment import build
from tests.deploy.conftest import cdk_json_context, example_settings
from tests.support import registry


def load(**changes) -> object:
    settings = example_settings()
    for key, value in changes.items():
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
    return load_config(settings, registry())


def test_the_shipped_example_is_valid_and_marked_as_example() -> None:
    config = load()
    assert config.example
    assert set(config.checks) == set(registry())  # "enabled": "all"
    assert config.call_as == "DELEGATED_ADMIN"
    assert config.admin_account_id == config.security_account_id


def test_defaults() -> None:
    config = load(
        home_region=None,
        stackset_admin=None,
        checks=None,
        tutorials=None,
        notifications=None,
        auto_remediation=None,
        management_account_rules=None,
        config_recorder=None,
        example=None,
    )
    assert config.home_region == config.regions[0]
    assert config.stackset_admin == "security"
    assert set(config.checks) == set(registry())
    assert config.tutorial_language == "en"
    assert config.notification_minimum_severity == "HIGH"
    assert config.config_recorder is None
    assert config.management_account_rules is True
    assert config.checks["iam_password_policy_strong"].parameters["MinimumPasswordLength"] == 14
    assert config.auto_remediation == {}  # every fix is manual unless the team opts in


def test_automatic_remediation_takes_cautious_defaults_and_explicit_values() -> None:
    config = load(
        auto_remediation={
            "s3_bucket_ssl_requests_only": {},
            "kms_key_rotation_enabled": {"maximum_attempts": 5, "concurrency_percent": 50},
        }
    )
    defaults = config.auto_remediation["s3_bucket_ssl_requests_only"]
    assert (defaults.maximum_attempts, defaults.retry_seconds) == (3, 600)
    assert (defaults.concurrency_percent, defaults.error_percent) == (10, 10)
    chosen = config.auto_remediation["kms_key_rotation_enabled"]
    assert (chosen.maximum_attempts, chosen.concurrency_percent, chosen.error_percent) == (
        5,
        50,
        10,
    )


def test_administering_from_the_management_account_calls_as_self() -> None:
    config = load(stackset_admin="management")
    assert config.call_as == "SELF"
    assert config.admin_account_id == config.management_account_id
    assert config.code_bucket_name("eu-west-1") == "scanmonster-code-111111111111-eu-west-1"


def test_parameters_and_frequencies_are_typed_per_check() -> None:
    config = load(
        checks={
            "parameters": {"ec2_security_group_admin_ports_restricted": {"Ports": "22,3389,5985"}},
            "frequencies": {"iam_root_mfa_enabled": "One_Hour"},
        }
    )
    assert config.checks["ec2_security_group_admin_ports_restricted"].parameters == {
        "Ports": [22, 3389, 5985]
    }
    assert config.checks["iam_root_mfa_enabled"].frequency == "One_Hour"
    assert config.checks["s3_bucket_public_access_blocked"].frequency is None


def test_disabled_checks_are_left_out() -> None:
    config = load(checks={"disabled": ["kms_key_rotation_enabled"]})
    assert "kms_key_rotation_enabled" not in config.checks
    assert len(config.checks) == len(registry()) - 1


@pytest.mark.parametrize(
    ("changes", "key", "problem"),
    [
        ({"organization_id": "org-1234"}, "organization_id", "malformed"),
        ({"organization_id": None}, "organization_id", "required"),
        ({"management_account_id": "11111111111"}, "management_account_id", "12 digits"),
        ({"security_account_id": 222222222222}, "security_account_id", "malformed"),
        (
            {"security_account_id": "111111111111"},
            "security_account_id",
            "must not be the management account",
        ),
        ({"stackset_admin": "root"}, "stackset_admin", "not one of"),
        ({"target_ou_ids": []}, "target_ou_ids", "must not be empty"),
        ({"target_ou_ids": "ou-ab12-workload1"}, "target_ou_ids", "a list"),
        ({"target_ou_ids": ["ou-ab12-workload1", "Sandbox"]}, "target_ou_ids[1]", "malformed"),
        ({"regions": []}, "regions", "must not be empty"),
        ({"regions": ["us-east-1", "us-east-1"]}, "regions", "lists a value twice"),
        ({"regions": ["us-east-1", "Tokyo"]}, "regions[1]", "malformed"),
        ({"home_region": "eu-west-1"}, "home_region", "must be one of the regions"),
        ({"checks": {"enabled": ["s3_bucket_public"]}}, "checks.enabled[0]", "unknown check"),
        ({"checks": {"disabled": ["nope_nope_nope"]}}, "checks.disabled[0]", "unknown check"),
        (
            {
                "checks": {
                    "enabled": ["kms_key_rotation_enabled"],
                    "disabled": ["kms_key_rotation_enabled"],
                }
            },
            "checks",
            "every check",
        ),
        (
            {"checks": {"parameters": {"iam_password_policy_strong": {"MinimumLength": 14}}}},
            "checks.parameters.iam_password_policy_strong.MinimumLength",
            "unknown to this check",
        ),
        (
            {
                "checks": {
                    "parameters": {"iam_password_policy_strong": {"MinimumPasswordLength": "long"}}
                }
            },
            "checks.parameters.iam_password_policy_strong.MinimumPasswordLength",
            "expected a whole number",
        ),
        (
            {
                "checks": {
                    "parameters": {"iam_password_policy_strong": {"MinimumPasswordLength": 200}}
                }
            },
            "checks.parameters.iam_password_policy_strong.MinimumPasswordLength",
            "above the maximum 128",
        ),
        (
            {
                "checks": {
                    "disabled": ["kms_key_rotation_enabled"],
                    "parameters": {"kms_key_rotation_enabled": {}},
                }
            },
            "checks.parameters.kms_key_rotation_enabled",
            "not enabled",
        ),
        (
            {"checks": {"frequencies": {"iam_root_mfa_enabled": "Daily"}}},
            "checks.frequencies.iam_root_mfa_enabled",
            "not one of One_Hour",
        ),
        (
            {"checks": {"frequencies": {"kms_key_rotation_enabled": "One_Hour"}}},
            "checks.frequencies.kms_key_rotation_enabled",
            "configuration changes only",
        ),
        ({"checks": {"enable": "all"}}, "checks.enable", "unknown key"),
        ({"tutorials": {"language": "fr"}}, "tutorials.language", "not one of en, ja"),
        ({"tutorials": {"base_url": "http://docs.example.com"}}, "tutorials.base_url", "https"),
        (
            {"notifications": {"emails": ["security team"]}},
            "notifications.emails[0]",
            "not an email address",
        ),
        (
            {"notifications": {"minimum_severity": "SEVERE"}},
            "notifications.minimum_severity",
            "not one of",
        ),
        (
            {"auto_remediation": ["s3_bucket_ssl_requests_only"]},
            "auto_remediation",
            "object keyed by check id",
        ),
        (
            {"auto_remediation": {"iam_root_mfa_enabled": {}}},
            "auto_remediation.iam_root_mfa_enabled",
            "no remediation document",
        ),
        (
            {"auto_remediation": {"nope_nope_nope": {}}},
            "auto_remediation.nope_nope_nope",
            "unknown",
        ),
        (
            {
                "checks": {"disabled": ["s3_bucket_ssl_requests_only"]},
                "auto_remediation": {"s3_bucket_ssl_requests_only": {}},
            },
            "auto_remediation.s3_bucket_ssl_requests_only",
            "not enabled",
        ),
        (
            {"auto_remediation": {"s3_bucket_ssl_requests_only": True}},
            "auto_remediation.s3_bucket_ssl_requests_only",
            "must be an object",
        ),
        (
            {"auto_remediation": {"s3_bucket_ssl_requests_only": {"attempts": 3}}},
            "auto_remediation.s3_bucket_ssl_requests_only.attempts",
            "unknown key",
        ),
        (
            {"auto_remediation": {"s3_bucket_ssl_requests_only": {"maximum_attempts": 26}}},
            "auto_remediation.s3_bucket_ssl_requests_only.maximum_attempts",
            "from 1 to 25",
        ),
        (
            {"auto_remediation": {"s3_bucket_ssl_requests_only": {"error_percent": 0}}},
            "auto_remediation.s3_bucket_ssl_requests_only.error_percent",
            "from 1 to 100",
        ),
        (
            {"auto_remediation": {"s3_bucket_ssl_requests_only": {"retry_seconds": True}}},
            "auto_remediation.s3_bucket_ssl_requests_only.retry_seconds",
            "whole number",
        ),
        ({"management_account_rules": "yes"}, "management_account_rules", "true or false"),
        ({"config_recorder": {"bucket": "x"}}, "config_recorder.delivery_bucket", "required"),
        ({"resource_prefix": "ScanMonster"}, "resource_prefix", "a-z"),
        ({"region": ["us-east-1"]}, "region", "unknown key"),
    ],
)
def test_invalid_configuration_names_the_key(changes: dict, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as error:
        load(**changes)
    assert error.value.key == key
    assert problem in str(error.value)
    assert str(error.value).startswith(f"scanmonster.{key}: ")


def test_missing_context_is_explained() -> None:
    with pytest.raises(ConfigError, match="needs a 'scanmonster' object"):
        load_config(None, registry())


def test_bad_context_stops_the_app_before_any_stack_exists() -> None:
    context = {**cdk_json_context(), "scanmonster": {**example_settings(), "regions": []}}
    app = cdk.App(context=context)
    with pytest.raises(ConfigError, match=r"scanmonster.regions: must not be empty"):
        build(app)
    assert [c for c in app.node.children if isinstance(c, cdk.Stack)] == []


def test_example_values_are_refused_when_credentials_are_at_hand(monkeypatch) -> None:
    monkeypatch.setenv("CDK_DEFAULT_ACCOUNT", "123456789012")
    app = cdk.App(context=cdk_json_context())
    with pytest.raises(
        ConfigError,
        match=r"scanmonster.example: cdk.json still holds the "
        r"example values, and you are signed in to account "
        r"123456789012",
    ):
        build(app)


def test_a_check_cannot_be_both_fixed_automatically_and_accepted() -> None:
    config = load(auto_remediation={"s3_bucket_ssl_requests_only": {}})
    accepted = parse_acceptances(
        """
[[acceptance]]
id = "legacy-http-bucket"
check = "s3_bucket_ssl_requests_only"
accounts = ["123456789012"]
regions = ["*"]
resource = "legacy-*"
reason = "An old appliance reads these buckets over HTTP until it is replaced."
approver = "security-team@example.com"
expires = 2026-12-31
""",
        registry(),
        today=datetime.date(2026, 11, 28),
    )
    with pytest.raises(ConfigError) as error:
        refuse_automatic_fixes_of_accepted_risks(config, accepted)
    assert error.value.key == "auto_remediation.s3_bucket_ssl_requests_only"
    assert "legacy-http-bucket" in str(error.value)
    # Accepting another check's risk is no conflict.
    refuse_automatic_fixes_of_accepted_risks(
        load(auto_remediation={"kms_key_rotation_enabled": {}}), accepted
    )
