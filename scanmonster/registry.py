"""The one registry of checks: every folder under `rules/` is a check.

Nobody edits a list to add a check: a folder with a `check.toml` and a `rule.py` is
discovered, its metadata validated, and every other part (stacks, local scanner, docs,
tests) iterates this registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from scanmonster import ROOT
from scanmonster.metadata import Check, MetadataError, load_check

RULES_DIR = ROOT / "rules"


class Registry(Mapping[str, Check]):
    """Checks by id, in id order."""

    def __init__(self, checks: Mapping[str, Check]) -> None:
        self._checks = dict(sorted(checks.items()))

    def __getitem__(self, check_id: str) -> Check:
        try:
            return self._checks[check_id]
        except KeyError:
            raise KeyError(f"unknown check '{check_id}' (known: {', '.join(self)})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._checks)

    def __len__(self) -> int:
        return len(self._checks)


def check_folders(rules_dir: Path = RULES_DIR) -> list[Path]:
    """Check folders: every directory under rules/ except caches and hidden ones."""
    return sorted(
        p for p in rules_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


def load_registry(rules_dir: Path = RULES_DIR) -> Registry:
    checks: dict[str, Check] = {}
    for folder in check_folders(rules_dir):
        check = load_check(folder)
        if not (folder / "rule.py").is_file():
            raise MetadataError(folder / "rule.py", "<file>", "missing: the check has no code")
        checks[check.id] = check  # ids equal folder names, so they are unique
    return Registry(checks)


def load_rule_class(check: Check) -> type:
    """Import the check's `Rule` class (only this check's code, for a fast cold start)."""
    module = importlib.import_module(check.rule_module)
    rule_class = getattr(module, "Rule", None)
    if rule_class is None:
        raise MetadataError(check.folder / "rule.py", "Rule", "the module must define class Rule")
    return rule_class
