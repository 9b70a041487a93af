"""One lookup for every remediation document a check may name: ours and AWS-owned.

What a document takes (parameters, and which of them are required), what its automation
role needs (permissions) and whether we ship it (own). Ours come from their document.json
(remediations/<name>/: parameters, required = those without a default, permissions from
the header); the AWS-owned ones from remediations/aws-owned.toml. The deployment builds
the automation role and the remediation configuration from this; the tests hold every
check's [remediation] against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scanmonster.remediation.aws_owned import AWS_OWNED_FILE, load_aws_owned
from scanmonster.remediation.documents import DOCUMENTS_DIR, OwnDocument, load_documents


@dataclass(frozen=True)
class DocumentSpec:
    """What one SSM Automation document takes and needs."""

    name: str
    parameters: tuple[str, ...]  # every parameter, AutomationAssumeRole included
    required: tuple[str, ...]  # the parameters without a default
    permissions: tuple[str, ...]  # IAM actions its automation role needs
    own: bool  # ours (remediations/<name>/, deployed with ScanMonster) or AWS-owned


def document_specs(
    documents_dir: Path = DOCUMENTS_DIR, aws_owned_file: Path = AWS_OWNED_FILE
) -> dict[str, DocumentSpec]:
    """Every known document, ours and AWS-owned, by name."""
    specs = {name: _own_spec(document) for name, document in load_documents(documents_dir).items()}
    for name, document in load_aws_owned(aws_owned_file).items():
        # aws_owned refuses our prefix, so a name cannot be both; say so if it ever is.
        if name in specs:
            raise ValueError(f"{name} is both our document and listed in {aws_owned_file}")
        specs[name] = DocumentSpec(
            name=name,
            parameters=document.parameters,
            required=document.required,
            permissions=document.permissions,
            own=False,
        )
    return dict(sorted(specs.items()))


def remediation_document_spec(
    name: str, documents_dir: Path = DOCUMENTS_DIR, aws_owned_file: Path = AWS_OWNED_FILE
) -> DocumentSpec:
    """The spec of the document `name`; KeyError naming the known ones when there is none."""
    specs = document_specs(documents_dir, aws_owned_file)
    if name not in specs:
        raise KeyError(
            f"unknown remediation document '{name}': not under {documents_dir.name}/ and not "
            f"in {aws_owned_file.name} (known: {', '.join(specs)})"
        )
    return specs[name]


def _own_spec(document: OwnDocument) -> DocumentSpec:
    parameters = document.content["parameters"]
    return DocumentSpec(
        name=document.name,
        parameters=tuple(parameters),
        required=tuple(n for n, spec in parameters.items() if "default" not in spec),
        permissions=document.permissions,
        own=True,
    )
