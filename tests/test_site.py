"""The tutorial site findings link to: every check, every language, rendered for reading."""

from __future__ import annotations

import html
import re

import pytest

from scanmonster.site import build_site
from scanmonster.tutorials import LANGUAGES, SECTIONS, load_tutorial
from tests.support import registry


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("site"), registry())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("check_id", sorted(registry()))
def test_every_tutorial_is_a_readable_page(site, language, check_id) -> None:
    page = (site / language / f"{check_id}.html").read_text(encoding="utf-8")
    tutorial = load_tutorial(check_id, language)
    assert f"<h1>{html.escape(tutorial.title)}</h1>" in page.replace("&quot;", '"')
    assert html.escape(tutorial.summary) in page
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings == list(SECTIONS[language].values())
    assert "```" not in page  # every code block rendered
    assert "+++" not in page  # no front matter leaked
    assert "<pre><code" in page  # the fix shows commands
    other = next(lang for lang in LANGUAGES if lang != language)
    assert f'href="../{other}/{check_id}.html"' in page


def test_indexes_list_every_check(site) -> None:
    for language in LANGUAGES:
        index = (site / language / "index.html").read_text(encoding="utf-8")
        linked = set(re.findall(r'href="([a-z0-9_]+)\.html"', index)) - {"index"}
        assert linked == set(registry())
    assert "url=en/" in (site / "index.html").read_text(encoding="utf-8")
