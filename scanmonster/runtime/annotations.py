"""Annotations AWS Config accepts: 1..256 characters, cut without breaking a character.

Japanese text reaches the limit quickly. We count UTF-16 code units (what the service's
length check counts, and never less than the number of code points), never split a
surrogate pair, and never leave a combining mark (e.g. a dakuten) without its base.
"""

from __future__ import annotations

import unicodedata

MAX_ANNOTATION = 256
ELLIPSIS = "…"


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit_annotation(text: str | None) -> str | None:
    """The annotation cut to fit, or None when there is nothing to say (empty is refused)."""
    if text is None:
        return None
    text = " ".join(text.split())  # one line: newlines and runs of spaces read badly
    if not text:
        return None
    if _utf16_units(text) <= MAX_ANNOTATION:
        return text
    budget = MAX_ANNOTATION - _utf16_units(ELLIPSIS)
    cut, used = [], 0
    for char in text:
        size = 2 if ord(char) > 0xFFFF else 1
        if used + size > budget:
            break
        cut.append(char)
        used += size
    # A combining mark belongs to the character before it: drop the pair rather than
    # end on a base whose mark was cut off (or a mark whose base we keep alone).
    while cut and unicodedata.combining(cut[-1]):
        cut.pop()
    if cut and len(text) > len(cut) and unicodedata.combining(text[len(cut)]):
        cut.pop()
    return "".join(cut).rstrip() + ELLIPSIS
