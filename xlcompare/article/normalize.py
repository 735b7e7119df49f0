"""Normalisation for matching, with a map back to the original offsets.

The normalised text is only ever used to *compare* things (numbers, names, furniture
headings); what is shown and what offsets point into is always the original text. Every
normalised character therefore remembers the original offset it came from.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from xlcompare.lang.digits import DIGIT_FOLDS, PERSIAN_LETTER_FOLDS
from xlcompare.lang.digits import fold_digits as fold_digits  # re-exported: article's API
from xlcompare.lang.languages import FARSI_YEH_LANGUAGES

# Dropped for matching: they change how a word is drawn, never which word it is.
# TATWEEL only stretches a joined letter; the directional marks and soft hyphen are invisible.
# ZWNJ (U+200C) is deliberately NOT here: in Persian it separates the parts of one word
# without a space (می‌روم "I go", کتاب‌ها "books"); deleting it glues the parts into a different
# spelling and replacing it with a space splits one word into two, so either breaks matching.
_DROPPED = frozenset(
    "\u0640\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u00ad"
)


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus, for each of its characters, the original offset it came from.

    `offsets` has one entry per normalised character and a final entry equal to the length of
    the original text, so spans map back with `original_span`.
    """

    text: str
    offsets: list[int] = field(repr=False)
    language: str = ""
    digits_folded: bool = False

    def to_original(self, index: int) -> int:
        """Original offset of the normalised character at `index` (len(text) maps to the end)."""
        if not 0 <= index <= len(self.text):
            raise IndexError(f"index {index} outside 0..{len(self.text)}")
        return self.offsets[index]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) covering the normalised [start, end)."""
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span [{start}, {end}) outside 0..{len(self.text)}")
        if start == end:
            return self.offsets[start], self.offsets[start]
        # The end is where the next normalised character with a later origin begins, so a
        # span ending inside a composed group (or before dropped tatweels) covers all of it.
        last = self.offsets[end - 1]
        following = end
        while self.offsets[following] <= last:
            following += 1
        return self.offsets[start], self.offsets[following]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "language": self.language, "digits_folded": self.digits_folded}


def _nfc_with_offsets(text: str) -> tuple[str, list[int]]:
    """NFC, with each output character mapped to the start of the input group it came from."""
    if unicodedata.is_normalized("NFC", text):
        return text, list(range(len(text)))
    out: list[str] = []
    offsets: list[int] = []
    group_start = 0

    def flush(end: int) -> None:
        if end > group_start:
            normalized = unicodedata.normalize("NFC", text[group_start:end])
            if len(normalized) == end - group_start:
                offsets.extend(range(group_start, end))
            else:
                offsets.extend([group_start] * len(normalized))
            out.append(normalized)

    for i in range(1, len(text)):
        ch = text[i]
        if unicodedata.combining(ch):
            continue
        prev = text[i - 1]
        # Some starters compose with the character before them (Hangul jamo, two-part Indic
        # vowel signs); they must stay in that character's group.
        pair = unicodedata.normalize("NFC", prev + ch)
        if pair != unicodedata.normalize("NFC", prev) + unicodedata.normalize("NFC", ch):
            continue
        flush(i)
        group_start = i
    flush(len(text))
    return "".join(out), offsets


def normalize_for_matching(text: str, language: str, fold_digits: bool = False) -> NormalizedText:
    """NFC; for Persian, Arabic ي ى ك folded to ی ک; tatweel and invisible marks dropped.

    ZWNJ is kept. Digits are folded to ASCII only when `fold_digits` is true, and the result
    records it. The map back to `text` survives every step, including dropped characters.
    """
    nfc, nfc_offsets = _nfc_with_offsets(text)
    letter_folds = PERSIAN_LETTER_FOLDS if language in FARSI_YEH_LANGUAGES else {}
    out: list[str] = []
    offsets: list[int] = []
    for ch, origin in zip(nfc, nfc_offsets, strict=True):
        if ch in _DROPPED:
            continue
        out.append(letter_folds.get(ch, ch))
        offsets.append(origin)
    offsets.append(len(text))
    result = "".join(out)
    if fold_digits:
        result = result.translate(DIGIT_FOLDS)
    return NormalizedText(result, offsets, language=language, digits_folded=fold_digits)
