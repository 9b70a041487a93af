"""Our own SSM Automation remediation documents: every folder under `remediations/` is one.

`remediations/<DocumentName>/document.json` is the document as SSM runs it, except that the
`Script` of each `aws:executeScript` step is a placeholder naming a Python file beside it
("{{ script:remediate.py }}"). The code thus lives in real files that the tests import and
run against moto, and `build_document` inlines it: the deployment creates the
AWS::SSM::Document from the built document, in which no placeholder survives.

Nobody edits a list: a folder is discovered, and validated when loaded, and an error names
the file and the field, as for checks. The description carries a fixed Markdown header
(`HEADER_SECTIONS`); its Fixes section names the checks the document fixes by check id,
its Permissions section the IAM actions the automation role needs.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanmonster import ROOT
from scanmonster.metadata import (
    ASSUME_ROLE_PARAMETER,
    CHECK_ID,
    DOCUMENT_NAME,
    OWN_DOCUMENT_PREFIX,
    PERMISSION,
    FileFieldError,
)

DOCUMENTS_DIR = ROOT / "remediations"
DOCUMENT_FILE = "document.json"
SCHEMA_VERSION = "0.3"  # Automation runbooks
ASSUME_ROLE = re.compile(r"^\{\{\s*AutomationAssumeRole\s*\}\}$")
# The assume role pattern must accept a role ARN and refuse anything else.
ROLE_ARN_EXAMPLES = ("arn:aws:iam::123456789012:role/ScanMonsterRemediation",)
NOT_ROLE_ARN_EXAMPLES = ("*", "arn:aws:iam::123456789012:user/alice", "ScanMonsterRemediation")
# The Markdown sections ("## <title>") every description has, in this order.
HEADER_SECTIONS = ("What it changes", "Inputs", "Outputs", "Fixes", "Side effects", "Permissions")
SCRIPT_ACTION = "aws:executeScript"
# aws:executeScript runtimes the scripts are tested with: the test suite runs Python 3.11.
SCRIPT_RUNTIMES = ("python3.11",)
SCRIPT_PLACEHOLDER = re.compile(r"^\{\{\s*script:([A-Za-z0-9_-]+\.py)\s*\}\}$")
ANY_SCRIPT_PLACEHOLDER = re.compile(r"\{\{\s*script:")
# SSM replaces {{ name }} everywhere in step inputs; a bare name must be a parameter
# (step outputs are Step.Output, automation variables automation:NAME).
REFERENCE = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
PARAMETER_TYPES = ("String", "StringList", "Integer", "Boolean", "MapList", "StringMap")
PATTERN_TYPES = ("String", "StringList")  # the types SSM applies allowedPattern to
OUTPUT_TYPES = ("String", "Integer", "Boolean", "StringList", "StringMap", "MapList")
PAYLOAD_SELECTOR = re.compile(r"^\$\.Payload\.[A-Za-z][A-Za-z0-9]*$")
# SSM's maximum document size; the built document, scripts inlined, must fit.
MAX_DOCUMENT_BYTES = 64 * 1024


class DocumentError(FileFieldError):
    """A remediation document (or remediations/aws-owned.toml) is invalid."""


@dataclass(frozen=True)
class OwnDocument:
    """One of our documents, validated, as written (placeholders included)."""

    name: str
    path: Path  # its document.json
    content: dict[str, Any]
    scripts: dict[str, str]  # placeholder file name -> Python source
    fixes: tuple[str, ...]  # check ids, from the Fixes section of the description
    permissions: tuple[str, ...]  # IAM actions, from the Permissions section

    @property
    def folder(self) -> Path:
        return self.path.parent

    def build(self) -> dict[str, Any]:
        """The document SSM receives: each script placeholder replaced by the file's text."""
        built = copy.deepcopy(self.content)
        for index, step in enumerate(built.get("mainSteps", [])):
            if step.get("action") == SCRIPT_ACTION:
                match = SCRIPT_PLACEHOLDER.match(step["inputs"]["Script"])
                if match is None:  # validated on load; a mutated copy could get here
                    raise DocumentError(
                        self.path, f"mainSteps[{index}].inputs.Script", "not a script placeholder"
                    )
                step["inputs"]["Script"] = self.scripts[match.group(1)]
        if ANY_SCRIPT_PLACEHOLDER.search(json.dumps(built)):
            raise DocumentError(self.path, "<build>", "a script placeholder survived the build")
        return built


def document_folders(documents_dir: Path = DOCUMENTS_DIR) -> list[Path]:
    """Document folders: every directory except caches and hidden ones."""
    if not documents_dir.is_dir():
        return []
    return sorted(
        p for p in documents_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


def load_documents(documents_dir: Path = DOCUMENTS_DIR) -> dict[str, OwnDocument]:
    """Every document under `documents_dir`, validated, by name (the folder name)."""
    return {folder.name: load_document(folder) for folder in document_folders(documents_dir)}


def build_document(name: str, documents_dir: Path = DOCUMENTS_DIR) -> dict[str, Any]:
    """The document `name` with its scripts inlined, for AWS::SSM::Document Content."""
    documents = load_documents(documents_dir)
    if name not in documents:
        raise KeyError(f"unknown remediation document '{name}' (known: {', '.join(documents)})")
    return documents[name].build()


def load_document(folder: Path) -> OwnDocument:
    path = folder / DOCUMENT_FILE
    v = _Validator(path)
    if not path.is_file():
        v.fail(
            "<file>", f"missing: every folder under {folder.parent.name}/ needs a {DOCUMENT_FILE}"
        )
    name = folder.name
    if not DOCUMENT_NAME.match(name) or not name.startswith(OWN_DOCUMENT_PREFIX):
        v.fail(
            "<folder>",
            f"'{name}' must be the document name: '{OWN_DOCUMENT_PREFIX}' and then "
            "A-Z a-z 0-9 _ . - (3-128 characters)",
        )
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        v.fail("<file>", f"not valid JSON: {error}")
    if not isinstance(content, dict):
        v.fail("<file>", "must be a JSON object")

    if content.get("schemaVersion") != SCHEMA_VERSION:
        v.fail(
            "schemaVersion",
            f"{content.get('schemaVersion')!r}: Automation documents have '{SCHEMA_VERSION}'",
        )
    if not isinstance(content.get("assumeRole"), str) or not ASSUME_ROLE.match(
        content["assumeRole"]
    ):
        v.fail("assumeRole", "must be '{{ AutomationAssumeRole }}'")
    parameters = _parameters(v, content.get("parameters"))
    outputs = _steps(v, content.get("mainSteps"), parameters, folder)
    document_outputs = _document_outputs(v, content.get("outputs"), outputs)
    fixes, permissions = _description(v, content.get("description"), parameters, document_outputs)
    scripts = {
        match.group(1): (folder / match.group(1)).read_text(encoding="utf-8")
        for step in content["mainSteps"]
        if step["action"] == SCRIPT_ACTION
        and (match := SCRIPT_PLACEHOLDER.match(step["inputs"]["Script"]))
    }
    document = OwnDocument(
        name=name,
        path=path,
        content=content,
        scripts=scripts,
        fixes=fixes,
        permissions=permissions,
    )
    size = len(json.dumps(document.build(), separators=(",", ":")).encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        v.fail("<file>", f"the built document is {size} bytes; SSM accepts {MAX_DOCUMENT_BYTES}")
    return document


class _Validator:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, field_name: str, problem: str) -> None:
        raise DocumentError(self.path, field_name, problem)

    def text(self, value: Any, field_name: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(field_name, "required, a non-empty string")
        return value


def _parameters(v: _Validator, raw: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, dict) or not raw:
        v.fail("parameters", "required: an object of parameter definitions")
    if ASSUME_ROLE_PARAMETER not in raw:
        v.fail(f"parameters.{ASSUME_ROLE_PARAMETER}", "missing: assumeRole refers to it")
    for name, spec in raw.items():
        where = f"parameters.{name}"
        if not isinstance(spec, dict):
            v.fail(where, "must be an object with type, description and allowedPattern")
        kind = spec.get("type")
        if kind not in PARAMETER_TYPES:
            v.fail(f"{where}.type", f"{kind!r} is not one of {', '.join(PARAMETER_TYPES)}")
        if kind not in PATTERN_TYPES:
            v.fail(f"{where}.type", f"'{kind}' takes no allowedPattern; use String")
        v.text(spec.get("description"), f"{where}.description")
        pattern = spec.get("allowedPattern")
        if not isinstance(pattern, str) or not pattern:
            v.fail(f"{where}.allowedPattern", "required: every input is checked by a pattern")
        if not (pattern.startswith("^") and pattern.endswith("$")):
            v.fail(f"{where}.allowedPattern", "must be anchored: start with ^ and end with $")
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            v.fail(f"{where}.allowedPattern", f"not a valid regular expression: {error}")
        if "default" in spec:
            defaults = spec["default"] if kind == "StringList" else [spec["default"]]
            if not isinstance(defaults, list) or not all(
                isinstance(d, str) and compiled.fullmatch(d) for d in defaults
            ):
                v.fail(f"{where}.default", f"{spec['default']!r} does not match allowedPattern")
    role = re.compile(raw[ASSUME_ROLE_PARAMETER]["allowedPattern"])
    if not all(role.fullmatch(x) for x in ROLE_ARN_EXAMPLES) or any(
        role.fullmatch(x) for x in NOT_ROLE_ARN_EXAMPLES
    ):
        v.fail(
            f"parameters.{ASSUME_ROLE_PARAMETER}.allowedPattern",
            "must accept IAM role ARNs (arn:<partition>:iam::<account>:role/<name>) only",
        )
    return raw


def _steps(
    v: _Validator, raw: Any, parameters: dict[str, Any], folder: Path
) -> dict[str, dict[str, str]]:
    """Validate mainSteps; return each step's outputs (name -> type) by step name."""
    if not isinstance(raw, list) or not raw:
        v.fail("mainSteps", "required: a non-empty list of steps")
    outputs: dict[str, dict[str, str]] = {}
    for index, step in enumerate(raw):
        where = f"mainSteps[{index}]"
        if not isinstance(step, dict):
            v.fail(where, "must be an object")
        name = v.text(step.get("name"), f"{where}.name")
        if name in outputs:
            v.fail(f"{where}.name", f"'{name}' names two steps")
        v.text(step.get("action"), f"{where}.action")
        inputs = step.get("inputs")
        if not isinstance(inputs, dict):
            v.fail(f"{where}.inputs", "required: an object")
        _references(v, inputs, f"{where}.inputs", parameters)
        if step["action"] == SCRIPT_ACTION:
            _script_step(v, inputs, f"{where}.inputs", folder)
        outputs[name] = _step_outputs(v, step.get("outputs", []), f"{where}.outputs")
    return outputs


def _references(v: _Validator, value: Any, where: str, parameters: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _references(v, child, f"{where}.{key}", parameters)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _references(v, child, f"{where}[{index}]", parameters)
    elif isinstance(value, str):
        for reference in REFERENCE.findall(value):
            if "." not in reference and ":" not in reference and reference not in parameters:
                v.fail(where, f"'{{{{ {reference} }}}}' names no parameter")


def _script_step(v: _Validator, inputs: dict[str, Any], where: str, folder: Path) -> None:
    if inputs.get("Runtime") not in SCRIPT_RUNTIMES:
        v.fail(f"{where}.Runtime", f"{inputs.get('Runtime')!r}: use {', '.join(SCRIPT_RUNTIMES)}")
    handler = v.text(inputs.get("Handler"), f"{where}.Handler")
    if "Attachment" in inputs:
        v.fail(f"{where}.Attachment", "scripts are inlined from a placeholder, not attached")
    script = inputs.get("Script")
    match = SCRIPT_PLACEHOLDER.match(script) if isinstance(script, str) else None
    if match is None:
        v.fail(
            f"{where}.Script", "must be a placeholder naming a file: '{{ script:remediate.py }}'"
        )
    source_path = folder / match.group(1)
    if not source_path.is_file():
        v.fail(f"{where}.Script", f"names {match.group(1)}, which is not in {folder}")
    source = source_path.read_text(encoding="utf-8")
    if "{{" in source:
        v.fail(f"{where}.Script", f"{match.group(1)} contains '{{{{', which SSM would substitute")
    try:
        tree = ast.parse(source, filename=str(source_path))
    except SyntaxError as error:
        v.fail(f"{where}.Script", f"{match.group(1)} is not valid Python: {error}")
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    function = functions.get(handler)
    if function is None or len(function.args.args) != 2:
        v.fail(
            f"{where}.Handler", f"{match.group(1)} defines no function {handler}(events, context)"
        )
    payload = inputs.get("InputPayload", {})
    if not isinstance(payload, dict):
        v.fail(f"{where}.InputPayload", "must be an object")


def _step_outputs(v: _Validator, raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, list):
        v.fail(where, "must be a list")
    outputs: dict[str, str] = {}
    for index, output in enumerate(raw):
        at = f"{where}[{index}]"
        if not isinstance(output, dict):
            v.fail(at, "must be an object with Name, Selector and Type")
        name = v.text(output.get("Name"), f"{at}.Name")
        if not PAYLOAD_SELECTOR.match(str(output.get("Selector"))):
            v.fail(f"{at}.Selector", "must select from the script's result: $.Payload.<Key>")
        if output.get("Type") not in OUTPUT_TYPES:
            v.fail(f"{at}.Type", f"{output.get('Type')!r} is not one of {', '.join(OUTPUT_TYPES)}")
        outputs[name] = output["Type"]
    return outputs


def _document_outputs(
    v: _Validator, raw: Any, step_outputs: dict[str, dict[str, str]]
) -> list[str]:
    if not isinstance(raw, list) or not raw:
        v.fail("outputs", "required: the step outputs the document reports (Step.Output)")
    for output in raw:
        step, _, name = str(output).partition(".")
        if name not in step_outputs.get(step, {}):
            v.fail("outputs", f"'{output}' is not an output of a step")
    return raw


def _description(
    v: _Validator, raw: Any, parameters: dict[str, Any], outputs: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Check the fixed header; return the check ids it fixes and the permissions it needs."""
    text = v.text(raw, "description")
    sections: dict[str, str] = {}
    title = None
    for line in text.splitlines():
        if line.startswith("## "):
            title = line[3:].strip()
            sections[title] = ""
        elif title is not None:
            sections[title] += line + "\n"
    for expected in HEADER_SECTIONS:
        if not sections.get(expected, "").strip():
            v.fail(
                f"description.{expected}", f"missing: the header needs a '## {expected}' section"
            )
    present = [t for t in sections if t in HEADER_SECTIONS]
    if present != list(HEADER_SECTIONS):
        v.fail("description", f"sections must come in this order: {', '.join(HEADER_SECTIONS)}")
    for name in parameters:
        if f"`{name}`" not in sections["Inputs"]:
            v.fail("description.Inputs", f"does not describe parameter `{name}`")
    for output in outputs:
        if f"`{output}`" not in sections["Outputs"]:
            v.fail("description.Outputs", f"does not describe output `{output}`")
    fixes = re.findall(r"^\s*[-*]\s+`([^`]+)`", sections["Fixes"], re.MULTILINE)
    if not fixes:
        v.fail("description.Fixes", "list the fixed checks by id: - `s3_bucket_ssl_requests_only`")
    for check_id in fixes:
        if not CHECK_ID.match(check_id):
            v.fail("description.Fixes", f"'{check_id}' is not a check id")
    permissions = [
        p for p in re.findall(r"`([^`]+)`", sections["Permissions"]) if PERMISSION.match(p)
    ]
    if not permissions:
        v.fail("description.Permissions", "name the IAM actions, like `s3:PutBucketPolicy`")
    return tuple(dict.fromkeys(fixes)), tuple(dict.fromkeys(permissions))
