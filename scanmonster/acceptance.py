"""Accepted risks: `risk-acceptances.toml`, validated on load, matched against findings.

A person decided that a failing check is expected somewhere (e.g. no root MFA in lab
accounts) and accepted the risk until a date. The findings enricher suppresses matching
findings in Security Hub while the acceptance is active. The CDK app loads the file at
synth, so a mistake (or an acceptance that has run out) stops the deployment with a message
naming the file, the entry and the field, instead of silently suppressing the wrong findings.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from scanmonster import ROOT
from scanmonster.metadata import Check

ACCEPTANCES_FILE = ROOT / "risk-acceptances.toml"

ANY = "*"
ACCEPTANCE_ID = re.compile(r"[a-z0-9-]{3,64}")
ACCOUNT_ID = re.compile(r"[0-9]{12}")
# ap-northeast-1, us-gov-west-1, us-isob-east-1, eu-central-2 ...
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}")
# Characters of resource ids and ARNs, plus the two wildcards. No '[': fnmatch would read
# it as a character class, a third wildcard syntax nobody reviews for.
RESOURCE_PATTERN = re.compile(r"[A-Za-z0-9\-_.:/*?@+=,]+")
REASON_MIN = 10
# At most one year ahead, counting a leap day: an acceptance must be decided again.
MAX_TERM = datetime.timedelta(days=366)

_FIELDS = ("id", "check", "accounts", "regions", "resource", "reason", "approver", "expires")
_TOP_LEVEL_KEYS = {"acceptance"}
# `field` for errors about the whole file rather than one entry.
FILE_FIELD = "<file>"


class AcceptanceError(ValueError):
    """The acceptances file is invalid; the message names the file, the entry and the field.

    `index` is the entry's position (0-based) in the file, or -1 when the problem concerns
    the file as a whole (not TOML, unknown top-level key); `acceptance_id` is the entry's id
    as written (None when it has none).
    """

    def __init__(
        self,
        path: Path | str,
        index: int,
        acceptance_id: str | None,
        field_name: str,
        problem: str,
    ) -> None:
        where = f"{path}: "
        if index >= 0:
            where += f"acceptance[{index}] ({acceptance_id or '<no id>'}): "
        super().__init__(f"{where}field '{field_name}': {problem}")
        self.path = str(path)
        self.index = index
        self.acceptance_id = acceptance_id
        self.field = field_name
        self.problem = problem


@dataclass(frozen=True)
class RiskAcceptance:
    id: str
    check: str
    accounts: tuple[str, ...]  # 12-digit account ids, or ("*",)
    regions: tuple[str, ...]  # AWS regions, or ("*",)
    resource: str  # glob on a resource id or ARN: "*" any run, "?" one character
    reason: str
    approver: str
    expires: datetime.date  # the acceptance holds through this day (UTC)

    def matches(
        self, *, check_id: str, account: str, region: str, resources: Sequence[str]
    ) -> bool:
        """Whether this acceptance covers a finding, ignoring expiry (see `active`).

        The pattern is tried on every resource id/ARN of the finding: Security Hub names a
        resource by ARN where Config named it by id, and the person writing the file may
        know either. A finding without resources matches nothing.
        """
        return (
            check_id == self.check
            and (self.accounts == (ANY,) or account in self.accounts)
            and (self.regions == (ANY,) or region in self.regions)
            and any(fnmatchcase(resource, self.resource) for resource in resources)
        )

    def active(self, today: datetime.date) -> bool:
        return today <= self.expires


def find_acceptance(
    acceptances: Sequence[RiskAcceptance],
    *,
    check_id: str,
    account: str,
    region: str,
    resources: Sequence[str],
    today: datetime.date,
) -> RiskAcceptance | None:
    """The first active acceptance, in file order, covering the finding; None if none."""
    for acceptance in acceptances:
        if acceptance.active(today) and acceptance.matches(
            check_id=check_id, account=account, region=region, resources=resources
        ):
            return acceptance
    return None


def load_acceptances(
    path: Path, registry: Mapping[str, Check], *, today: datetime.date
) -> list[RiskAcceptance]:
    """Parse and validate the acceptances file; `registry` is `load_registry()`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AcceptanceError(path, -1, None, FILE_FIELD, f"cannot read: {error}") from error
    return parse_acceptances(text, registry, today=today, path=str(path))


def parse_acceptances(
    text: str,
    registry: Mapping[str, Check],
    *,
    today: datetime.date,
    path: str = "<text>",
) -> list[RiskAcceptance]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AcceptanceError(path, -1, None, FILE_FIELD, f"not valid TOML: {error}") from error
    unknown = sorted(set(raw) - _TOP_LEVEL_KEYS)
    if unknown:
        raise AcceptanceError(
            path, -1, None, unknown[0], "unknown top-level key (write [[acceptance]] tables)"
        )
    entries = raw.get("acceptance", [])
    # `[acceptance]` (one table, not an array of tables) is the likely slip here.
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise AcceptanceError(
            path, -1, None, "acceptance", "must be an array of tables: write [[acceptance]]"
        )

    acceptances: list[RiskAcceptance] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        acceptance = _Entry(path, index, entry).parse(registry, today)
        if acceptance.id in seen:
            raise AcceptanceError(
                path,
                index,
                acceptance.id,
                "id",
                f"duplicate: acceptance[{seen[acceptance.id]}] has the same id",
            )
        seen[acceptance.id] = index
        acceptances.append(acceptance)
    return acceptances


class _Entry:
    """Validation of one [[acceptance]] table; every failure names the field."""

    def __init__(self, path: str, index: int, raw: dict[str, Any]) -> None:
        self.path = path
        self.index = index
        self.raw = raw
        written_id = raw.get("id")
        self.id = written_id if isinstance(written_id, str) and written_id else None

    def fail(self, field_name: str, problem: str) -> None:
        raise AcceptanceError(self.path, self.index, self.id, field_name, problem)

    def parse(self, registry: Mapping[str, Check], today: datetime.date) -> RiskAcceptance:
        unknown = sorted(set(self.raw) - set(_FIELDS))
        if unknown:
            self.fail(unknown[0], f"unknown field (known: {', '.join(_FIELDS)})")

        acceptance_id = self.string("id")
        if not ACCEPTANCE_ID.fullmatch(acceptance_id):
            self.fail("id", "3 to 64 of lowercase letters, digits and '-'")

        check = self.string("check")
        if check not in registry:
            self.fail("check", f"unknown check '{check}' (known: {', '.join(registry)})")

        reason = self.string("reason")
        if len(reason.strip()) < REASON_MIN:
            self.fail("reason", f"at least {REASON_MIN} characters: say why the risk is accepted")

        return RiskAcceptance(
            id=acceptance_id,
            check=check,
            accounts=self.scope("accounts", ACCOUNT_ID, "a 12-digit account id"),
            regions=self.scope("regions", REGION, "an AWS region like 'ap-northeast-1'"),
            resource=self.resource(),
            reason=reason,
            approver=self.string("approver"),
            expires=self.expires(today),
        )

    def string(self, key: str) -> str:
        value = self.raw.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "required, a non-empty string")
        return value

    def scope(self, key: str, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
        """A list of ids matching `pattern`, or exactly ["*"]."""
        value = self.raw.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(x, str) for x in value):
            self.fail(key, f'required, a non-empty list of strings (or ["{ANY}"])')
        if ANY in value and len(value) > 1:
            self.fail(key, f'"{ANY}" already means all: it cannot be listed with others')
        for item in value:
            if item != ANY and not pattern.fullmatch(item):
                self.fail(key, f"'{item}' is not {what}")
        if len(set(value)) != len(value):
            self.fail(key, "lists a value twice")
        return tuple(value)

    def resource(self) -> str:
        value = self.raw.get("resource")
        if not isinstance(value, str) or not value:
            self.fail("resource", 'required, a resource id or ARN pattern ("*" for all)')
        if not RESOURCE_PATTERN.fullmatch(value):
            self.fail(
                "resource",
                f"'{value}' has characters other than letters, digits and -_.:/*?@+=, "
                "(wildcards: '*' any run, '?' one character)",
            )
        # "**" or "?" would read as "everything" or "anything of one character" by accident:
        # accepting every resource must be written plainly as "*".
        if value != ANY and not value.strip("*?"):
            self.fail("resource", f"'{value}' is only wildcards: write \"{ANY}\" for all resources")
        return value

    def expires(self, today: datetime.date) -> datetime.date:
        value = self.raw.get("expires")
        # tomllib returns datetime.datetime (a date subclass) for date-times: refuse those,
        # the acceptance ends with a whole day.
        if type(value) is not datetime.date:
            self.fail("expires", "required, a TOML date like 2027-03-31 (no quotes, no time)")
        if value < today:
            self.fail("expires", f"{value} has passed (today is {today}): renew or remove")
        if value > today + MAX_TERM:
            self.fail(
                "expires",
                f"{value} is more than one year ahead (at most {today + MAX_TERM})",
            )
        return value
