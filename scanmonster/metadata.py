"""A check's metadata: the `check.toml` beside its rule, parsed and validated on load.

Everything other parts need about a check (stacks, the local scanner, docs, tests) comes
from here, so a mistake in one file must fail loudly, naming the file and the field.
TOML keeps the files free of a YAML dependency: `tomllib` ships with Python 3.11+ and with
every Lambda runtime we target.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL")
# The values AWS Config accepts for MaximumExecutionFrequency.
FREQUENCIES = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
SCOPES = ("regional", "global")
PARAMETER_TYPES = ("int", "bool", "string", "int_list", "string_list")
# Framework keys and the shape of their control ids.
FRAMEWORKS = {
    "fsbp": re.compile(r"^[A-Za-z0-9]+\.\d+$"),  # AWS Foundational Security Best Practices
    # Security Hub control ids outside the FSBP standard (e.g. EC2.53, in CIS v3.0 and PCI).
    "securityhub": re.compile(r"^[A-Za-z0-9]+\.\d+$"),
    "cis_v1_4_0": re.compile(r"^\d+(\.\d+)+$"),  # CIS AWS Foundations Benchmark v1.4.0
    "cis_v3_0_0": re.compile(r"^\d+(\.\d+)+$"),  # CIS AWS Foundations Benchmark v3.0.0
}
# A check only reads: its declared actions must be read verbs.
READ_VERBS = ("Get", "List", "Describe", "BatchGet", "Lookup", "Search")

ACCOUNT_RESOURCE_TYPE = "AWS::::Account"
# Every Config rule of ours is named <prefix><check id>: findings are recognised by it.
RULE_NAME_PREFIX = "scanmonster-"
CHECK_ID = re.compile(r"^[a-z0-9]+(_[a-z0-9]+){2,}$")
RESOURCE_TYPE = re.compile(r"^AWS::[A-Za-z0-9]*::[A-Za-z0-9]+$")
PERMISSION = re.compile(r"^([a-z0-9-]+):([A-Z][A-Za-z0-9]+)$")
PARAMETER_NAME = re.compile(r"^[A-Z][A-Za-z0-9]{0,63}$")
DOCUMENT_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,128}$")
DOCUMENT_PARAMETER = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,63}$")
# A fixed document parameter may take the value of one of the check's own parameters, so
# that the fix does what the check, as the team configured it, requires: "${Ports}".
PARAMETER_REFERENCE = re.compile(r"^\$\{([A-Za-z0-9]+)\}$")
# The deployment passes the automation role to every document; check.toml never fixes it.
ASSUME_ROLE_PARAMETER = "AutomationAssumeRole"
# Our own SSM Automation documents (remediations/<name>/); any other name is AWS-owned.
OWN_DOCUMENT_PREFIX = "ScanMonster-"
TITLE_MAX = 150

_TOP_LEVEL_KEYS = {
    "id",
    "title",
    "severity",
    "resource_types",
    "scope",
    "trigger",
    "parameters",
    "frameworks",
    "permissions",
    "remediation",
}


class FileFieldError(ValueError):
    """A file ScanMonster reads as data is invalid; the message names the file and the
    field, so the person who edits it knows exactly where to look."""

    def __init__(self, path: Path | str, field_name: str, problem: str) -> None:
        super().__init__(f"{path}: field '{field_name}': {problem}")
        self.path = str(path)
        self.field = field_name
        self.problem = problem


class MetadataError(FileFieldError):
    """A check's metadata (check.toml) is invalid."""


@dataclass(frozen=True)
class Parameter:
    """A typed rule parameter with its default, as AWS Config passes it to the rule."""

    name: str
    type: str
    default: Any
    description: str
    minimum: int | None = None
    maximum: int | None = None


def parameter_text(value: Any) -> str:
    """A parameter value as AWS Config keeps it (text); the runtime converts it back.

    The same text goes to a rule's InputParameters and to a remediation's StaticValue, so
    the check and its fix read one configured value the same way.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(parameter_text(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Remediation:
    """The SSM Automation document that fixes a check's finding, and what it needs."""

    document: str
    resource_parameter: str | None  # the document parameter that receives the resource id
    # Fixed document parameters as written: text, or "${Name}" for the check's parameter Name.
    parameters: dict[str, str]
    permissions: tuple[str, ...]  # IAM actions the fix needs (its automation role's policy)

    @property
    def aws_owned(self) -> bool:
        return not self.document.startswith(OWN_DOCUMENT_PREFIX)

    @property
    def references(self) -> dict[str, str]:
        """Document parameter -> the check parameter whose configured value it takes."""
        return {
            name: match.group(1)
            for name, value in self.parameters.items()
            if (match := PARAMETER_REFERENCE.match(value))
        }

    def document_parameters(self, check_values: dict[str, Any]) -> dict[str, str]:
        """The fixed parameters, each reference replaced by the check's configured value.

        `check_values` holds every parameter of the check (defaults filled in), typed as the
        rule receives them; the result is text, as AWS Config's StaticValue holds it.
        """
        resolved = {}
        for name, value in self.parameters.items():
            reference = PARAMETER_REFERENCE.match(value)
            if reference is None:
                resolved[name] = value
                continue
            if reference.group(1) not in check_values:
                raise KeyError(
                    f"remediation parameter {name} takes the check parameter "
                    f"{reference.group(1)}, which has no value here"
                )
            resolved[name] = parameter_text(check_values[reference.group(1)])
        return resolved


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    severity: str
    resource_types: tuple[str, ...]
    scope: str
    change_triggered: bool
    periodic_frequency: str | None
    parameters: dict[str, Parameter]
    frameworks: dict[str, tuple[str, ...]]
    permissions: tuple[str, ...]
    remediation: Remediation | None
    folder: Path = field(compare=False)

    @property
    def service(self) -> str:
        return self.id.split("_", 1)[0]

    @property
    def rule_module(self) -> str:
        """Import path of the check's rule code (the repository root is on sys.path)."""
        return f"rules.{self.id}.rule"

    @property
    def config_rule_name(self) -> str:
        return f"{RULE_NAME_PREFIX}{self.id}"

    @property
    def is_account_level(self) -> bool:
        return self.resource_types == (ACCOUNT_RESOURCE_TYPE,)

    @property
    def remediation_document(self) -> str | None:
        return self.remediation.document if self.remediation else None

    def default_parameters(self) -> dict[str, Any]:
        return {name: p.default for name, p in self.parameters.items()}


def load_check(folder: Path) -> Check:
    """Parse and validate `<folder>/check.toml`; the folder name must be the check id."""
    path = folder / "check.toml"
    if not path.is_file():
        raise MetadataError(path, "<file>", "missing: every check folder needs a check.toml")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise MetadataError(path, "<file>", f"not valid TOML: {error}") from error
    return parse_check(raw, folder=folder, path=path)


def parse_check(raw: dict[str, Any], *, folder: Path, path: Path | str) -> Check:
    v = _Validator(path)
    unknown = sorted(set(raw) - _TOP_LEVEL_KEYS)
    if unknown:
        v.fail(unknown[0], f"unknown field (known: {', '.join(sorted(_TOP_LEVEL_KEYS))})")

    check_id = v.string(raw, "id")
    if not CHECK_ID.match(check_id):
        v.fail("id", "must read <service>_<resource>_<desired_state>: lowercase words and '_'")
    if check_id != folder.name:
        v.fail("id", f"'{check_id}' must equal the folder name '{folder.name}'")

    title = v.string(raw, "title")
    if len(title) > TITLE_MAX:
        v.fail("title", f"{len(title)} characters; at most {TITLE_MAX}")
    if re.search(r"\bensure", title, re.IGNORECASE):
        v.fail("title", "state the desired state ('S3 buckets block ...'), not 'Ensure ...'")

    severity = v.string(raw, "severity")
    if severity not in SEVERITIES:
        v.fail("severity", f"'{severity}' is not one of {', '.join(SEVERITIES)}")

    resource_types = tuple(v.string_list(raw, "resource_types", non_empty=True))
    for resource_type in resource_types:
        if not RESOURCE_TYPE.match(resource_type):
            v.fail("resource_types", f"'{resource_type}' is not an AWS Config resource type")

    scope = raw.get("scope", "regional")
    if scope not in SCOPES:
        v.fail("scope", f"'{scope}' is not one of {', '.join(SCOPES)}")

    change_triggered, frequency = _parse_trigger(v, raw.get("trigger"), resource_types)
    parameters = _parse_parameters(v, raw.get("parameters", {}))
    frameworks = _parse_frameworks(v, raw.get("frameworks"))
    permissions = tuple(v.string_list(raw, "permissions", non_empty=False))
    _check_permissions(v, permissions)
    if check_id.split("_", 1)[0] not in _services(resource_types, permissions):
        v.fail(
            "id",
            f"the prefix '{check_id.split('_', 1)[0]}' must name the service of a resource "
            "type or of a permission",
        )

    remediation = _parse_remediation(v, raw.get("remediation"), parameters)

    return Check(
        id=check_id,
        title=title,
        severity=severity,
        resource_types=resource_types,
        scope=scope,
        change_triggered=change_triggered,
        periodic_frequency=frequency,
        parameters=parameters,
        frameworks=frameworks,
        permissions=permissions,
        remediation=remediation,
        folder=folder,
    )


class _Validator:
    def __init__(self, path: Path | str) -> None:
        self.path = path

    def fail(self, field_name: str, problem: str) -> None:
        raise MetadataError(self.path, field_name, problem)

    def string(self, raw: dict[str, Any], key: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "required, a non-empty string")
        return value

    def string_list(self, raw: dict[str, Any], key: str, *, non_empty: bool) -> list[str]:
        value = raw.get(key, None if non_empty else [])
        if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
            self.fail(key, "required, a list of non-empty strings")
        if non_empty and not value:
            self.fail(key, "must not be empty")
        if len(set(value)) != len(value):
            self.fail(key, "lists a value twice")
        return value


def _parse_trigger(
    v: _Validator, raw: Any, resource_types: tuple[str, ...]
) -> tuple[bool, str | None]:
    if not isinstance(raw, dict):
        v.fail("trigger", "required, a table with 'change' and/or 'periodic'")
    unknown = sorted(set(raw) - {"change", "periodic"})
    if unknown:
        v.fail(f"trigger.{unknown[0]}", "unknown field (known: change, periodic)")
    change = raw.get("change", False)
    if not isinstance(change, bool):
        v.fail("trigger.change", "must be true or false")
    frequency = raw.get("periodic")
    if frequency is not None and frequency not in FREQUENCIES:
        v.fail("trigger.periodic", f"'{frequency}' is not one of {', '.join(FREQUENCIES)}")
    if not change and frequency is None:
        v.fail("trigger", "a check runs on change, periodically, or both: set one")
    if change and ACCOUNT_RESOURCE_TYPE in resource_types:
        v.fail("trigger.change", f"{ACCOUNT_RESOURCE_TYPE} has no configuration changes")
    return change, frequency


def _parse_parameters(v: _Validator, raw: Any) -> dict[str, Parameter]:
    if not isinstance(raw, dict):
        v.fail("parameters", "must be a table of parameter tables")
    parameters: dict[str, Parameter] = {}
    for name, spec in raw.items():
        where = f"parameters.{name}"
        if not PARAMETER_NAME.match(name):
            v.fail(where, "name must be CamelCase letters and digits (as AWS Config shows it)")
        if not isinstance(spec, dict):
            v.fail(where, "must be a table with type, default and description")
        unknown = sorted(set(spec) - {"type", "default", "description", "minimum", "maximum"})
        if unknown:
            v.fail(f"{where}.{unknown[0]}", "unknown field")
        kind = spec.get("type")
        if kind not in PARAMETER_TYPES:
            v.fail(f"{where}.type", f"'{kind}' is not one of {', '.join(PARAMETER_TYPES)}")
        description = spec.get("description")
        if not isinstance(description, str) or not description.strip():
            v.fail(f"{where}.description", "required, a non-empty string")
        bounds = {}
        for bound in ("minimum", "maximum"):
            value = spec.get(bound)
            if value is not None and (kind not in ("int", "int_list") or type(value) is not int):
                v.fail(f"{where}.{bound}", "only integer parameters have bounds, as integers")
            bounds[bound] = value
        parameter = Parameter(
            name=name, type=kind, default=spec.get("default"), description=description, **bounds
        )
        problem = parameter_value_problem(parameter, parameter.default)
        if problem:
            v.fail(f"{where}.default", problem)
        parameters[name] = parameter
    return parameters


def parameter_value_problem(parameter: Parameter, value: Any) -> str | None:
    """Why `value` is not a valid value of `parameter`, or None when it is."""
    kind = parameter.type
    scalar = {"int": int, "bool": bool, "string": str}
    if kind in scalar:
        items, item_kind = [value], kind
    else:
        if not isinstance(value, list) or not value:
            return f"expected a non-empty list of {kind.removesuffix('_list')}s, got {value!r}"
        items, item_kind = value, kind.removesuffix("_list")
    for item in items:
        # bool is a subclass of int: refuse True where a number is expected.
        if type(item) is not scalar[item_kind]:
            return f"expected {item_kind}, got {item!r}"
        if item_kind == "string" and not item.strip():
            return "must not be empty"
        if parameter.minimum is not None and item < parameter.minimum:
            return f"{item} is below the minimum {parameter.minimum}"
        if parameter.maximum is not None and item > parameter.maximum:
            return f"{item} is above the maximum {parameter.maximum}"
    return None


def _parse_frameworks(v: _Validator, raw: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or not raw:
        v.fail("frameworks", f"required: map the check to {', '.join(FRAMEWORKS)} control ids")
    frameworks: dict[str, tuple[str, ...]] = {}
    for key, ids in raw.items():
        if key not in FRAMEWORKS:
            v.fail(f"frameworks.{key}", f"unknown framework (known: {', '.join(FRAMEWORKS)})")
        ids = v.string_list(raw, key, non_empty=True)
        for control in ids:
            if not FRAMEWORKS[key].match(control):
                v.fail(f"frameworks.{key}", f"'{control}' is not a control id of {key}")
        frameworks[key] = tuple(ids)
    return frameworks


def _parse_remediation(
    v: _Validator, raw: Any, check_parameters: dict[str, Parameter]
) -> Remediation | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        v.fail("remediation", "must be a table: document, resource_parameter, permissions")
    unknown = sorted(set(raw) - {"document", "resource_parameter", "parameters", "permissions"})
    if unknown:
        v.fail(f"remediation.{unknown[0]}", "unknown field")
    document = raw.get("document")
    if not isinstance(document, str) or not DOCUMENT_NAME.match(document):
        v.fail("remediation.document", "must be an SSM document name (3-128 of A-Z a-z 0-9 _ . -)")
    resource_parameter = raw.get("resource_parameter")
    if resource_parameter is not None and (
        not isinstance(resource_parameter, str) or not DOCUMENT_PARAMETER.match(resource_parameter)
    ):
        v.fail("remediation.resource_parameter", "must be a document parameter name")
    parameters = raw.get("parameters", {})
    if not isinstance(parameters, dict) or not all(
        isinstance(k, str) and DOCUMENT_PARAMETER.match(k) and isinstance(x, str) and x
        for k, x in parameters.items()
    ):
        v.fail("remediation.parameters", "must map document parameter names to text values")
    _check_fixed_parameters(v, resource_parameter, parameters, check_parameters)
    permissions = raw.get("permissions")
    if not isinstance(permissions, list) or not permissions:
        v.fail("remediation.permissions", "required: the IAM actions the fix needs")
    for permission in permissions:
        if not isinstance(permission, str) or not PERMISSION.match(permission):
            v.fail(
                "remediation.permissions",
                f"'{permission}' is not an IAM action like 's3:PutBucketPolicy'",
            )
    return Remediation(
        document=document,
        resource_parameter=resource_parameter,
        parameters=dict(parameters),
        permissions=tuple(permissions),
    )


def _check_fixed_parameters(
    v: _Validator,
    resource_parameter: str | None,
    parameters: dict[str, str],
    check_parameters: dict[str, Parameter],
) -> None:
    if resource_parameter == ASSUME_ROLE_PARAMETER:
        v.fail(
            "remediation.resource_parameter",
            f"{ASSUME_ROLE_PARAMETER} receives the automation role, not the resource id",
        )
    for name, value in parameters.items():
        where = f"remediation.parameters.{name}"
        if name == ASSUME_ROLE_PARAMETER:
            # One role per document, built by the deployment from the declared permissions:
            # a role named here would bypass it.
            v.fail(where, "the deployment supplies the automation role; never fix it here")
        if name == resource_parameter:
            v.fail(where, "is the resource_parameter: AWS Config fills it with the resource id")
        if "${" in value:
            reference = PARAMETER_REFERENCE.match(value)
            if reference is None:
                v.fail(where, f"{value!r}: a reference is the whole value, '${{Name}}'")
            if reference.group(1) not in check_parameters:
                known = ", ".join(check_parameters) or "none"
                v.fail(
                    where,
                    f"'{value}' names no parameter of this check (its parameters: {known})",
                )


def _check_permissions(v: _Validator, permissions: tuple[str, ...]) -> None:
    for permission in permissions:
        match = PERMISSION.match(permission)
        if not match:
            v.fail("permissions", f"'{permission}' is not an IAM action like 's3:GetBucketPolicy'")
        if not match.group(2).startswith(READ_VERBS):
            v.fail("permissions", f"'{permission}' is not a read action ({', '.join(READ_VERBS)})")


def _services(resource_types: tuple[str, ...], permissions: tuple[str, ...]) -> set[str]:
    services = {t.split("::")[1].lower() for t in resource_types}
    services.update(p.split(":", 1)[0] for p in permissions)
    return services
