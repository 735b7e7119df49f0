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
    (0x0370, 0x03FF, "greek"),
    (0x1F00, 0x1FFF, "greek"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0980, 0x09FF, "bengali"),
    (0x0A00, 0x0A7F, "gurmukhi"),
    (0x0A80, 0x0AFF, "gujarati"),
    (0x0B00, 0x0B7F, "oriya"),
    (0x0B80, 0x0BFF, "tamil"),
    (0x0C00, 0x0C7F, "telugu"),
    (0x0C80, 0x0CFF, "kannada"),
    (0x0D00, 0x0D7F, "malayalam"),
    (0x0D80, 0x0DFF, "sinhala"),
    (0x0E00, 0x0E7F, "thai"),
    (0x0E80, 0x0EFF, "lao"),
    (0x0F00, 0x0FFF, "tibetan"),
    (0x1000, 0x109F, "myanmar"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1200, 0x139F, "ethiopic"),
    (0x1780, 0x17FF, "khmer"),
    (0x3040, 0x30FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xF900, 0xFAFF, "han"),
    (0x1100, 0x11FF, "hangul"),
    (0x3130, 0x318F, "hangul"),
    (0xAC00, 0xD7AF, "hangul"),
)

# Regex ranges of the basic blocks, for character classes.
ARABIC_BLOCK = "\u0600-\u06ff"
DEVANAGARI_BLOCK = "\u0900-\u097f"


def in_arabic_block(ch: str) -> bool:
    """Any character of the basic Arabic block: letters, marks, digits, punctuation."""
    return "\u0600" <= ch <= "\u06ff"


def in_devanagari_block(ch: str) -> bool:
    """Any character of the Devanagari block: letters, signs, digits, danda."""
    return "\u0900" <= ch <= "\u097f"


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
    """"latin", "cyrillic", "arabic", "devanagari", "han", ... for a letter of that script
    (see SCRIPT_RANGES), else None.

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


def is_cjk(ch: str) -> bool:
    """Han ideographs, kana and Hangul: scripts written without spaces between sentences."""
    return ("\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff"
            or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff")
