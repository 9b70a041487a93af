"""The AWS-owned SSM Automation documents our checks use, as data: remediations/aws-owned.toml.

AWS publishes these documents in every account; we cannot read or test their content here,
so what they take, need and change is written down once, from the runbook reference page
each entry names, and validated on load. An error names the file and the field, as for our
own documents (scanmonster/remediation/documents.py) and for checks.

Each table, named by the document's exact name:
- `source`: the https://docs.aws.amazon.com/ page the entry was verified with;
- `parameters`: every parameter of the document (AutomationAssumeRole among them);
- `required`: the parameters without a default;
- `permissions`: the IAM actions its automation role needs (every call of its steps);
- `changes`: one plain sentence saying what running it changes.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from scanmonster.metadata import DOCUMENT_NAME, DOCUMENT_PARAMETER, OWN_DOCUMENT_PREFIX, PERMISSION
from scanmonster.remediation.documents import ASSUME_ROLE_PARAMETER, DOCUMENTS_DIR, DocumentError

AWS_OWNED_FILE = DOCUMENTS_DIR / "aws-owned.toml"
FIELDS = ("source", "parameters", "required", "permissions", "changes")
# The runbook reference lives there; a blog post or a copy elsewhere is not a source.
SOURCE_PREFIX = "https://docs.aws.amazon.com/"
CHANGES_MAX = 300  # one sentence, short enough to show beside a finding


@dataclass(frozen=True)
class AwsOwnedDocument:
    """One AWS-owned document, as aws-owned.toml describes it."""

    name: str
    source: str
    parameters: tuple[str, ...]
    required: tuple[str, ...]
    permissions: tuple[str, ...]
    changes: str


def load_aws_owned(path: Path = AWS_OWNED_FILE) -> dict[str, AwsOwnedDocument]:
    """Every entry of `path`, validated, by document name."""
    if not path.is_file():
        raise DocumentError(path, "<file>", "missing: it lists the AWS-owned documents we use")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DocumentError(path, "<file>", f"not valid TOML: {error}") from error
    return {name: _document(path, name, entry) for name, entry in raw.items()}


def _document(path: Path, name: str, entry: Any) -> AwsOwnedDocument:
    def fail(field_name: str, problem: str) -> NoReturn:
        raise DocumentError(path, field_name, problem)

    if not DOCUMENT_NAME.match(name):
        fail(name, "not an SSM document name (3-128 of A-Z a-z 0-9 _ . -)")
    if name.startswith(OWN_DOCUMENT_PREFIX):
        fail(name, f"'{OWN_DOCUMENT_PREFIX}' documents are ours: a folder under remediations/")
    if not isinstance(entry, dict):
        fail(name, f"must be a table with {', '.join(FIELDS)}")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        fail(f"{name}.{unknown[0]}", f"unknown field (known: {', '.join(FIELDS)})")

    source = entry.get("source")
    if not isinstance(source, str) or not source.startswith(SOURCE_PREFIX):
        fail(f"{name}.source", f"required: the runbook reference page, {SOURCE_PREFIX}...")

    def names(key: str, pattern: re.Pattern[str], one: str) -> tuple[str, ...]:
        value = entry.get(key)
        if not isinstance(value, list) or not value:
            fail(f"{name}.{key}", "required: a non-empty list of strings")
        for item in value:
            if not isinstance(item, str) or not pattern.match(item):
                fail(f"{name}.{key}", f"{item!r} is not {one}")
        if len(set(value)) != len(value):
            fail(f"{name}.{key}", "lists a value twice")
        return tuple(value)

    parameters = names("parameters", DOCUMENT_PARAMETER, "a document parameter name")
    if ASSUME_ROLE_PARAMETER not in parameters:
        fail(
            f"{name}.parameters",
            f"missing {ASSUME_ROLE_PARAMETER}: AWS Config passes the automation role through it",
        )
    required = names("required", DOCUMENT_PARAMETER, "a document parameter name")
    stray = [p for p in required if p not in parameters]
    if stray:
        fail(f"{name}.required", f"'{stray[0]}' is not one of its parameters")
    permissions = names("permissions", PERMISSION, "an IAM action like 's3:PutBucketPolicy'")

    changes = entry.get("changes")
    if not isinstance(changes, str) or not changes.strip():
        fail(f"{name}.changes", "required: one plain sentence saying what it changes")
    if len(changes) > CHANGES_MAX or "\n" in changes or not changes.rstrip().endswith("."):
        fail(f"{name}.changes", f"one sentence on one line, ending in '.', <= {CHANGES_MAX} chars")

    return AwsOwnedDocument(
        name=name,
        source=source,
        parameters=parameters,
        required=required,
        permissions=permissions,
        changes=changes,
    )
