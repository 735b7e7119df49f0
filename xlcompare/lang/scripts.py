"""Scripts: which writing system a character belongs to, and what counts as part of a word."""
from __future__ import annotations

SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "latin"),
    (0x0061, 0x007A, "latin"),
    (0x00C0, 0x024F, "latin"),
    (0x1E00, 0x1EFF, "latin"),
    (0x0400, 0x04FF, "cyrillic"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x08A0, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0xA8E0, 0xA8FF, "devanagari"),
)

# Regex ranges of the basic blocks, for character classes.
ARABIC_BLOCK = "\u0600-\u06ff"
DEVANAGARI_BLOCK = "\u0900-\u097f"

ZWNJ = "\u200c"
"""ZERO WIDTH NON-JOINER: in Persian it joins the parts of one word (می‌روم, کتاب‌ها)."""

# Combining marks that belong to a word but that Python's \w leaves out: Devanagari vowel
# signs, virama and nukta; Arabic harakat, superscript alef and Quranic marks.
WORD_MARKS = (
    "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
)
WORD_CHAR = rf"[\w{WORD_MARKS}{ZWNJ}]"
"""One character of a word (letters, digits, marks, ZWNJ), for regex lookarounds."""
LETTER_RUN = rf"(?:[^\W\d_]|[{WORD_MARKS}{ZWNJ}])+"
"""A run of letters with their marks and ZWNJ, no digits: one word of running text."""


def script_of(ch: str) -> str | None:
    """"latin", "cyrillic", "arabic", "devanagari" for a letter of that script, else None.

    Digits and punctuation belong to no script; Devanagari signs count as Devanagari.
    """
    code = ord(ch)
    for lo, hi, script in SCRIPT_RANGES:
        if lo <= code <= hi:
            return script if ch.isalpha() or script == "devanagari" and not ch.isdigit() else None
    return None


def is_arabic_letter(ch: str) -> bool:
    return ("\u0620" <= ch <= "\u064a" or "\u066e" <= ch <= "\u06d3" or "\u06fa" <= ch <= "\u06ff"
            or "\u0750" <= ch <= "\u077f") and ch.isalpha()


def is_devanagari_letter(ch: str) -> bool:
    return "\u0904" <= ch <= "\u0939" or "\u0958" <= ch <= "\u0961" or "\u0972" <= ch <= "\u097f"
