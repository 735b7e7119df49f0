"""Offline language detection by script and distinctive letters.

News articles are long and written in one script, so counting letters is enough to tell the
languages xlcompare handles apart, with no model and no network. Within the Arabic script,
Persian, Urdu and Arabic are told apart by the letters only one of them uses.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

# Language names and codes live in xlcompare.lang; re-exported here for article's callers.
from xlcompare.lang.languages import LANGUAGE_NAMES as LANGUAGE_NAMES
from xlcompare.lang.languages import canonical_language as canonical_language
from xlcompare.lang.scripts import script_of as _script_of

MIN_LETTERS = 20
"""Below this many letters there is too little text to say anything."""

# Letters that identify a language within the Arabic script.
_PERSIAN_MARKERS = frozenset("پچژگیک")  # پ چ ژ گ and Persian ی ک
_URDU_MARKERS = frozenset("ٹڈڑںےہھ")  # retroflexes, noon ghunna, bari ye, heh goal/doachashmee
_ARABIC_MARKERS = frozenset("ةيكىأإؤ")  # teh marbuta, Arabic yeh/kaf/alef maksura, hamza seats

# Tajik Cyrillic letters that Russian does not have.
_TAJIK_MARKERS = frozenset("ҳқғӣӯҷҲҚҒӢӮҶ")


@dataclass(frozen=True)
class LanguageGuess:
    """The detected language with the evidence behind it (for warnings and debugging)."""

    language: str | None
    script: str | None
    letters: int
    script_share: float

    def to_dict(self) -> dict[str, object]:
        return {
            "language": self.language,
            "script": self.script,
            "letters": self.letters,
            "script_share": round(self.script_share, 3),
        }


def script_counts(text: str) -> Counter[str]:
    """Letters per script (digits, punctuation and marks of unknown scripts not counted)."""
    counts: Counter[str] = Counter()
    for ch, n in Counter(text).items():
        script = _script_of(ch)
        if script:
            counts[script] += n
    return counts


def _arabic_script_language(text: str) -> str:
    letters = Counter(ch for ch in text if "\u0600" <= ch <= "\u06ff")
    total = sum(letters.values()) or 1
    urdu = sum(letters[ch] for ch in _URDU_MARKERS)
    persian = sum(letters[ch] for ch in _PERSIAN_MARKERS)
    arabic = sum(letters[ch] for ch in _ARABIC_MARKERS)
    # Urdu shares پ چ گ ی ک with Persian, so its own letters are checked first; they are
    # frequent in any Urdu sentence (ے ends many words) and absent from Persian.
    if urdu >= 3 and urdu / total >= 0.02:
        return "ur"
    # Persian typed on an Arabic keyboard uses ي ك, but پ چ ژ گ still give it away; Arabic
    # text has ة and hamza seats instead.
    strong_persian = sum(letters[ch] for ch in "پچژگ")
    if persian > arabic or strong_persian * 4 >= arabic > 0 and strong_persian >= 2:
        return "fa"
    return "ar"


def guess_language(text: str) -> LanguageGuess:
    """Detect the language and return the evidence; `language` is None for too little text."""
    counts = script_counts(text)
    letters = sum(counts.values())
    if letters < MIN_LETTERS:
        return LanguageGuess(None, None, letters, 0.0)
    script, count = counts.most_common(1)[0]
    share = count / letters
    if script == "devanagari":
        # Marathi and Nepali also use Devanagari; telling them apart needs vocabulary, and
        # this project's Devanagari input is Hindi, so Hindi is the default (--from overrides).
        language = "hi"
    elif script == "arabic":
        language = _arabic_script_language(text)
    elif script == "cyrillic":
        language = "tg" if any(ch in _TAJIK_MARKERS for ch in text) else "ru"
    else:
        language = "en"
    return LanguageGuess(language, script, letters, share)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language ("hi", "fa", "ur", "ar", "en", ...), or None."""
    return guess_language(text).language
