"""The README says what the code does: its check table is the registry's."""

from __future__ import annotations

import re

from scanmonster.catalog import README, markdown_table, readme_with_table
from tests.support import registry


def test_readme_check_table_matches_the_registry() -> None:
    readme = README.read_text(encoding="utf-8")
    assert readme == readme_with_table(readme, markdown_table(registry())), (
        "README.md is out of date: run `make docs`"
    )


def test_every_make_command_in_the_readme_exists() -> None:
    readme = README.read_text(encoding="utf-8")
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.MULTILINE))
    promised = set(re.findall(r"\bmake ([a-z-]+)", readme))
    assert {"test", "bench"} <= promised
    assert promised <= targets
