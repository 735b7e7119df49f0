"""Names written in Devanagari, the Perso-Arabic script and English, brought to common forms.

A name in a Hindi report and the same name in a Persian one share no character. Two forms
make them comparable without a translation model:

- `latin_key`: a coarse consonant skeleton in Latin letters. Vowels are dropped (Persian does
  not write short vowels, English spells them freely), and consonants that the scripts or
  their transcriptions confuse fall into one class: f/ph/p (Hindi writes f with फ, often
  without the nukta), kh/q/k, gh/g, z/j (Hindi ज for z), sh/s, th/t, dh/d, w/v; y and the
  glottal letters are dropped; m before b or p is n (मुंबई has an anusvara); a final ng is n.
  "Farhad Salim", "फरहाद सलीम" and "فرهاد سلیم" all give "prhd slm"; "Taliban", "तालिबान" and
  "طالبان" give "tlbn". Short keys collide by chance, so callers demand a few consonants.
- `fine_key`: the spelling within one script with only its variants folded (nukta, vowel
  length, candra vowels, nasal signs in Hindi; Arabic letter forms, hamza and diacritics in
  Persian; spaces, ZWNJ and hyphens removed), for looking a name up in a list of names of the
  same language: "मास्को" and CLDR's "मॉस्को" are both Moscow.
- `romanize`: a readable Latin form for display, with the inherent vowel of Devanagari
  dropped where Hindi drops it (फरहाद सलीम -> Farhad Salim). Persian is romanized without
  the short vowels it does not write (فرهاد سلیم -> Frhad Slim): readable, not a standard.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from xlcompare.lang.digits import fold_persian_letters

# --------------------------------------------------------------------------- Devanagari

_DEV_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "chh", "ज": "j",
    "झ": "jh", "ञ": "n", "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t",
    "थ": "th", "द": "d", "ध": "dh", "न": "n", "ऩ": "n", "प": "p", "फ": "f", "ब": "b",
    "भ": "bh", "म": "m", "य": "y", "र": "r", "ऱ": "r", "ल": "l", "ळ": "l", "ऴ": "l", "व": "v",
    "श": "sh", "ष": "sh", "स": "s", "ह": "h",
}
# A consonant followed by the nukta sign: the sounds of Persian, Arabic and English loans.
_DEV_NUKTA = {"क": "q", "ख": "kh", "ग": "gh", "ज": "z", "ड": "r", "ढ": "rh", "फ": "f", "य": "y"}
_DEV_INDEPENDENT_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ii", "उ": "u", "ऊ": "uu", "ऋ": "ri", "ए": "e",
    "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e", "ऎ": "e", "ऒ": "o",
}
_DEV_MATRAS = {
    "ा": "aa", "ि": "i", "ी": "ii", "ु": "u", "ू": "uu", "ृ": "ri", "े": "e", "ै": "ai",
    "ो": "o", "ौ": "au", "ॉ": "o", "ॅ": "e", "ॆ": "e", "ॊ": "o",
}
_VIRAMA, _NUKTA, _ANUSVARA, _CANDRABINDU, _VISARGA = "्", "़", "ं", "ँ", "ः"
_LABIALS = frozenset("pbfm")


class _Unit:
    """One akshara: a consonant (or none) with its vowel; `inherent` marks the implicit a."""

    __slots__ = ("consonant", "vowel", "inherent", "nasal", "coda")

    def __init__(self, consonant: str, vowel: str, inherent: bool) -> None:
        self.consonant, self.vowel, self.inherent = consonant, vowel, inherent
        self.nasal = ""  # anusvara or candrabindu after the vowel
        self.coda = ""  # visarga


def _devanagari_units(word: str) -> list[_Unit]:
    units: list[_Unit] = []
    base = ""
    for ch in unicodedata.normalize("NFC", word):
        if ch in _DEV_CONSONANTS:
            units.append(_Unit(_DEV_CONSONANTS[ch], "a", True))
            base = ch
        elif ch == _NUKTA and units and base in _DEV_NUKTA:
            units[-1].consonant = _DEV_NUKTA[base]
        elif ch in _DEV_MATRAS and units and units[-1].inherent:
            units[-1].vowel, units[-1].inherent = _DEV_MATRAS[ch], False
        elif ch == _VIRAMA and units:
            units[-1].vowel, units[-1].inherent = "", False
        elif ch in _DEV_INDEPENDENT_VOWELS:
            units.append(_Unit("", _DEV_INDEPENDENT_VOWELS[ch], False))
            base = ""
        elif ch in (_ANUSVARA, _CANDRABINDU) and units:
            units[-1].nasal = "n" if ch == _ANUSVARA else "~"
        elif ch == _VISARGA and units:
            units[-1].coda = "h"
    return units


def _delete_schwas(units: list[_Unit]) -> None:
    """Hindi drops the inherent a at the end of a word and between two pronounced vowels when
    a single consonant follows (कमला kamlaa, फरहाद farhaad); scanned right to left."""
    if len(units) > 1 and units[-1].inherent and units[-1].consonant and not units[-1].nasal:
        units[-1].vowel, units[-1].inherent = "", False
    for i in range(len(units) - 2, 0, -1):
        unit, before, after = units[i], units[i - 1], units[i + 1]
        if (unit.inherent and unit.consonant and not unit.nasal and before.vowel
                and after.consonant and after.vowel):
            unit.vowel, unit.inherent = "", False


def _romanize_devanagari(word: str) -> str:
    units = _devanagari_units(word)
    _delete_schwas(units)
    out = []
    for k, unit in enumerate(units):
        out.append(unit.consonant + unit.vowel)
        if unit.nasal == "n":
            following = units[k + 1].consonant[:1] if k + 1 < len(units) else ""
            out.append("m" if following and following in _LABIALS else "n")
        out.append(unit.coda)
    text = "".join(out)
    return re.sub(r"([aiu])\1", r"\1", text)  # long vowels written once: saliim -> salim


# --------------------------------------------------------------------------- Perso-Arabic

_ARABIC_CONSONANTS = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh", "د": "d",
    "ذ": "z", "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "ص": "s", "ض": "z", "ط": "t",
    "ظ": "z", "غ": "gh", "ف": "f", "ق": "q", "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n",
    "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n",
}
_ALEFS = frozenset("اآأإٱء")
_SILENT = frozenset("عئؤةٔ")  # ain and hamza seats: no consonant of the Latin key


def _arabic_phonemes(word: str) -> list[tuple[str, bool]]:
    """(Latin, is_consonant) for each letter, vav, yeh and heh read from their position."""
    letters = [ch for ch in fold_persian_letters(word) if not ("\u064b" <= ch <= "\u065f" or ch in "\u0670\u0640\u200c")]
    out: list[tuple[str, bool]] = []
    for i, ch in enumerate(letters):
        previous = letters[i - 1] if i else ""
        following = letters[i + 1] if i + 1 < len(letters) else ""
        if ch in _ARABIC_CONSONANTS:
            out.append((_ARABIC_CONSONANTS[ch], True))
        elif ch in _ALEFS:
            out.append(("a", False))
        elif ch == "و":
            # A consonant at the start, between alef and a letter, or before alef (وزارت,
            # خاور, سوال); a vowel elsewhere (دوشنبه, مسکو).
            consonant = i == 0 or following in _ALEFS or previous in _ALEFS and i > 1
            out.append(("v", True) if consonant else ("u", False))
        elif ch in "یے":
            consonant = i == 0 and following in _ALEFS or previous in _ALEFS and i > 1 and following
            out.append(("y", True) if consonant else ("i", False))
        elif ch in "هۀہھ":
            # Final heh after a consonant is the silent e of دوشنبه; elsewhere it is h.
            silent = i == len(letters) - 1 and i > 0 and previous not in _ALEFS
            out.append(("e", False) if silent else ("h", True))
        elif ch in _SILENT:
            continue
    return out


def _romanize_arabic(word: str) -> str:
    return "".join(latin for latin, _ in _arabic_phonemes(word))


# --------------------------------------------------------------------------- the common key

# Latin phonemes to consonant classes; vowels, y and anything else are not in the key.
_CLASS_OF = {
    "k": "k", "kh": "k", "q": "k", "g": "g", "gh": "g", "ch": "c", "chh": "c", "j": "j",
    "jh": "j", "z": "j", "zh": "j", "t": "t", "th": "t", "d": "d", "dh": "d", "n": "n",
    "p": "p", "ph": "p", "f": "p", "b": "b", "bh": "b", "m": "m", "r": "r", "rh": "r",
    "l": "l", "s": "s", "sh": "s", "v": "v", "w": "v", "h": "h", "x": "ks",
}
_ENGLISH_DIGRAPHS = ("tch", "sh", "ch", "kh", "gh", "ph", "th", "dh", "bh", "zh", "ck")


def _classes(phonemes: list[str]) -> str:
    key = "".join(_CLASS_OF.get(p, "") for p in phonemes)
    key = re.sub(r"m(?=[bp])", "n", key)
    key = re.sub(r"(.)\1+", r"\1", key)
    return re.sub(r"ng$", "n", key)


def _english_phonemes(word: str) -> list[str]:
    """English spelling to its consonant phonemes."""
    w = unicodedata.normalize("NFKD", word.lower())
    w = "".join(ch for ch in w if "a" <= ch <= "z")
    out: list[str] = []
    i = 0
    while i < len(w):
        digraph = next((d for d in _ENGLISH_DIGRAPHS if w.startswith(d, i)), None)
        if digraph:
            out.append({"tch": "ch", "ck": "k"}.get(digraph, digraph))
            i += len(digraph)
            continue
        ch, following = w[i], w[i + 1 : i + 2]
        if ch == "c":
            out.append("s" if following in ("e", "i", "y") else "k")  # Cyprus, Cairo
        elif ch == "w":
            # a consonant before a vowel ("Washington"), a vowel after one ("Moscow")
            if following in ("a", "e", "i", "o", "u"):
                out.append("w")
        elif ch not in "aeiouy":
            out.append(ch)
        i += 1
    return out


def _phonemes(word: str) -> list[str]:
    script = _script_of_word(word)
    if script == "devanagari":
        out = []
        for unit in _devanagari_units(word):
            out += [unit.consonant, "n" if unit.nasal == "n" else "", unit.coda]
        return out
    if script == "arabic":
        return [p for p, consonant in _arabic_phonemes(word) if consonant]
    return _english_phonemes(word)


def _script_of_word(word: str) -> str:
    for ch in word:
        if "\u0900" <= ch <= "\u097f":
            return "devanagari"
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff":
            return "arabic"
    return "latin"


_WORDS = re.compile(r"[^\s\-‐–—_/.,،؛;:()\"'“”«»]+")


@functools.lru_cache(maxsize=65536)
def _word_phonemes(word: str) -> tuple[str, ...]:
    return tuple(_phonemes(word.replace("\u200c", "")))


def latin_key(text: str, *, compact: bool = False) -> str:
    """The consonant skeleton of each word, joined by spaces (see the module docstring).

    `compact=True` gives one skeleton for the whole text, as if it were one word, so that
    "اسلام آباد" and "Islamabad" meet.
    """
    words = [_word_phonemes(w) for w in _WORDS.findall(text)]
    if compact:
        return _classes([p for w in words for p in w])
    return " ".join(k for k in (_classes(list(w)) for w in words) if k)


def romanize(text: str) -> str:
    """A readable Latin form, each word capitalised (see the module docstring)."""
    words = []
    for word in _WORDS.findall(text):
        script = _script_of_word(word)
        if script == "devanagari":
            latin = _romanize_devanagari(word)
        elif script == "arabic":
            latin = _romanize_arabic(word.replace("\u200c", ""))
        else:
            latin = word
        if latin:
            words.append(latin[:1].upper() + latin[1:])
    return " ".join(words)


# --------------------------------------------------------------------------- fine key

_DEV_FOLDS = str.maketrans({
    "ॉ": "ा", "ॅ": "े", "ँ": "ं", "ी": "ि", "ू": "ु", "ई": "इ", "ऊ": "उ", "ऑ": "आ", "़": None,
})
_ARABIC_FOLDS = str.maketrans({
    "آ": "ا", "أ": "ا", "إ": "ا", "ٱ": "ا", "ة": "ه", "ؤ": "و", "ئ": "ی", "ۀ": "ه",
    "\u0640": None, "\u200c": None, "\u0670": None,
    **{chr(c): None for c in range(0x064B, 0x0660)},
})
_HALF_NASAL = re.compile("[नमणङञ]्(?=[क-ह])")
_SEPARATORS = re.compile(r"[\s\-‐–—_.'’]+")


@functools.lru_cache(maxsize=65536)
def fine_key(text: str) -> str:
    """The spelling with its variants folded (see the module docstring); "" for no letters."""
    text = unicodedata.normalize("NFD", text)  # nukta letters come apart: क़ -> क + ़
    text = unicodedata.normalize("NFC", text.replace("़", ""))
    text = _HALF_NASAL.sub("ं", text).translate(_DEV_FOLDS)
    text = fold_persian_letters(text).translate(_ARABIC_FOLDS)
    return _SEPARATORS.sub("", text).casefold()
