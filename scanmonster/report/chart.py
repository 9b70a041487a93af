"""An inline SVG bar chart: no script, no external file, readable when printed."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BAR_HEIGHT = 26
GAP = 10
LABEL_WIDTH = 110
BAR_MAX = 240
COUNT_WIDTH = 40


def bar_chart(title: str, bars: Sequence[tuple[str, int, str]], *, css_class: str = "chart") -> str:
    """Horizontal bars: (label, value, colour) each, scaled to the largest value."""
    largest = max((value for _, value, _ in bars), default=0) or 1
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_MAX + COUNT_WIDTH
    parts = [
        f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value, colour) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_MAX * value / largest) if value else 0
        middle = y + BAR_HEIGHT / 2
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{value}">'
            f'<text x="{LABEL_WIDTH - 10}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="central">{escape(label)}</text>'
            # A thin track shows where the bar would be, so a zero still reads as a bar.
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_MAX}" height="{BAR_HEIGHT}" '
            f'rx="4" fill="#f0f2f5"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'rx="4" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + max(length, 0) + 8}" y="{middle}" '
            f'dominant-baseline="central" font-weight="600">{value}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
