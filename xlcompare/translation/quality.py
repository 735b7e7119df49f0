"""Cheap checks that flag a translation a reader should not trust blindly.

None of these changes the translation; they add flags (translation/model.py) that reports show
next to the segment.

- `empty`: the model produced no text for a source that has letters or digits.
- `hit_max_length`: generation stopped at the length limit, so the output may be cut short.
- `repetition`: a decoding loop, the classic failure of beam search on odd input — some
  3-gram occurs at least 3 times, or one token repeats more than 4 times in a row.
- `length_ratio`: output characters / source characters outside a plausible band.

The length band is centred on a typical ratio for the language pair (English written from
Persian or Arabic is longer than its source, which omits short vowels; from Hindi about the same
length) and allows a factor of 2.5 either way. Sources shorter than 20 characters are not judged:
a two-word headline legitimately translates to half or double its length.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from xlcompare.translation.model import (
    FLAG_EMPTY,
    FLAG_LENGTH_RATIO,
    FLAG_REPETITION,
    FLAG_TRUNCATED,
)

REPEATED_NGRAM_SIZE = 3
REPEATED_NGRAM_MIN_COUNT = 3
MAX_TOKEN_RUN = 4  # a token repeated more than this many times in a row is a loop

MIN_SOURCE_CHARS_FOR_RATIO = 20
RATIO_TOLERANCE = 2.5  # the band is [typical / 2.5, typical * 2.5]

# Typical characters of English per character of source, by source language (target English).
TYPICAL_RATIO_TO_ENGLISH: dict[str, float] = {
    "hi": 1.0,
    "mr": 1.1,
    "ne": 1.1,
    "bn": 1.1,
    "ur": 1.2,
    "fa": 1.3,
    "ar": 1.3,
    "ps": 1.3,
    "he": 1.3,
    "ru": 1.0,
    "zh": 3.5,  # one Chinese character carries about a word
    "ja": 2.5,
    "ko": 2.0,
    "en": 1.0,
}
DEFAULT_TYPICAL_RATIO = 1.1

_WORD = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class LengthBand:
    low: float
    high: float

    def contains(self, ratio: float) -> bool:
        return self.low <= ratio <= self.high


def quality_flags(
    source: str,
    translation: str,
    *,
    source_lang: str,
    target_lang: str = "en",
    hit_max_length: bool = False,
) -> tuple[str, ...]:
    """All flags that apply, in a stable order."""
    flags: list[str] = []
    if hit_max_length:
        flags.append(FLAG_TRUNCATED)
    if is_empty(source, translation):
        flags.append(FLAG_EMPTY)
        return tuple(flags)
    if has_repetition(translation):
        flags.append(FLAG_REPETITION)
    if not length_ratio_plausible(source, translation, source_lang=source_lang, target_lang=target_lang):
        flags.append(FLAG_LENGTH_RATIO)
    return tuple(flags)


def is_empty(source: str, translation: str) -> bool:
    source_has_content = any(c.isalnum() for c in source)
    return source_has_content and not translation.strip()


def has_repetition(
    text: str,
    *,
    ngram: int = REPEATED_NGRAM_SIZE,
    min_count: int = REPEATED_NGRAM_MIN_COUNT,
    max_run: int = MAX_TOKEN_RUN,
) -> bool:
    tokens = [t.lower() for t in _WORD.findall(text)]
    run = 1
    for previous, token in zip(tokens, tokens[1:]):
        run = run + 1 if token == previous else 1
        if run > max_run:
            return True
    grams = Counter(tuple(tokens[i : i + ngram]) for i in range(len(tokens) - ngram + 1))
    return any(count >= min_count for count in grams.values())


def length_band(source_lang: str, target_lang: str = "en") -> LengthBand:
    """Plausible output/source character ratios for a language pair."""
    typical = _typical_ratio(source_lang) / _typical_ratio(target_lang)
    return LengthBand(typical / RATIO_TOLERANCE, typical * RATIO_TOLERANCE)


def length_ratio_plausible(
    source: str, translation: str, *, source_lang: str, target_lang: str = "en"
) -> bool:
    source_chars = len(source.strip())
    if source_chars < MIN_SOURCE_CHARS_FOR_RATIO:
        return True
    ratio = len(translation.strip()) / source_chars
    return length_band(source_lang, target_lang).contains(ratio)


def _typical_ratio(lang: str) -> float:
    # NLLB-style codes (hin_Deva) are reduced to their ISO 639-1 equivalent where we know it.
    iso = _NLLB_TO_ISO.get(lang, lang)
    return TYPICAL_RATIO_TO_ENGLISH.get(iso, DEFAULT_TYPICAL_RATIO)


_NLLB_TO_ISO = {
    "hin_Deva": "hi",
    "pes_Arab": "fa",
    "urd_Arab": "ur",
    "arb_Arab": "ar",
    "eng_Latn": "en",
    "zho_Hans": "zh",
}
