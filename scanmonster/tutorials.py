"""Tutorials: one Markdown file per check and language, the same sections in each.

    tutorials/<lang>/<check id>.md

TOML front matter between `+++` lines (as Hugo writes it; parsed by tomllib, no YAML
dependency) carries the `summary` that findings show (at most 512 characters, the
Security Hub note limit). The body has exactly the level-2 sections of SECTIONS, in order.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from scanmonster import ROOT

TUTORIALS_DIR = ROOT / "tutorials"
LANGUAGES = ("en", "ja")
SUMMARY_MAX = 512
# Section key -> heading, per language. Same keys, same order in every language.
SECTIONS: dict[str, dict[str, str]] = {
    "en": {
        "looks_at": "What this check looks at",
        "why": "Why it matters",
        "fix": "How to fix it",
        "verify": "How to verify the fix",
        "accept": "When accepting the risk is reasonable",
        "remediation": "Automatic remediation",
    },
    "ja": {
        "looks_at": "このチェックが確認すること",
        "why": "なぜ重要なのか",
        "fix": "修正方法",
        "verify": "修正できたことの確認",
        "accept": "リスクを受け入れてよい場合",
        "remediation": "自動修復",
    },
}
_FRONT_MATTER = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n", re.DOTALL)


class TutorialError(ValueError):
    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")


@dataclass(frozen=True)
class Tutorial:
    check_id: str
    language: str
    title: str
    summary: str
    sections: dict[str, str]
    path: Path


def tutorial_path(check_id: str, language: str) -> Path:
    return TUTORIALS_DIR / language / f"{check_id}.md"


def load_tutorial(check_id: str, language: str) -> Tutorial:
    path = tutorial_path(check_id, language)
    if language not in SECTIONS:
        raise TutorialError(path, f"unknown language (known: {', '.join(LANGUAGES)})")
    if not path.is_file():
        raise TutorialError(path, "missing")
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise TutorialError(path, "must start with TOML front matter between +++ lines")
    try:
        front = tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError as error:
        raise TutorialError(path, f"front matter is not valid TOML: {error}") from None
    summary = front.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise TutorialError(path, "front matter needs a non-empty 'summary'")
    summary = " ".join(summary.split())
    if len(summary) > SUMMARY_MAX:
        raise TutorialError(path, f"summary has {len(summary)} characters; at most {SUMMARY_MAX}")

    body = text[match.end() :]
    title_match = re.search(r"^# (.+)$", body, re.MULTILINE)
    if not title_match:
        raise TutorialError(path, "needs a '# Title' line")
    parts = re.split(r"^## (.+)$", body, flags=re.MULTILINE)
    headings = [h.strip() for h in parts[1::2]]
    expected = list(SECTIONS[language].values())
    if headings != expected:
        raise TutorialError(path, f"sections must be, in order: {expected}; found {headings}")
    sections = {}
    for key, content in zip(SECTIONS[language], parts[2::2], strict=True):
        if not content.strip():
            raise TutorialError(path, f"section '{SECTIONS[language][key]}' is empty")
        sections[key] = content.strip()
    return Tutorial(check_id, language, title_match.group(1).strip(), summary, sections, path)
