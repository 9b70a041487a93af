"""The tutorials as a small static site: one page per check and language, plus an index.

Findings link to `<base URL>/<language>/<check id>.html`. The findings stack hosts this site
(private bucket behind CloudFront) unless `tutorials.base_url` points elsewhere; `make site`
writes it locally for a look.

    python -m scanmonster.site build/site
"""

from __future__ import annotations

import html
import shutil
import sys
from pathlib import Path

from scanmonster.registry import Registry, load_registry
from scanmonster.rendering import render_markdown
from scanmonster.tutorials import LANGUAGES, Tutorial, load_tutorial

_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · ScanMonster</title>
<style>
body {{ font-family: system-ui, -apple-system, "Hiragino Sans", "Noto Sans JP", sans-serif;
       max-width: 50rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.7; color: #1b1f23; }}
pre {{ background: #f6f8fa; padding: 1rem; overflow-x: auto; border-radius: 6px; }}
code {{ font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9em; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #d0d7de; padding: 0.3rem 0.6rem; }}
.summary {{ background: #fff8c5; padding: 0.8rem 1rem; border-radius: 6px; }}
nav {{ font-size: 0.9rem; margin-bottom: 1rem; }}
</style>
</head>
<body>
<nav><a href="index.html">{home}</a> · {switch}</nav>
{body}
</body>
</html>
"""
_HOME = {"en": "All checks", "ja": "チェック一覧"}
_LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}


def _page(language: str, title: str, body: str, counterpart: str) -> str:
    links = " · ".join(
        f'<a href="../{other}/{counterpart}" lang="{other}">{_LANGUAGE_NAMES[other]}</a>'
        for other in LANGUAGES
        if other != language
    )
    return _PAGE.format(
        lang=language, title=html.escape(title), home=_HOME[language], switch=links, body=body
    )


def tutorial_page(tutorial: Tutorial) -> str:
    text = tutorial.path.read_text(encoding="utf-8")
    body_markdown = text.split("+++", 2)[2]  # after the front matter
    summary = f'<p class="summary">{html.escape(tutorial.summary)}</p>'
    body = render_markdown(body_markdown)
    # The summary (what findings show) right under the title.
    body = body.replace("</h1>", f"</h1>\n{summary}", 1)
    return _page(tutorial.language, tutorial.title, body, f"{tutorial.check_id}.html")


def index_page(language: str, registry: Registry) -> str:
    rows = []
    for check in registry.values():
        tutorial = load_tutorial(check.id, language)
        rows.append(
            f'<li><a href="{check.id}.html">{html.escape(tutorial.title)}</a> '
            f"<small>({check.severity})</small></li>"
        )
    title = "ScanMonster"
    body = f"<h1>{title}</h1>\n<ul>\n" + "\n".join(rows) + "\n</ul>"
    return _page(language, title, body, "index.html")


def build_site(destination: Path, registry: Registry | None = None) -> Path:
    """Write the site into `destination` (replacing it)."""
    registry = registry or load_registry()
    if destination.exists():
        shutil.rmtree(destination)
    for language in LANGUAGES:
        folder = destination / language
        folder.mkdir(parents=True)
        for check_id in registry:
            page = tutorial_page(load_tutorial(check_id, language))
            (folder / f"{check_id}.html").write_text(page, encoding="utf-8")
        (folder / "index.html").write_text(index_page(language, registry), encoding="utf-8")
    (destination / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=en/">'
        '<a href="en/">ScanMonster tutorials</a>',
        encoding="utf-8",
    )
    return destination


if __name__ == "__main__":
    print(build_site(Path(sys.argv[1] if len(sys.argv) > 1 else "build/site")))
