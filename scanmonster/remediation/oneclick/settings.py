"""Settings of the one-click function, from environment variables the stack sets.

Parsed once per cold start; a mistake fails every invocation with a message naming the
variable (like scanmonster/findings/settings.py), instead of a run that assumes a role
that does not exist or refuses every finding for a mistyped Region.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from scanmonster.findings.errors import SettingsError
from scanmonster.findings.settings import required
from scanmonster.tutorials import LANGUAGES

LANGUAGE = "SCANMONSTER_LANGUAGE"
STARTER_ROLE = "SCANMONSTER_STARTER_ROLE"
REGIONS = "SCANMONSTER_REGIONS"

# What the deployment must grant, besides these variables: the exact IAM actions the code
# calls (tests/remediation/test_oneclick.py proves both lists against the calls made).
# With the starter role assumed in a member account (member.py):
MEMBER_ACTIONS = (
    "config:GetComplianceDetailsByConfigRule",
    "config:SelectResourceConfig",
    "config:StartRemediationExecution",
)
# With the function's own role (process.py):
OWN_ACTIONS = ("sts:AssumeRole", "securityhub:BatchUpdateFindings")

# IAM role names (IAM API reference, CreateRole RoleName): 1-64 of [\w+=,.@-]. A path
# ("/team/Role") is refused: the role ARN is built as role/<name>.
_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")


@dataclass(frozen=True)
class OneClickSettings:
    language: str
    starter_role: str  # role name in every member account, assumed to start a fix
    regions: tuple[str, ...]  # the deployment's Regions: findings elsewhere are refused

    def starter_role_arn(self, partition: str, account: str) -> str:
        return f"arn:{partition}:iam::{account}:role/{self.starter_role}"


def load_settings(environ: Mapping[str, str]) -> OneClickSettings:
    language = required(environ, LANGUAGE)
    if language not in LANGUAGES:
        raise SettingsError(LANGUAGE, f"'{language}' is not one of {', '.join(LANGUAGES)}")

    role = required(environ, STARTER_ROLE)
    if not _ROLE_NAME.fullmatch(role):
        raise SettingsError(
            STARTER_ROLE,
            f"'{role}' is not an IAM role name (1-64 of A-Z a-z 0-9 _ + = , . @ -, no path)",
        )

    regions: list[str] = []
    for index, region in enumerate(required(environ, REGIONS).split(",")):
        region = region.strip()
        if not _REGION.fullmatch(region):
            raise SettingsError(
                REGIONS,
                f"item {index + 1} '{region}' is not an AWS Region such as ap-northeast-1 "
                "(expected a comma-separated list)",
            )
        if region not in regions:
            regions.append(region)
    return OneClickSettings(language, role, tuple(regions))
