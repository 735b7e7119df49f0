"""Offline language detection by script, distinctive letters and function words.

News articles are long and written in one script, so counting letters is enough to tell most
languages apart, with no model and no network. A script used by one language names it (Han:
Chinese, kana: Japanese, Hangul: Korean, Greek, Hebrew, Thai, Bengali ...). Within the Arabic
script, Persian, Urdu and Arabic are told apart by the letters only one of them uses; within
Cyrillic, Tajik, Ukrainian, Kazakh, Serbian ... by theirs (Russian otherwise); within the Latin
script, by the share of very frequent function words of a dozen languages.

Detection never refuses a text that has letters: when it cannot tell (a Latin text in none of
those languages, a short text), `LanguageGuess.certain` is False and the language is its best
guess, or "und" (undetermined, ISO 639-2) when it has none; the reader turns that into a
warning. The embedder reads the text either way.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Language names and codes live in xlcompare.lang; re-exported here for article's callers.
from xlcompare.lang.languages import LANGUAGE_NAMES as LANGUAGE_NAMES
from xlcompare.lang.languages import SCRIPT_LANGUAGE as _SCRIPT_LANGUAGE
from xlcompare.lang.languages import UNDETERMINED as UNDETERMINED
from xlcompare.lang.languages import canonical_language as canonical_language
from xlcompare.lang.scripts import in_arabic_block
from xlcompare.lang.scripts import script_of as _script_of

MIN_LETTERS = 20
"""Below this many letters a guess is only a guess (`LanguageGuess.certain` is False)."""

# Letters that identify a language within the Arabic script.
_PERSIAN_MARKERS = frozenset("پچژگیک")  # پ چ ژ گ and Persian ی ک
_URDU_MARKERS = frozenset("ٹڈڑںےہھ")  # retroflexes, noon ghunna, bari ye, heh goal/doachashmee
_ARABIC_MARKERS = frozenset("ةيكىأإؤ")  # teh marbuta, Arabic yeh/kaf/alef maksura, hamza seats

# Cyrillic letters that Russian does not have, by the language they identify; checked in this
# order (Kazakh shares қ ғ with Tajik, so its own ә ң ұ come first).
_CYRILLIC_MARKERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("kk", frozenset("әңұӘҢҰ")),
    ("tg", frozenset("ҳқғӣӯҷҲҚҒӢӮҶ")),
    ("uk", frozenset("єїґЄЇҐ")),
    ("be", frozenset("ўЎ")),
    ("mk", frozenset("ѓќѕЃЌЅ")),
    ("sr", frozenset("ђћџЂЋЏ")),
    ("mn", frozenset("өүӨҮ")),
)

# The most frequent function words of some languages written in the Latin script (lower
# case). A news text has 30-50% function words, so a few hundred words decide clearly; words
# two languages share (e.g. "de", "en") count for both.
_LATIN_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in is that for on with was as by it are from at be this".split()),
    "de": frozenset("der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch".split()),
    "fr": frozenset("le la les de des et est un une du en dans que qui pour pas sur au avec par".split()),
    "es": frozenset("el la de que y en los del se las por un una para con no es al lo como".split()),
    "it": frozenset("il di che la e è per un una in del della non sono le con dei si al".split()),
    "pt": frozenset("o a de que e do da em um para com não uma os no se na por mais as dos".split()),
    "nl": frozenset("de het een en van in is dat op te zijn met voor niet aan er ook als".split()),
    "tr": frozenset("bir ve bu da de için ile çok olarak daha gibi olan en ne ki ama sonra".split()),
    "pl": frozenset("i w na z do że się nie jest to o jak przez od po za oraz dla".split()),
    "sv": frozenset("och i att det som en på är av för med till den har inte om ett".split()),
    "id": frozenset("yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada".split()),
    "ro": frozenset("și de la în cu a pe din că nu este care un o pentru mai".split()),
}


@dataclass(frozen=True)
class LanguageGuess:
    """The detected language with the evidence behind it (for warnings and debugging).

    `language` is None only for a text without letters; "und" when there are letters but no
    guess. `certain` is False when the language is a guess that the caller should report.
    """

    language: str | None
    script: str | None
    letters: int
    script_share: float
    certain: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "language": self.language,
            "script": self.script,
            "letters": self.letters,
            "script_share": round(self.script_share, 3),
            "certain": self.certain,
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
    letters = Counter(ch for ch in text if in_arabic_block(ch))
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


def _cyrillic_language(text: str) -> str:
    present = set(text)
    for language, markers in _CYRILLIC_MARKERS:
        if present & markers:
            return language
    return "ru"


def _latin_language(text: str) -> tuple[str, bool]:
    """(language, certain) by function words; ("und", False) when none is recognised."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text) if w.isascii() or
             _script_of(w[0]) == "latin"]
    if not words:
        return UNDETERMINED, False
    counts = Counter(words)
    hits = {
        language: (sum(counts[w] for w in function_words), len(function_words & counts.keys()))
        for language, function_words in _LATIN_FUNCTION_WORDS.items()
    }
    ranked = sorted(hits.items(), key=lambda item: -item[1][0])
    (best, (best_hits, distinct)), (_, (second_hits, _)) = ranked[0], ranked[1]
    if best_hits == 0 or best_hits == second_hits:
        return UNDETERMINED, False
    # A language of the list writes 20-50% function words, many different ones; a clear lead
    # over the runner-up (languages share some words) makes it certain. Less is a guess: one
    # short word in common proves little (Swahili "za" is Polish "za").
    certain = best_hits >= 0.15 * len(words) and distinct >= 3 and best_hits >= 1.5 * second_hits
    return best, certain


def guess_language(text: str) -> LanguageGuess:
    """Detect the language and return the evidence (see `LanguageGuess`)."""
    counts = script_counts(text)
    letters = sum(counts.values())
    if letters == 0:
        return LanguageGuess(None, None, 0, 0.0, certain=False)
    script, count = counts.most_common(1)[0]
    share = count / letters
    certain = letters >= MIN_LETTERS
    if script == "devanagari":
        # Marathi and Nepali also use Devanagari; telling them apart needs vocabulary, and
        # this project's Devanagari input is Hindi, so Hindi is the default (--from overrides).
        language = "hi"
    elif script == "arabic":
        language = _arabic_script_language(text)
    elif script == "cyrillic":
        language = _cyrillic_language(text)
    elif script == "han":
        # Japanese mixes kanji with kana; a Chinese text has none.
        language = "ja" if counts.get("kana", 0) >= 0.05 * count else "zh"
    elif script == "latin":
        language, sure = _latin_language(text)
        certain = certain and sure
    else:
        language = _SCRIPT_LANGUAGE.get(script, UNDETERMINED)
    return LanguageGuess(language, script, letters, share, certain=certain)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language ("hi", "fa", "de", "zh", ...); "und" when it has
    letters but no recognisable language, None when it has no letters."""
    return guess_language(text).language
