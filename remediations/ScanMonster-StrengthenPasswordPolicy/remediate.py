"""ScanMonster-StrengthenPasswordPolicy: raise the account password policy to the check's bar.

The aws:executeScript step of the document (SSM's python3.11 runtime: the standard library
and boto3 only, nothing of ScanMonster). iam_password_policy_strong wants a minimum length,
a number of previous passwords that cannot be reused and, optionally, all four character
types. UpdateAccountPasswordPolicy has no partial update: every setting it is not given
returns to its default (expiry off, users no longer allowed to change their own password).
So the script reads the whole current policy and writes it back whole, with only the
settings that fall short raised: length and reuse to the larger of current and required,
each character type required when it was or when the check requires it. Nothing is ever
lowered, and nothing the check does not look at (expiry, hard expiry, self-service
password change) changes. When nothing falls short, nothing is written.

Field names, ranges and defaults: the botocore IAM model (UpdateAccountPasswordPolicy,
PasswordPolicy) and https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

BOTO_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 10}, user_agent_extra="scanmonster-remediation"
)
LENGTH, REUSE = "MinimumPasswordLength", "PasswordReusePrevention"
LENGTH_RANGE, REUSE_RANGE = (6, 128), (1, 24)  # what UpdateAccountPasswordPolicy accepts
CHARACTER_CLASSES = {
    "RequireUppercaseCharacters": "uppercase letters",
    "RequireLowercaseCharacters": "lowercase letters",
    "RequireNumbers": "numbers",
    "RequireSymbols": "symbols",
}
# Settings the check does not look at: kept exactly as the current policy has them.
KEPT_BOOLEANS = ("AllowUsersToChangePassword", "HardExpiry")
MAX_AGE = "MaxPasswordAge"
# With no policy at all, IAM applies its default policy: at least 8 characters and three of
# the four character types, passwords never expire
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html#default-policy-details).
# A custom policy cannot say "three of four", so the new policy requires all four, and at
# least 8 characters, even when the check asks for less: creating a policy must not weaken
# what applied before. Users may change their own password, so that they can move to a
# password that meets the new rules without an administrator.
DEFAULT_POLICY_LENGTH = 8
NEW_POLICY_ALLOWS_SELF_CHANGE = True
NOT_SET = "not set"


class RemediationError(Exception):
    """The remediation cannot run; the message names the resource and the reason."""


def handler(events: dict[str, Any], context: Any) -> dict[str, Any]:
    required_length = parse_int(events.get(LENGTH, "14"), LENGTH, LENGTH_RANGE)
    required_reuse = parse_int(events.get(REUSE, "24"), REUSE, REUSE_RANGE)
    require_classes = parse_bool(events.get("RequireCharacterClasses", "true"))
    iam = boto3.client("iam", config=BOTO_CONFIG)
    current = read_policy(iam)
    wanted = strengthened(current, required_length, required_reuse, require_classes)
    changed = changes(current, wanted)
    if not changed:
        return {
            "Changed": False,
            "ChangedSettings": [],
            "Message": (
                "Nothing changed: the account password policy already requires at least "
                f"{required_length} characters, blocks reuse of the last {required_reuse} "
                "passwords"
                + (" and requires all four character types" if require_classes else "")
                + "."
            ),
        }
    try:
        iam.update_account_password_policy(**wanted)
    except ClientError as error:
        raise RemediationError(
            f"Could not write the account password policy: {error}; nothing was changed."
        ) from error
    return {"Changed": True, "ChangedSettings": changed, "Message": message(current, changed)}


def parse_int(text: Any, name: str, bounds: tuple[int, int]) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        value = None
    if value is None or not bounds[0] <= value <= bounds[1]:
        raise RemediationError(
            f"{name} '{text}' is not a whole number from {bounds[0]} to {bounds[1]}; "
            "nothing was changed."
        )
    return value


def parse_bool(text: Any) -> bool:
    value = str(text).strip().lower()
    if value not in ("true", "false"):
        raise RemediationError(
            f"RequireCharacterClasses '{text}' is neither true nor false; nothing was changed."
        )
    return value == "true"


def read_policy(iam: Any) -> dict[str, Any] | None:
    """The account password policy; None when the account has none (NoSuchEntity)."""
    try:
        return iam.get_account_password_policy()["PasswordPolicy"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchEntity":
            return None
        raise RemediationError(
            f"Could not read the account password policy: {error}; nothing was changed."
        ) from error


def strengthened(
    current: dict[str, Any] | None, length: int, reuse: int, require_classes: bool
) -> dict[str, Any]:
    """The UpdateAccountPasswordPolicy parameters: the current policy, shortfalls raised."""
    if current is None:
        return {
            LENGTH: max(length, DEFAULT_POLICY_LENGTH),
            REUSE: reuse,
            **dict.fromkeys(CHARACTER_CLASSES, True),
            "AllowUsersToChangePassword": NEW_POLICY_ALLOWS_SELF_CHANGE,
        }
    wanted: dict[str, Any] = {
        LENGTH: max(positive(current.get(LENGTH)) or 0, length),
        REUSE: max(positive(current.get(REUSE)) or 0, reuse),
    }
    for name in CHARACTER_CLASSES:
        wanted[name] = current.get(name) is True or require_classes
    for name in KEPT_BOOLEANS:
        wanted[name] = current.get(name) is True
    # IAM leaves MaxPasswordAge out when passwords never expire (some readers give 0); the
    # API refuses 0, and leaving it out keeps "never expire".
    if max_age := positive(current.get(MAX_AGE)):
        wanted[MAX_AGE] = max_age
    return wanted


def positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def changes(current: dict[str, Any] | None, wanted: dict[str, Any]) -> list[dict[str, str]]:
    """One map per setting whose value differs from the current policy (Before, After)."""
    found = []
    for name, after in wanted.items():
        before = None if current is None else current.get(name)
        if isinstance(after, bool):
            differs = (before is True) != after
        else:
            differs = positive(before) != after
        if differs:
            found.append({"Setting": name, "Before": text(before), "After": text(after)})
    return found


def text(value: Any) -> str:
    if value is None:
        return NOT_SET
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def message(current: dict[str, Any] | None, changed: list[dict[str, str]]) -> str:
    after = {c["Setting"]: c["After"] for c in changed}
    before = {c["Setting"]: c["Before"] for c in changed}
    classes = [label for name, label in CHARACTER_CLASSES.items() if after.get(name) == "true"]
    if current is None:
        opening = (
            "The account had no password policy, so IAM's default rules applied. It now has "
            f"one: at least {after[LENGTH]} characters; the last {after[REUSE]} passwords "
            f"cannot be reused; {', '.join(classes)} required; IAM users may change their "
            "own password; passwords do not expire."
        )
    else:
        parts = []
        if LENGTH in after:
            parts.append(f"minimum length {before[LENGTH]} -> {after[LENGTH]}")
        if REUSE in after:
            was = "off" if before[REUSE] == NOT_SET else f"last {before[REUSE]}"
            parts.append(f"reuse prevention {was} -> last {after[REUSE]} passwords")
        if classes:
            parts.append(f"{', '.join(classes)} now required")
        opening = (
            "The account password policy was raised where it fell short: "
            + "; ".join(parts)
            + ". Every other setting, password expiry included, is as it was."
        )
    return (
        opening + " Existing passwords keep working; the new rules apply when each IAM user "
        "next sets or changes a password."
    )
