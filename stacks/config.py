"""The deployment's configuration: the `scanmonster` object of the CDK context, validated.

Everything is checked before a single construct exists, so bad input gives one clear error
naming the key (`scanmonster.regions[1]: 'us-east-9' is not an AWS Region`) and never a
half-made template. Pure Python: the tests exercise it without synthesizing anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scanmonster.acceptance import RiskAcceptance
from scanmonster.metadata import FREQUENCIES, SEVERITIES
from scanmonster.registry import Registry
from scanmonster.runtime.errors import InvalidParameterError
from scanmonster.runtime.parameters import parse_rule_parameters
from scanmonster.tutorials import LANGUAGES

CONTEXT_KEY = "scanmonster"

ORGANIZATION_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
ACCOUNT_ID = re.compile(r"^\d{12}$")
# An organizational unit (ou-xxxx-xxxxxxxx) or the organization root (r-xxxx).
TARGET_ID = re.compile(r"^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$")
REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
BASE_URL = re.compile(r"^https://[^\s]+$")
PREFIX = re.compile(r"^[a-z][a-z0-9-]{1,19}$")
STACKSET_ADMINS = ("management", "security")

_KEYS = {
    "organization_id",
    "management_account_id",
    "security_account_id",
    "stackset_admin",
    "target_ou_ids",
    "regions",
    "home_region",
    "checks",
    "tutorials",
    "notifications",
    "auto_remediation",
    "management_account_rules",
    "config_recorder",
    "resource_prefix",
    "example",
}
_CHECK_KEYS = {"enabled", "disabled", "parameters", "frequencies"}


class ConfigError(ValueError):
    """The configuration is invalid; the message names the key and the problem."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{CONTEXT_KEY}{'.' + key if key else ''}: {problem}")
        self.key = key


@dataclass(frozen=True)
class CheckSettings:
    parameters: dict[str, Any]  # typed values of every declared parameter, defaults filled in
    frequency: str | None  # periodic frequency, for checks that run periodically


@dataclass(frozen=True)
class AutoRemediation:
    """How AWS Config runs one check's fix by itself (the team opted the check in).

    Limits are AWS Config's (RemediationConfiguration in the API model); the defaults are
    cautious: a few attempts, spaced out, a small share of resources at a time, and a stop
    as soon as a tenth of them fail.
    """

    maximum_attempts: int = 3  # MaximumAutomaticAttempts, 1-25
    retry_seconds: int = 600  # RetryAttemptSeconds, 1-2678000
    concurrency_percent: int = 10  # SsmControls.ConcurrentExecutionRatePercentage, 1-100
    error_percent: int = 10  # SsmControls.ErrorPercentage, 1-100


# Key in cdk.json -> (field, minimum, maximum).
AUTO_REMEDIATION_LIMITS = {
    "maximum_attempts": (1, 25),
    "retry_seconds": (1, 2678000),
    "concurrency_percent": (1, 100),
    "error_percent": (1, 100),
}


@dataclass(frozen=True)
class ConfigRecorderSettings:
    """Optional: a Config recorder and delivery channel for accounts that have none."""

    delivery_bucket: str  # an existing central bucket (e.g. in a log archive account)


@dataclass(frozen=True)
class DeploymentConfig:
    organization_id: str
    management_account_id: str
    security_account_id: str
    stackset_admin: str  # "management" (CallAs SELF) or "security" (DELEGATED_ADMIN)
    target_ou_ids: tuple[str, ...]
    regions: tuple[str, ...]
    home_region: str
    checks: dict[str, CheckSettings]  # the enabled checks, by id
    tutorial_language: str
    tutorial_base_url: str | None
    notification_emails: tuple[str, ...]
    notification_minimum_severity: str
    auto_remediation: dict[str, AutoRemediation]  # the checks whose fixes run by themselves
    management_account_rules: bool
    config_recorder: ConfigRecorderSettings | None
    resource_prefix: str
    example: bool = field(default=False)  # the values are the shipped examples

    @property
    def admin_account_id(self) -> str:
        """The account that owns the StackSet and the code buckets."""
        if self.stackset_admin == "management":
            return self.management_account_id
        return self.security_account_id

    @property
    def call_as(self) -> str:
        return "SELF" if self.stackset_admin == "management" else "DELEGATED_ADMIN"

    def code_bucket_name(self, region: str) -> str:
        return f"{self.resource_prefix}-code-{self.admin_account_id}-{region}"

    # Names two templates share: the security account's one-click function assumes the
    # starter role of a member account, which trusts that function's role by name.
    @property
    def one_click_role_name(self) -> str:
        """The one-click function's role, in the security account."""
        return f"{self.resource_prefix}-one-click"

    @property
    def remediation_starter_role_name(self) -> str:
        """In every member account: may only start the fixes Config is configured with."""
        return f"{self.resource_prefix}-remediation-starter"

    @property
    def automation_role_path(self) -> str:
        """Every automation role lives under this IAM path: PassRole is scoped to it."""
        return f"/{self.resource_prefix}/remediation/"


def load_config(context: Any, registry: Registry) -> DeploymentConfig:
    """Validate the `scanmonster` context object against the registry of checks."""
    if not isinstance(context, dict):
        raise ConfigError("", "the CDK context needs a 'scanmonster' object (see cdk.json)")
    unknown = sorted(set(context) - _KEYS)
    if unknown:
        raise ConfigError(unknown[0], f"unknown key (known: {', '.join(sorted(_KEYS))})")

    organization_id = _match(context, "organization_id", ORGANIZATION_ID, "o-" + "x" * 10)
    management = _match(context, "management_account_id", ACCOUNT_ID, "12 digits")
    security = _match(context, "security_account_id", ACCOUNT_ID, "12 digits")
    admin = context.get("stackset_admin", "security")
    if admin not in STACKSET_ADMINS:
        raise ConfigError("stackset_admin", f"{admin!r} is not one of {', '.join(STACKSET_ADMINS)}")
    if admin == "security" and security == management:
        raise ConfigError(
            "security_account_id",
            "the delegated administrator must not be the management account "
            "(set stackset_admin to 'management' to administer from there)",
        )

    target_ous = _list_of(context, "target_ou_ids", TARGET_ID, "ou-xxxx-xxxxxxxx or r-xxxx")
    regions = _list_of(context, "regions", REGION, "an AWS Region such as eu-west-1")
    home = context.get("home_region", regions[0])
    if home not in regions:
        raise ConfigError("home_region", f"{home!r} must be one of the regions {list(regions)}")

    checks = _checks(context.get("checks", {}), registry)
    language, base_url = _tutorials(context.get("tutorials", {}))
    emails, minimum_severity = _notifications(context.get("notifications", {}))
    auto_remediation = _auto_remediation(context.get("auto_remediation", {}), checks, registry)
    recorder = _recorder(context.get("config_recorder"))
    prefix = context.get("resource_prefix", "scanmonster")
    if not isinstance(prefix, str) or not PREFIX.match(prefix):
        raise ConfigError("resource_prefix", "2-20 of a-z 0-9 -, starting with a letter")
    management_rules = _bool(context, "management_account_rules", default=True)
    example = _bool(context, "example", default=False)

    return DeploymentConfig(
        organization_id=organization_id,
        management_account_id=management,
        security_account_id=security,
        stackset_admin=admin,
        target_ou_ids=target_ous,
        regions=regions,
        home_region=home,
        checks=checks,
        tutorial_language=language,
        tutorial_base_url=base_url,
        notification_emails=emails,
        notification_minimum_severity=minimum_severity,
        auto_remediation=auto_remediation,
        management_account_rules=management_rules,
        config_recorder=recorder,
        resource_prefix=prefix,
        example=example,
    )


def _match(context: dict[str, Any], key: str, pattern: re.Pattern[str], shape: str) -> str:
    value = context.get(key)
    if value is None:
        raise ConfigError(key, f"required ({shape})")
    if not isinstance(value, str) or not pattern.match(value):
        raise ConfigError(key, f"{value!r} is malformed: expected {shape}")
    return value


def _list_of(
    context: dict[str, Any], key: str, pattern: re.Pattern[str], shape: str
) -> tuple[str, ...]:
    values = context.get(key)
    if not isinstance(values, list):
        raise ConfigError(key, f"required, a list ({shape})")
    if not values:
        raise ConfigError(key, "must not be empty")
    for index, value in enumerate(values):
        if not isinstance(value, str) or not pattern.match(value):
            raise ConfigError(f"{key}[{index}]", f"{value!r} is malformed: expected {shape}")
    if len(set(values)) != len(values):
        raise ConfigError(key, "lists a value twice")
    return tuple(values)


def _bool(context: dict[str, Any], key: str, *, default: bool) -> bool:
    value = context.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(key, f"must be true or false, got {value!r}")
    return value


def _check_ids(values: Any, key: str, registry: Registry) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ConfigError(key, "must be a list of check ids")
    for index, check_id in enumerate(values):
        if check_id not in registry:
            raise ConfigError(f"{key}[{index}]", f"unknown check {check_id!r}")
    return values


def _checks(raw: Any, registry: Registry) -> dict[str, CheckSettings]:
    if not isinstance(raw, dict):
        raise ConfigError("checks", "must be an object")
    unknown = sorted(set(raw) - _CHECK_KEYS)
    if unknown:
        raise ConfigError(
            f"checks.{unknown[0]}", f"unknown key (known: {', '.join(sorted(_CHECK_KEYS))})"
        )
    enabled = raw.get("enabled", "all")
    enabled_ids = (
        list(registry) if enabled == "all" else _check_ids(enabled, "checks.enabled", registry)
    )
    disabled = set(_check_ids(raw.get("disabled", []), "checks.disabled", registry))
    selected = [c for c in enabled_ids if c not in disabled]
    if not selected:
        raise ConfigError("checks", "every check is disabled: enable at least one")

    parameters = raw.get("parameters", {})
    frequencies = raw.get("frequencies", {})
    for key, table in (("parameters", parameters), ("frequencies", frequencies)):
        if not isinstance(table, dict):
            raise ConfigError(f"checks.{key}", "must be an object keyed by check id")
        for check_id in table:
            if check_id not in registry:
                raise ConfigError(f"checks.{key}.{check_id}", "unknown check")
            if check_id not in selected:
                raise ConfigError(f"checks.{key}.{check_id}", "the check is not enabled")

    settings = {}
    for check_id in selected:
        check = registry[check_id]
        given = parameters.get(check_id, {})
        if not isinstance(given, dict):
            raise ConfigError(f"checks.parameters.{check_id}", "must be an object")
        try:
            values = parse_rule_parameters(given, check.parameters)
        except InvalidParameterError as error:
            raise ConfigError(
                f"checks.parameters.{check_id}.{error.name}", str(error).split(": ", 1)[1]
            ) from None
        frequency = frequencies.get(check_id, check.periodic_frequency)
        if check_id in frequencies:
            if not check.periodic_frequency:
                raise ConfigError(
                    f"checks.frequencies.{check_id}", "the check runs on configuration changes only"
                )
            if frequency not in FREQUENCIES:
                raise ConfigError(
                    f"checks.frequencies.{check_id}",
                    f"{frequency!r} is not one of {', '.join(FREQUENCIES)}",
                )
        settings[check_id] = CheckSettings(parameters=values, frequency=frequency)
    return settings


def _tutorials(raw: Any) -> tuple[str, str | None]:
    if not isinstance(raw, dict):
        raise ConfigError("tutorials", "must be an object")
    unknown = sorted(set(raw) - {"language", "base_url"})
    if unknown:
        raise ConfigError(f"tutorials.{unknown[0]}", "unknown key (known: base_url, language)")
    language = raw.get("language", "en")
    if language not in LANGUAGES:
        raise ConfigError(
            "tutorials.language", f"{language!r} is not one of {', '.join(LANGUAGES)}"
        )
    base_url = raw.get("base_url")
    if base_url is not None and (not isinstance(base_url, str) or not BASE_URL.match(base_url)):
        raise ConfigError("tutorials.base_url", f"{base_url!r} must be an https:// URL")
    return language, base_url.rstrip("/") if base_url else None


def _notifications(raw: Any) -> tuple[tuple[str, ...], str]:
    if not isinstance(raw, dict):
        raise ConfigError("notifications", "must be an object")
    unknown = sorted(set(raw) - {"emails", "minimum_severity"})
    if unknown:
        raise ConfigError(
            f"notifications.{unknown[0]}", "unknown key (known: emails, minimum_severity)"
        )
    emails = raw.get("emails", [])
    if not isinstance(emails, list):
        raise ConfigError("notifications.emails", "must be a list of email addresses")
    for index, email in enumerate(emails):
        if not isinstance(email, str) or not EMAIL.match(email):
            raise ConfigError(
                f"notifications.emails[{index}]", f"{email!r} is not an email address"
            )
    severity = raw.get("minimum_severity", "HIGH")
    if severity not in SEVERITIES:
        raise ConfigError(
            "notifications.minimum_severity", f"{severity!r} is not one of {', '.join(SEVERITIES)}"
        )
    return tuple(emails), severity


def _auto_remediation(
    raw: Any, checks: dict[str, CheckSettings], registry: Registry
) -> dict[str, AutoRemediation]:
    if not isinstance(raw, dict):
        raise ConfigError(
            "auto_remediation",
            'must be an object keyed by check id, e.g. {"s3_bucket_ssl_requests_only": {}}',
        )
    opted_in = {}
    for check_id, settings in raw.items():
        key = f"auto_remediation.{check_id}"
        if check_id not in registry:
            raise ConfigError(key, "unknown check")
        if check_id not in checks:
            raise ConfigError(key, "the check is not enabled")
        if registry[check_id].remediation is None:
            raise ConfigError(key, "the check has no remediation document")
        if not isinstance(settings, dict):
            raise ConfigError(key, "must be an object ({} takes the defaults)")
        unknown = sorted(set(settings) - set(AUTO_REMEDIATION_LIMITS))
        if unknown:
            raise ConfigError(
                f"{key}.{unknown[0]}",
                f"unknown key (known: {', '.join(AUTO_REMEDIATION_LIMITS)})",
            )
        for name, value in settings.items():
            low, high = AUTO_REMEDIATION_LIMITS[name]
            if type(value) is not int or not low <= value <= high:
                raise ConfigError(
                    f"{key}.{name}", f"{value!r}: a whole number from {low} to {high}"
                )
        opted_in[check_id] = AutoRemediation(**settings)
    return opted_in


def refuse_automatic_fixes_of_accepted_risks(
    config: DeploymentConfig, acceptances: Sequence[RiskAcceptance]
) -> None:
    """AWS Config's automatic remediation knows nothing of risk acceptances (they live in
    Security Hub): it would undo a setting the team decided to keep. So a check cannot be
    both automatically fixed and accepted somewhere; the team chooses."""
    for acceptance in acceptances:
        if acceptance.check in config.auto_remediation:
            raise ConfigError(
                f"auto_remediation.{acceptance.check}",
                f"risk-acceptances.toml accepts this check's risk (acceptance "
                f"'{acceptance.id}'), and an automatic fix would undo what was accepted: "
                "keep the check manual (one click still works), or remove the acceptance",
            )


def _recorder(raw: Any) -> ConfigRecorderSettings | None:
    if raw is None or raw is False:
        return None
    if not isinstance(raw, dict):
        raise ConfigError("config_recorder", "must be an object with delivery_bucket, or false")
    bucket = raw.get("delivery_bucket")
    if not isinstance(bucket, str) or not re.match(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", bucket):
        raise ConfigError("config_recorder.delivery_bucket", "required, an S3 bucket name")
    return ConfigRecorderSettings(delivery_bucket=bucket)
