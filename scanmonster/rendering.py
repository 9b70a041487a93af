"""Tutorial Markdown as HTML, for the report and the tutorial site.

The tutorials are CommonMark (as GitHub renders them: a list right after a paragraph line,
items nested by three spaces, code fences inside list items), so a CommonMark parser reads
them as written: markdown-it-py (already installed with rich). One thing is ours: Japanese
lines wrapped in the source are joined, because a line break between two Japanese
characters would show as a space in a browser.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark").enable("table")
_CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_WRAPPED_CJK = re.compile(f"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])")
_FENCE = re.compile(r"^\s*(```|~~~)")


def join_wrapped_japanese(text: str) -> str:
    """Join lines wrapped between two Japanese characters, outside code fences."""
    out: list[str] = []
    prose: list[str] = []
    in_code = False

    def flush() -> None:
        if prose:
            out.append(_WRAPPED_CJK.sub("", "\n".join(prose)))
            prose.clear()

    for line in text.split("\n"):
        if _FENCE.match(line):
            if not in_code:
                flush()
            in_code = not in_code
            out.append(line)
        elif in_code:
            out.append(line)
        else:
            prose.append(line)
    flush()
    return "\n".join(out)


def render_markdown(text: str, *, heading_offset: int = 0) -> str:
    """HTML of `text`; headings pushed down by `heading_offset` levels (at most h6) so
    that they sit below the page's own."""
    rendered = _PARSER.render(join_wrapped_japanese(text))
    if not heading_offset:
        return rendered
    return re.sub(
        r"<(/?)h([1-6])\b",
        lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + heading_offset, 6)}",
        rendered,
    )
