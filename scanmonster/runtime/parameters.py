"""Typed rule parameters from the JSON AWS Config passes.

AWS Config stores InputParameters as a map of strings ({"Ports": "22,3389"}); people who
edit a rule in the console type strings too. Each value is converted to the type its
check declares, and anything wrong is an InvalidParameterError naming the parameter.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from scanmonster.metadata import Parameter, parameter_value_problem
from scanmonster.runtime.errors import InvalidParameterError


def parse_rule_parameters(
    raw: Mapping[str, Any], declared: Mapping[str, Parameter]
) -> dict[str, Any]:
    unknown = sorted(set(raw) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise InvalidParameterError(unknown[0], f"unknown to this check (known: {known})")
    values: dict[str, Any] = {}
    for name, parameter in declared.items():
        if name not in raw or raw[name] in ("", None):
            values[name] = parameter.default
            continue
        value = _convert(parameter, raw[name])
        problem = parameter_value_problem(parameter, value)
        if problem:
            raise InvalidParameterError(name, problem)
        values[name] = value
    return values


def _convert(parameter: Parameter, value: Any) -> Any:
    kind = parameter.type
    if kind.endswith("_list"):
        items = _list_items(parameter.name, value)
        item_kind = kind.removesuffix("_list")
        return [_scalar(parameter.name, item_kind, item) for item in items]
    return _scalar(parameter.name, kind, value)


def _list_items(name: str, value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if not isinstance(value, str):
        raise InvalidParameterError(name, f"expected a list or comma-separated text, got {value!r}")
    text = value.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            raise InvalidParameterError(name, f"not a valid JSON list: {value!r}") from None
        if not isinstance(items, list):
            raise InvalidParameterError(name, f"expected a list, got {value!r}")
        return items
    return [item.strip() for item in text.split(",")]


def _scalar(name: str, kind: str, value: Any) -> Any:
    if kind == "string":
        if not isinstance(value, str):
            raise InvalidParameterError(name, f"expected text, got {value!r}")
        return value.strip()
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise InvalidParameterError(name, f"expected true or false, got {value!r}")
    # int
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    digits = value.strip().lstrip("+-") if isinstance(value, str) else ""
    if digits.isascii() and digits.isdigit():
        return int(value.strip())
    raise InvalidParameterError(name, f"expected a whole number, got {value!r}")
