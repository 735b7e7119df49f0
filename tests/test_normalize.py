"""Normalisation for matching: the folds, what is kept, and the map back to the original."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlcompare.article.normalize import fold_digits, normalize_for_matching

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    ("text", "language", "fold", "expected"),
    [
        ("كتاب", "fa", False, "کتاب"),  # Arabic kaf -> Persian keheh
        ("علي", "fa", False, "علی"),  # Arabic yeh -> Farsi yeh
        ("مصطفى", "fa", False, "مصطفی"),  # alef maksura -> Farsi yeh
        ("کتاب", "fa", False, "کتاب"),  # already Persian: unchanged
        ("مدرسة", "fa", False, "مدرسة"),  # teh marbuta kept
        ("كتاب علي", "ar", False, "كتاب علي"),  # Arabic is not folded to Persian letters
        (f"می{ZWNJ}روم", "fa", False, f"می{ZWNJ}روم"),  # ZWNJ kept
        (f"کتاب{ZWNJ}ها", "fa", True, f"کتاب{ZWNJ}ها"),
        ("مـــدرسه", "fa", False, "مدرسه"),  # tatweel dropped
        ("\u200fسلام\u200e", "fa", False, "سلام"),  # directional marks dropped
        ("۲٫۱ درصد", "fa", True, "2.1 درصد"),
        ("۲٫۱ درصد", "fa", False, "۲٫۱ درصد"),  # digits folded only when asked
        ("٣٤٥", "ar", True, "345"),
        ("२०२४ में", "hi", True, "2024 में"),
        ("२०२४ में", "hi", False, "२०२४ में"),
        ("12.07.2024", "fa", True, "12.07.2024"),
        ("e\u0301te\u0301", "en", False, "été"),  # NFC composes
        ("\u0915\u093c", "hi", False, "\u0915\u093c"),  # nukta: NFC keeps it decomposed
        ("\u0958", "hi", False, "\u0915\u093c"),  # composition exclusion: NFC decomposes
    ],
)
def test_normalisation_table(text: str, language: str, fold: bool, expected: str) -> None:
    normalized = normalize_for_matching(text, language, fold_digits=fold)
    assert normalized.text == expected
    assert normalized.digits_folded is fold
    assert normalized.language == language


def test_offsets_map_back_through_dropped_and_composed_characters() -> None:
    original = "الـــكتاب e\u0301 \u0958ि"
    normalized = normalize_for_matching(original, "fa")
    assert normalized.text == "الکتاب é \u0915\u093cि"
    # Each kept letter maps to its own original position.
    assert original[normalized.to_original(normalized.text.index("ک"))] == "ك"
    assert normalized.to_original(normalized.text.index("é")) == original.index("e")
    # A span over the composed é covers both original code points.
    e = normalized.text.index("é")
    assert normalized.original_span(e, e + 1) == (original.index("e"), original.index("e") + 2)
    # The two characters from the decomposed U+0958 both point at it.
    ka = normalized.text.index("\u0915")
    assert normalized.to_original(ka) == normalized.to_original(ka + 1) == original.index("\u0958")
    assert normalized.original_span(ka, ka + 1) == (original.index("\u0958"),
                                                    original.index("\u0958") + 1)
    assert normalized.original_span(0, len(normalized.text)) == (0, len(original))
    assert normalized.to_original(len(normalized.text)) == len(original)
    with pytest.raises(IndexError):
        normalized.to_original(len(normalized.text) + 1)


def test_fold_digits_preserves_length() -> None:
    text = "۱۲.۰۷.۲۰۲۴ ٫ ٣ १२ abc"
    folded = fold_digits(text)
    assert folded == "12.07.2024 . 3 12 abc"
    assert len(folded) == len(text)


TEXT = st.text(
    alphabet=st.sampled_from(list("ابكيىکیةـ\u200c\u200f ۱۲٫٣१२e\u0301\u0958\u093cक\u1100\u1161a")),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(text=TEXT, language=st.sampled_from(["fa", "hi", "en"]), fold=st.booleans())
def test_offsets_are_monotonic_and_spans_cover_the_source(text: str, language: str,
                                                          fold: bool) -> None:
    normalized = normalize_for_matching(text, language, fold_digits=fold)
    offsets = [normalized.to_original(i) for i in range(len(normalized.text) + 1)]
    assert offsets == sorted(offsets)
    assert all(0 <= o <= len(text) for o in offsets)
    assert offsets[-1] == len(text)
    for i in range(len(normalized.text)):
        start, end = normalized.original_span(i, i + 1)
        assert start < end <= len(text)
        # Normalising the original span gives back (at least) this character.
        again = normalize_for_matching(text[start:end], language, fold_digits=fold).text
        assert normalized.text[i] in again or unicodedata.combining(normalized.text[i])
