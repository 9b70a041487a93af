"""The enricher's EventBridge pattern, evaluated on the documented event shape with a
small matcher of EventBridge's rules (moto's matcher does not descend into lists of
objects such as detail.findings)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from scanmonster.findings.events import findings_of, imported_findings_pattern
from scanmonster.runtime.errors import InvalidEventError
from tests.findings.conftest import NOT_OURS, OURS, imported_event, load_finding


def matches(pattern: dict[str, Any], event: Any) -> bool:
    """EventBridge content matching for what the pattern uses: every key of the pattern
    must match; a list in the event matches when any element does; a leaf rule is a list
    of exact values or {"prefix": ...} objects."""
    if isinstance(event, list):
        return any(matches(pattern, item) for item in event)
    if isinstance(pattern, dict):
        return isinstance(event, dict) and all(
            key in event and matches(rule, event[key]) for key, rule in pattern.items()
        )
    return any(_leaf(rule, event) for rule in pattern)


def _leaf(rule: Any, value: Any) -> bool:
    if isinstance(rule, dict):
        (kind, operand), *_ = rule.items()
        assert kind == "prefix", f"the test matcher does not know {kind}"
        return isinstance(value, str) and value.startswith(operand)
    return rule == value


def test_the_matcher_itself_can_fail() -> None:
    pattern = {"a": {"b": ["x"], "c": [{"prefix": "p-"}]}}
    assert matches(pattern, {"a": [{"b": "y"}, {"b": "x", "c": "p-1"}]})
    assert not matches(pattern, {"a": [{"b": "x", "c": "q-1"}]})
    assert not matches(pattern, {"a": {"b": "x"}})


def test_pattern() -> None:
    assert imported_findings_pattern() == {
        "source": ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Imported"],
        "detail": {
            "findings": {
                "ProductFields": {
                    "aws/securityhub/ProductName": ["Config"],
                    "aws/config/ConfigRuleName": [{"prefix": "scanmonster-"}],
                },
                "RecordState": ["ACTIVE"],
            }
        },
    }


@pytest.mark.parametrize("name", OURS)
def test_pattern_matches_our_findings(name) -> None:
    assert matches(imported_findings_pattern(), imported_event(load_finding(name)))


@pytest.mark.parametrize("name", NOT_OURS)
def test_pattern_does_not_match_other_findings(name) -> None:
    assert not matches(imported_findings_pattern(), imported_event(load_finding(name)))


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f["ProductFields"].update({"aws/config/ConfigRuleName": "my-scanmonster-x"}),
        lambda f: f["ProductFields"].update({"aws/securityhub/ProductName": "Security Hub"}),
        lambda f: f.update({"RecordState": "ARCHIVED"}),
    ],
    ids=["prefix-elsewhere", "other-product", "archived"],
)
def test_pattern_refuses_near_misses(change) -> None:
    finding = load_finding(OURS[0])
    change(finding)
    assert not matches(imported_findings_pattern(), imported_event(finding))


def test_pattern_does_not_match_other_event_types() -> None:
    event = imported_event(load_finding(OURS[0]))
    event["detail-type"] = "Security Hub Findings - Custom Action"
    assert not matches(imported_findings_pattern(), event)


def test_findings_of_reads_the_documented_envelope() -> None:
    finding = load_finding(OURS[0])
    assert findings_of(imported_event(finding)) == [finding]


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e.update({"source": "aws.config"}),
        lambda e: e.update({"detail-type": "Security Hub Insight Results"}),
        lambda e: e["detail"].update({"findings": "not a list"}),
        lambda e: e.update({"detail": {}}),
    ],
)
def test_other_events_are_refused(change) -> None:
    event = copy.deepcopy(imported_event(load_finding(OURS[0])))
    change(event)
    with pytest.raises(InvalidEventError):
        findings_of(event)
