"""Digits and letter variants that mean the same thing: folded before anything is compared.

Every fold here maps one character to one character, so positions in the folded text still
index the original.
"""
from __future__ import annotations

DIGIT_FOLDS = {
    **{0x06F0 + i: str(i) for i in range(10)},  # Extended Arabic-Indic (Persian) digits
    **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic digits
    **{0x0966 + i: str(i) for i in range(10)},  # Devanagari digits
    0x066B: ".",  # ARABIC DECIMAL SEPARATOR: ۲٫۱ is 2.1
    0x066C: ",",  # ARABIC THOUSANDS SEPARATOR
}
_NUMBER_FOLDS = {**DIGIT_FOLDS, 0x066A: "%"}  # ARABIC PERCENT SIGN

# Arabic code points that Persian writes differently. Text typed on an Arabic keyboard, or
# copied from Arabic sources, uses them for the same Persian letters, so "كشور" and "کشور"
# must compare equal.
PERSIAN_LETTER_FOLDS = {
    "\u064a": "\u06cc",  # ARABIC LETTER YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ARABIC LETTER ALEF MAKSURA -> FARSI YEH
    "\u0643": "\u06a9",  # ARABIC LETTER KAF -> KEHEH
}
_PERSIAN_LETTER_TABLE = str.maketrans(PERSIAN_LETTER_FOLDS)


def fold_digits(text: str) -> str:
    """Persian, Arabic-Indic and Devanagari digits to ASCII; ٫ to '.' (length preserved)."""
    return text.translate(DIGIT_FOLDS)


def fold_number_text(text: str) -> str:
    """ASCII digits, '.' as the decimal separator, ',' between thousands, '%' for '٪'."""
    return text.translate(_NUMBER_FOLDS)


def fold_persian_letters(text: str) -> str:
    """Arabic ي ى ك to Persian ی ک (length preserved)."""
    return text.translate(_PERSIAN_LETTER_TABLE)
