"""Invariants over the whole registry: what every check must have, checked once for all."""

from __future__ import annotations

import importlib
import re

import pytest

from scanmonster.registry import check_folders, load_rule_class
from scanmonster.runtime.rule import CheckRule
from scanmonster.tutorials import LANGUAGES, load_tutorial
from tests.support import RECORDED, registry, rule_test_files, type_folder

CHECK_IDS = sorted(registry())
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # hiragana, katakana, kanji
CONFIG_RULE_NAME_MAX = 128


def test_every_folder_under_rules_is_a_registered_check() -> None:
    assert [f.name for f in check_folders()] == CHECK_IDS
    assert len(CHECK_IDS) >= 13


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_check_has_a_rule_class_for_each_of_its_triggers(check_id: str) -> None:
    check = registry()[check_id]
    rule_class = load_rule_class(check)
    assert issubclass(rule_class, CheckRule)
    overrides = {
        name
        for name in ("evaluate_change", "evaluate_periodic")
        if getattr(rule_class, name) is not getattr(CheckRule, name)
    }
    expected = ({"evaluate_change"} if check.change_triggered else set()) | (
        {"evaluate_periodic"} if check.periodic_frequency else set()
    )
    assert overrides == expected


@pytest.mark.parametrize("check_id", CHECK_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_check_has_a_tutorial_with_every_section(check_id: str, language: str) -> None:
    tutorial = load_tutorial(check_id, language)
    if language == "en":
        assert tutorial.title == registry()[check_id].title
    else:  # written in Japanese, not left in English: most letters are kana or kanji
        letters = [c for c in tutorial.summary + tutorial.title if c.isalpha()]
        japanese = [c for c in letters if JAPANESE.match(c)]
        assert len(japanese) > len(letters) / 2, tutorial.path


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_names_derived_from_the_id_fit_aws_limits(check_id: str) -> None:
    assert len(registry()[check_id].config_rule_name) <= CONFIG_RULE_NAME_MAX


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_check_has_tests(check_id: str) -> None:
    assert check_id in rule_test_files(), f"tests/rules/test_{check_id}.py is missing"


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_checks_that_call_aws_declare_their_permissions(check_id: str) -> None:
    check = registry()[check_id]
    if check.periodic_frequency:  # periodic checks read through the API
        assert check.permissions, f"{check_id} runs periodically but declares no permissions"


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_change_triggered_checks_state_verdicts_for_recorded_items(check_id: str) -> None:
    check = registry()[check_id]
    recorded = {
        p.name for t in check.resource_types for p in RECORDED.glob(f"{type_folder(t)}__*.json")
    }
    if not check.change_triggered or not recorded:
        pytest.skip("no recorded items of its resource types")
    module = importlib.import_module(f"tests.rules.test_{check_id}")
    verdicts = getattr(module, "RECORDED_VERDICTS", None)
    assert verdicts is not None, f"tests/rules/test_{check_id}.py needs RECORDED_VERDICTS"
    assert set(verdicts) == recorded, "every recorded item of its types needs a verdict"
