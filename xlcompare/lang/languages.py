"""Language codes, their English names, and which script each language is written in."""
from __future__ import annotations

UNDETERMINED = "und"
"""ISO 639's code for a text whose language cannot be told."""

LANGUAGE_NAMES: dict[str, str] = {
    "und": "undetermined language",
    "ar": "Arabic", "bn": "Bengali", "de": "German", "en": "English", "es": "Spanish",
    "fa": "Persian", "fr": "French", "he": "Hebrew", "hi": "Hindi", "ja": "Japanese",
    "kk": "Kazakh", "ko": "Korean", "mr": "Marathi", "ne": "Nepali", "ps": "Pashto",
    "ru": "Russian", "tg": "Tajik", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "zh": "Chinese",
}

# Scripts that (in news) one language writes, so the script alone names the language.
SCRIPT_LANGUAGE: dict[str, str] = {
    "greek": "el", "armenian": "hy", "hebrew": "he", "bengali": "bn", "gurmukhi": "pa",
    "gujarati": "gu", "oriya": "or", "tamil": "ta", "telugu": "te", "kannada": "kn",
    "malayalam": "ml", "sinhala": "si", "thai": "th", "lao": "lo", "tibetan": "bo",
    "myanmar": "my", "georgian": "ka", "ethiopic": "am", "khmer": "km", "kana": "ja",
    "hangul": "ko",
}

# Languages written in the Arabic script. Sentence rules (a '.' glued to the next word is a
# boundary, '؟' ends a sentence) hold for all of them.
ARABIC_SCRIPT_LANGUAGES = frozenset({"fa", "ar", "ur", "ps", "ckb", "sd", "ug"})
# Of those, the ones that write FARSI YEH and KEHEH (ی ک): for them Arabic ي ى ك are the
# same letters typed on an Arabic keyboard and fold to ی ک. Not Arabic itself, where ي and ى
# are different letters.
FARSI_YEH_LANGUAGES = ARABIC_SCRIPT_LANGUAGES - {"ar"}
DEVANAGARI_LANGUAGES = frozenset({"hi", "mr", "ne", "sa", "mai", "bho"})
RTL_LANGUAGES = ARABIC_SCRIPT_LANGUAGES | {"he", "yi"}
# Languages written in the Latin script (where a Latin slug line is not obviously furniture).
LATIN_LANGUAGES = frozenset({"en", "fr", "de", "es", "it", "pt", "nl", "tr", "id", "uz", "az"})

_ALIASES = {
    "hin": "hi", "hindi": "hi", "hin_deva": "hi",
    "fas": "fa", "per": "fa", "pes": "fa", "farsi": "fa", "persian": "fa", "pes_arab": "fa",
    "prs": "fa", "prs_arab": "fa",
    "eng": "en", "english": "en", "eng_latn": "en",
    "urd": "ur", "urdu": "ur", "urd_arab": "ur",
    "ara": "ar", "arb": "ar", "arabic": "ar", "arb_arab": "ar",
    "tgk": "tg", "tajik": "tg", "tgk_cyrl": "tg",
    "rus": "ru", "russian": "ru", "rus_cyrl": "ru",
    "mar": "mr", "marathi": "mr", "mar_deva": "mr",
    "nep": "ne", "npi": "ne", "nepali": "ne", "npi_deva": "ne",
}


def canonical_language(code: str) -> str:
    """"hin", "Hindi", "hin_Deva" -> "hi"; two-letter codes pass through lower-cased.

    Raises ValueError for something that is not a language code.
    """
    key = code.strip().lower().replace("-", "_")
    if key in _ALIASES:
        return _ALIASES[key]
    if len(key) in (2, 3) and key.isascii() and key.isalpha():
        return key
    raise ValueError(code)


def language_name(code: str | None) -> str:
    """"Hindi (hi)"; the bare code for a language without a name here."""
    if not code:
        return "unknown language"
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def script_of_language(code: str | None) -> str | None:
    """"arabic", "devanagari", "latin", or None when not known."""
    if code in ARABIC_SCRIPT_LANGUAGES:
        return "arabic"
    if code in DEVANAGARI_LANGUAGES:
        return "devanagari"
    if code in LATIN_LANGUAGES:
        return "latin"
    return None


def is_rtl(code: str | None) -> bool:
    return code in RTL_LANGUAGES
