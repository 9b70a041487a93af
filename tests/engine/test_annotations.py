"""Annotations fit AWS Config's 1..256 limit without breaking characters."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from scanmonster.runtime.annotations import MAX_ANNOTATION, fit_annotation


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_short_text_is_kept() -> None:
    assert fit_annotation("Bucket b blocks public access.") == "Bucket b blocks public access."


def test_empty_or_blank_means_no_annotation() -> None:
    assert fit_annotation("") is None
    assert fit_annotation(" \n ") is None
    assert fit_annotation(None) is None


def test_a_400_character_japanese_annotation_is_cut_to_fit() -> None:
    text = "バケットのパブリックアクセスがブロックされていません。" * 15  # 405 characters
    assert len(text) >= 400
    fitted = fit_annotation(text)
    assert units(fitted) <= MAX_ANNOTATION
    assert fitted.endswith("…")
    assert text.startswith(fitted[:-1])
    assert len(fitted) > 250  # the room is used, not thrown away


def test_exactly_256_is_not_cut() -> None:
    assert fit_annotation("あ" * 256) == "あ" * 256


def test_surrogate_pairs_are_never_split() -> None:
    fitted = fit_annotation("😀" * 200)  # each emoji is two UTF-16 units
    assert units(fitted) <= MAX_ANNOTATION
    assert fitted[:-1] == "😀" * len(fitted[:-1])


def test_a_combining_mark_is_not_separated_from_its_base() -> None:
    decomposed = unicodedata.normalize("NFD", "が") * 200  # か + combining dakuten
    fitted = fit_annotation(decomposed)
    body = fitted[:-1]
    assert units(fitted) <= MAX_ANNOTATION
    assert not unicodedata.combining(body[-1]) or body[-2] == "か"
    assert unicodedata.normalize("NFC", body) == "が" * (len(body) // 2)


@given(st.text(min_size=0, max_size=600))
def test_any_text_fits(text: str) -> None:
    fitted = fit_annotation(text)
    if fitted is not None:
        assert 1 <= units(fitted) <= MAX_ANNOTATION
        fitted.encode("utf-8")  # no lone surrogates
