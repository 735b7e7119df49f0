"""The language layer: clause boundaries shared by two stages, digits, language facts."""
from __future__ import annotations

import pytest

from xlcompare.alignment.related import split_clauses
from xlcompare.lang import languages, punctuation
from xlcompare.lang.digits import fold_digits, fold_number_text, fold_persian_letters
from xlcompare.segments.model import Segment
from xlcompare.translation.splitting import split_text

# Texts whose clauses have exactly three words each, with the clauses they hold. Numbers with
# separators ("1,000", "19:00", "2020–2024") are not clause boundaries.
CLAUSE_CASES = [
    ("one two three, four five six", ["one two three", "four five six"]),
    ("paid 1,000 rupees, the man said", ["paid 1,000 rupees", "the man said"]),
    ("paid 1,00,000 rupees; the man said", ["paid 1,00,000 rupees", "the man said"]),
    ("met 19:00 today: talks began now", ["met 19:00 today", "talks began now"]),
    ("2020–2024 talks ended — both sides agreed", ["2020–2024 talks ended", "both sides agreed"]),
    ("१,००० लोग आए, फिर बैठक हुई", ["१,००० लोग आए", "फिर बैठक हुई"]),
    ("۱٬۰۰۰ نفر آمدند، سپس جلسه شد", ["۱٬۰۰۰ نفر آمدند", "سپس جلسه شد"]),
    ("1,000 نفر آمدند؛ سپس جلسه شد", ["1,000 نفر آمدند", "سپس جلسه شد"]),
]


def _words(text: str) -> int:
    """Words with a letter or digit: a dash alone is no word to the model's token count."""
    return sum(any(ch.isalnum() for ch in word) for word in text.split())


@pytest.mark.parametrize(("text", "clauses"), CLAUSE_CASES)
def test_translation_splitting_and_related_passages_cut_clauses_alike(text: str, clauses: list[str]) -> None:
    assert [text[s:e] for s, e in punctuation.clause_spans(text)] == clauses
    # related passages: the clauses of a segment, located in its article
    prefix = "xx "
    segment = Segment(0, len(prefix), len(prefix) + len(text), text)
    article = prefix + text
    assert [article[s:e] for s, e in split_clauses(segment)] == clauses
    # translation splitting: with room for one clause, each piece is one clause and its
    # punctuation, and nothing else is cut
    pieces = split_text(text, _words, 3)
    assert "".join(pieces) == text
    assert [p.strip().rstrip(",،;؛:—–").strip() for p in pieces] == clauses


@pytest.mark.parametrize(
    ("line", "ends"),
    [("He left.", True), ("उसने कहा।", True), ("آیا رفت؟", True), ("«رفت.»", True),
     ("He said “yes.”", True), ("popular post", False), ("۱۲٫۵", False), ("", False)],
)
def test_ends_sentence(line: str, ends: bool) -> None:
    assert punctuation.ends_sentence(line) is ends


@pytest.mark.parametrize(
    ("text", "digits", "number", "letters"),
    [
        ("۱۲٫۵٪", "12.5٪", "12.5%", "۱۲٫۵٪"),
        ("१२,०००", "12,000", "12,000", "१२,०००"),
        ("٣٤٥", "345", "345", "٣٤٥"),
        ("كيك ي", "كيك ي", "كيك ي", "کیک ی"),
    ],
)
def test_folds_keep_length(text: str, digits: str, number: str, letters: str) -> None:
    assert fold_digits(text) == digits
    assert fold_number_text(text) == number
    assert fold_persian_letters(text) == letters
    assert len({len(text), len(digits), len(number), len(letters)}) == 1


@pytest.mark.parametrize(
    ("code", "name", "script", "rtl"),
    [("hi", "Hindi (hi)", "devanagari", False), ("fa", "Persian (fa)", "arabic", True),
     ("ar", "Arabic (ar)", "arabic", True), ("ur", "Urdu (ur)", "arabic", True),
     ("en", "English (en)", "latin", False), ("xx", "xx", None, False),
     (None, "unknown language", None, False)],
)
def test_language_facts(code: str | None, name: str, script: str | None, rtl: bool) -> None:
    assert languages.language_name(code) == name
    assert languages.script_of_language(code) == script
    assert languages.is_rtl(code) is rtl


def test_arabic_is_arabic_script_but_keeps_its_own_yeh() -> None:
    assert "ar" in languages.ARABIC_SCRIPT_LANGUAGES
    assert "ar" not in languages.FARSI_YEH_LANGUAGES
    assert languages.FARSI_YEH_LANGUAGES < languages.ARABIC_SCRIPT_LANGUAGES < languages.RTL_LANGUAGES
