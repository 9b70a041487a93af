"""Every check gives the verdict its tests state on every real recorded item of its types,
in every shape AWS Config produces (events, history API, snapshots, select rows, deletions)."""

from __future__ import annotations

import importlib
import json

import pytest

from tests.support import RECORDED, registry, type_folder, verdict


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    for check_id, check in registry().items():
        if not check.change_triggered:
            continue
        try:
            module = importlib.import_module(f"tests.rules.test_{check_id}")
        except ModuleNotFoundError:
            continue  # reported by the registry invariants
        for name, expected in getattr(module, "RECORDED_VERDICTS", {}).items():
            cases.append((check_id, name, expected))
    return cases


@pytest.mark.parametrize(("check_id", "name", "expected"), _cases())
def test_recorded_item_gets_its_stated_verdict(
    check_id: str, name: str, expected: str, aws
) -> None:
    item = json.loads((RECORDED / name).read_text(encoding="utf-8"))["configurationItem"]
    assert name.startswith(tuple(type_folder(t) for t in registry()[check_id].resource_types))
    assert verdict(check_id, item, client_factory=aws) == expected
