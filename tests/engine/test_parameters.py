"""Rule parameters arrive as text from AWS Config; each becomes its declared type or a clear
error naming the parameter."""

from __future__ import annotations

import pytest

from scanmonster.runtime.errors import InvalidParameterError
from scanmonster.runtime.parameters import parse_rule_parameters
from tests.engine.conftest import make_check

CHECK = make_check(
    parameters={
        "Ports": {
            "type": "int_list",
            "default": [22, 3389],
            "minimum": 0,
            "maximum": 65535,
            "description": "ports",
        },
        "MinimumLength": {
            "type": "int",
            "default": 14,
            "minimum": 6,
            "maximum": 128,
            "description": "length",
        },
        "RequireSymbols": {"type": "bool", "default": True, "description": "symbols"},
        "Tag": {"type": "string", "default": "Owner", "description": "tag"},
        "Names": {"type": "string_list", "default": ["a"], "description": "names"},
    }
)


def parse(raw: dict) -> dict:
    return parse_rule_parameters(raw, CHECK.parameters)


def test_defaults_when_nothing_is_given() -> None:
    assert parse({}) == {
        "Ports": [22, 3389],
        "MinimumLength": 14,
        "RequireSymbols": True,
        "Tag": "Owner",
        "Names": ["a"],
    }


def test_text_values_become_their_declared_types() -> None:
    assert parse(
        {
            "Ports": "22, 3389,8080",
            "MinimumLength": "6",
            "RequireSymbols": "False",
            "Tag": " Team ",
            "Names": "x,y",
        }
    ) == {
        "Ports": [22, 3389, 8080],
        "MinimumLength": 6,
        "RequireSymbols": False,
        "Tag": "Team",
        "Names": ["x", "y"],
    }


def test_json_values_are_accepted_too() -> None:
    assert parse({"Ports": "[0, 65535]", "MinimumLength": 128})["Ports"] == [0, 65535]


def test_empty_text_means_the_default() -> None:
    assert parse({"MinimumLength": ""})["MinimumLength"] == 14


@pytest.mark.parametrize(
    ("raw", "name", "message"),
    [
        ({"MinimumLength": "fourteen"}, "MinimumLength", "expected a whole number"),
        ({"MinimumLength": "14.5"}, "MinimumLength", "expected a whole number"),
        ({"MinimumLength": True}, "MinimumLength", "expected a whole number"),
        ({"MinimumLength": "5"}, "MinimumLength", "5 is below the minimum 6"),
        ({"MinimumLength": "129"}, "MinimumLength", "129 is above the maximum 128"),
        ({"Ports": "22,,3389"}, "Ports", "expected a whole number"),
        ({"Ports": "65536"}, "Ports", "above the maximum 65535"),
        ({"Ports": "-1"}, "Ports", "below the minimum 0"),
        ({"Ports": "[22"}, "Ports", "not a valid JSON list"),
        ({"Ports": "[]"}, "Ports", "non-empty list"),
        ({"RequireSymbols": "yes"}, "RequireSymbols", "expected true or false"),
        ({"Tag": 5}, "Tag", "expected text"),
        ({"Port": "22"}, "Port", "unknown to this check"),
    ],
)
def test_bad_values_name_the_parameter(raw: dict, name: str, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message) as error:
        parse(raw)
    assert error.value.name == name
    assert f"rule parameter '{name}'" in str(error.value)
