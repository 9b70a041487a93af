"""The checks as a Markdown table, generated from the registry for the README.

python -m scanmonster.catalog            # print the table
python -m scanmonster.catalog --write    # refresh it in README.md between the markers
"""

from __future__ import annotations

import sys

from scanmonster import ROOT
from scanmonster.metadata import Check
from scanmonster.registry import Registry, load_registry

README = ROOT / "README.md"
START, END = "<!-- checks:start -->", "<!-- checks:end -->"
_FRAMEWORK_LABELS = {
    "fsbp": "FSBP",
    "securityhub": "Security Hub",
    "cis_v1_4_0": "CIS 1.4",
    "cis_v3_0_0": "CIS 3.0",
}
_FREQUENCY_LABELS = {
    "One_Hour": "hourly",
    "Three_Hours": "every 3 hours",
    "Six_Hours": "every 6 hours",
    "Twelve_Hours": "every 12 hours",
    "TwentyFour_Hours": "daily",
}


def _trigger(check: Check) -> str:
    parts = ["change"] if check.change_triggered else []
    if check.periodic_frequency:
        parts.append(_FREQUENCY_LABELS[check.periodic_frequency])
    return " + ".join(parts)


def _frameworks(check: Check) -> str:
    return "; ".join(f"{_FRAMEWORK_LABELS[k]} {', '.join(v)}" for k, v in check.frameworks.items())


def _fix(check: Check) -> str:
    """The SSM document that fixes a finding (ours link to their folder), or a dash."""
    if check.remediation is None:
        return "–"
    name = check.remediation.document
    return name if check.remediation.aws_owned else f"[{name}](remediations/{name}/document.json)"


def markdown_table(registry: Registry) -> str:
    rows = [
        "| Check | Severity | Evaluates | Trigger | Standards | Fix (SSM document) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for check in registry.values():
        rows.append(
            f"| `{check.id}`<br>{check.title} | {check.severity} | "
            f"{', '.join(check.resource_types)} | {_trigger(check)} | {_frameworks(check)} | "
            f"{_fix(check)} |"
        )
    return "\n".join(rows)


def readme_with_table(readme: str, table: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}\n{END}{tail}"


def main(argv: list[str]) -> int:
    table = markdown_table(load_registry())
    if "--write" in argv:
        README.write_text(
            readme_with_table(README.read_text(encoding="utf-8"), table), encoding="utf-8"
        )
    else:
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
