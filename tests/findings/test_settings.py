"""Settings from environment variables: defaults, and errors that name the variable."""

from __future__ import annotations

import pytest

from scanmonster.findings.errors import SettingsError
from scanmonster.findings.settings import Settings, load_settings

VALID = {
    "SCANMONSTER_LANGUAGE": "ja",
    "SCANMONSTER_TUTORIAL_BASE_URL": "https://d111111abcdef8.cloudfront.net",
    "SCANMONSTER_TOPIC_ARN": "arn:aws:sns:ap-northeast-1:210987654321:scanmonster-findings",
    "SCANMONSTER_MIN_SEVERITY": "CRITICAL",
}


def test_valid_settings() -> None:
    assert load_settings(VALID) == Settings(
        language="ja",
        tutorial_base_url="https://d111111abcdef8.cloudfront.net",
        topic_arn="arn:aws:sns:ap-northeast-1:210987654321:scanmonster-findings",
        min_severity="CRITICAL",
    )


def test_defaults_no_topic_and_high() -> None:
    environ = {k: v for k, v in VALID.items() if k.endswith(("LANGUAGE", "BASE_URL"))}
    settings = load_settings(environ)
    assert settings.topic_arn is None
    assert settings.min_severity == "HIGH"
    assert load_settings({**environ, "SCANMONSTER_TOPIC_ARN": ""}).topic_arn is None


def test_tutorial_url_and_threshold() -> None:
    settings = load_settings({**VALID, "SCANMONSTER_MIN_SEVERITY": "HIGH"})
    assert settings.tutorial_url("iam_root_mfa_enabled") == (
        "https://d111111abcdef8.cloudfront.net/ja/iam_root_mfa_enabled.html"
    )
    assert [s for s in ("CRITICAL", "HIGH", "MEDIUM", "LOW") if settings.notifies(s)] == [
        "CRITICAL",
        "HIGH",
    ]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SCANMONSTER_LANGUAGE", None, "SCANMONSTER_LANGUAGE: required, not set"),
        ("SCANMONSTER_LANGUAGE", "fr", "SCANMONSTER_LANGUAGE: 'fr' is not one of en, ja"),
        ("SCANMONSTER_TUTORIAL_BASE_URL", None, "SCANMONSTER_TUTORIAL_BASE_URL: required"),
        (
            "SCANMONSTER_TUTORIAL_BASE_URL",
            "https://docs.example.com/",
            "SCANMONSTER_TUTORIAL_BASE_URL: 'https://docs.example.com/' must not end with '/'",
        ),
        (
            "SCANMONSTER_TUTORIAL_BASE_URL",
            "http://docs.example.com",
            "SCANMONSTER_TUTORIAL_BASE_URL: 'http://docs.example.com' is not an https:// URL",
        ),
        (
            "SCANMONSTER_TUTORIAL_BASE_URL",
            "https://docs.example.com/a b",
            "is not an https:// URL",
        ),
        (
            "SCANMONSTER_TOPIC_ARN",
            "arn:aws:sqs:ap-northeast-1:210987654321:queue",
            "SCANMONSTER_TOPIC_ARN: 'arn:aws:sqs:ap-northeast-1:210987654321:queue' is not an "
            "SNS topic ARN",
        ),
        (
            "SCANMONSTER_MIN_SEVERITY",
            "high",
            "SCANMONSTER_MIN_SEVERITY: 'high' is not one of CRITICAL, HIGH, MEDIUM, LOW, "
            "INFORMATIONAL",
        ),
    ],
)
def test_errors_name_the_variable(variable, value, message) -> None:
    environ = dict(VALID)
    if value is None:
        del environ[variable]
    else:
        environ[variable] = value
    with pytest.raises(SettingsError) as raised:
        load_settings(environ)
    assert message in str(raised.value)
    assert raised.value.variable == variable
