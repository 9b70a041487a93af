"""Settings of the findings functions, from environment variables the stack sets.

Parsed once per cold start; a mistake fails every invocation with a message naming the
variable, instead of findings enriched with a broken link or notifications sent nowhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from scanmonster.findings.errors import SettingsError
from scanmonster.metadata import SEVERITIES
from scanmonster.tutorials import LANGUAGES

LANGUAGE = "SCANMONSTER_LANGUAGE"
TUTORIAL_BASE_URL = "SCANMONSTER_TUTORIAL_BASE_URL"
TOPIC_ARN = "SCANMONSTER_TOPIC_ARN"
MIN_SEVERITY = "SCANMONSTER_MIN_SEVERITY"
DEFAULT_MIN_SEVERITY = "HIGH"

_URL = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?")
_TOPIC = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?")


@dataclass(frozen=True)
class Settings:
    language: str
    tutorial_base_url: str
    topic_arn: str | None
    min_severity: str

    def tutorial_url(self, check_id: str) -> str:
        return f"{self.tutorial_base_url}/{self.language}/{check_id}.html"

    def notifies(self, severity: str) -> bool:
        """Whether a check of this severity is at or above the notification minimum."""
        return SEVERITIES.index(severity) <= SEVERITIES.index(self.min_severity)


def load_settings(environ: Mapping[str, str]) -> Settings:
    language = required(environ, LANGUAGE)
    if language not in LANGUAGES:
        raise SettingsError(LANGUAGE, f"'{language}' is not one of {', '.join(LANGUAGES)}")

    base_url = required(environ, TUTORIAL_BASE_URL)
    if base_url.endswith("/"):
        raise SettingsError(TUTORIAL_BASE_URL, f"'{base_url}' must not end with '/'")
    if not _URL.fullmatch(base_url):
        raise SettingsError(
            TUTORIAL_BASE_URL,
            f"'{base_url}' is not an https:// URL (e.g. https://docs.example.com)",
        )

    # Optional: unset or empty means no notifications (findings are still enriched).
    topic_arn = environ.get(TOPIC_ARN, "").strip() or None
    if topic_arn is not None and not _TOPIC.fullmatch(topic_arn):
        raise SettingsError(TOPIC_ARN, f"'{topic_arn}' is not an SNS topic ARN")

    min_severity = environ.get(MIN_SEVERITY, "").strip() or DEFAULT_MIN_SEVERITY
    if min_severity not in SEVERITIES:
        raise SettingsError(MIN_SEVERITY, f"'{min_severity}' is not one of {', '.join(SEVERITIES)}")
    return Settings(language, base_url, topic_arn, min_severity)


def required(environ: Mapping[str, str], name: str) -> str:
    """The variable's value, stripped; unset or blank fails naming it (every function's
    settings read their variables through this)."""
    value = environ.get(name, "").strip()
    if not value:
        raise SettingsError(name, "required, not set")
    return value
