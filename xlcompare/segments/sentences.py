"""Sentence segmentation by character offsets: Hindi, Persian and English with their own rules,
any other language with the generic ones.

Rules, per line (a line break always ends a sentence: scraped pages put one headline or one
paragraph per line, and a headline list must give one segment per headline):

- ``।`` ``॥`` ``؟`` ``۔``, the CJK full-width marks ``。！？`` and the full stops of other
  scripts (Armenian ``։``, Ethiopic ``።``, Myanmar ``။``, Khmer ``។``) always end a sentence;
  in Hindi a ``|`` after Devanagari and before a space is a danda typed on a keyboard without
  one.
- ``?`` and ``!`` end a sentence when followed by whitespace or the end of the line (or, in
  Hindi and Persian, directly by a letter of that script: a missing space is a typo there; and
  in any language directly by a CJK character, which is written without spaces).
- ``.`` ends a sentence when followed by whitespace or the end of the line, except:
  after a known abbreviation (Mr. Dr. e.g. डॉ. प्रो.), after a single-letter initial (J. K.,
  Devanagari letter names such as ए. के., a single Persian letter), after dotted initials
  (U.S., ई.पू., ق.م) unless an obvious sentence start follows, after a list number at the start
  of a line ("1. "), and in English before a lower-case word. A '.' between digits never has
  whitespace after it, so decimals and dates (1.5, 12.07.2024) are never split; Persian
  decimals use ٫ (۲٫۱), which is no terminator at all.
  Hindi is written with '.' as a full stop as well as । (news sites mix both), so '.' followed
  by a space ends a Hindi sentence unless the word before it is an abbreviation or initial.
  In Persian a '.' directly between two words ("است.وزارت") is also a boundary, and so is a
  '.' between two CJK characters.
- Other languages get the English rules that are not about English words (initials, dotted
  abbreviations, list numbers, a lower-case word continuing the sentence, which is harmless
  where a script has no case), a few abbreviations common in European languages (Mme., bzw.,
  Sra.), and, where a '.' marks ordinal numbers (German "am 3. Oktober", Czech, Finnish,
  Turkish ...), no boundary after a number of one or two digits.
- An ellipsis (... or …) ends an English sentence only before a capital letter; in Hindi and
  Persian it marks an omission or "and so on" inside a sentence and ends one only at the end
  of a line.
- ``؛`` (Persian semicolon), ``:`` and ``;`` never end a sentence.
- Closing quotes and brackets after the terminator stay with the sentence (”, », ’, ), ", and
  the German closing “ of „…“).

Whitespace around a sentence is not part of it; it falls in the gaps between spans, so the
spans and gaps together always reproduce the input exactly.
"""
from __future__ import annotations

import re

from xlcompare.lang.languages import ARABIC_SCRIPT_LANGUAGES as _ARABIC_SCRIPT
from xlcompare.lang.languages import DEVANAGARI_LANGUAGES as _DEVANAGARI
from xlcompare.lang.punctuation import CLOSERS as _CLOSERS
from xlcompare.lang.punctuation import OPENERS as _OPENERS
from xlcompare.lang.punctuation import SENTENCE_FINAL
from xlcompare.lang.punctuation import STRONG_TERMINATORS as _STRONG
from xlcompare.lang.scripts import is_arabic_letter as _is_arabic_letter
from xlcompare.lang.scripts import is_cjk as _is_cjk
from xlcompare.lang.scripts import in_devanagari_block
from xlcompare.lang.scripts import is_devanagari_letter as _is_devanagari_letter
from xlcompare.lang.spans import line_spans, strip_span

# A pipe separates headlines ("India | World"), as a full stop would.
_TERMINATORS = re.compile("[" + re.escape("".join(sorted(SENTENCE_FINAL))) + "|]+")
_NEXT_WORD = re.compile(r"\s*(\S*)")

# Abbreviations after which '.' does not end a sentence (compared case-insensitively,
# without the final '.').
_ENGLISH_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "v", "etc", "e.g", "i.e", "cf",
    "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt", "maj", "adm", "cmdr", "hon", "rev",
    "mt", "approx", "inc", "ltd", "co", "corp", "dept", "jan", "feb", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "a.m", "p.m", "ph.d", "al",
})
# Abbreviations only before a number ("No. 5", "p. 12"); "The answer was no." ends.
_BEFORE_NUMBER = frozenset({"no", "nos", "vol", "pp", "p", "fig", "figs", "art", "sec", "para"})
# These may end a sentence themselves ("... Apple Inc. The company ..."), so they only block a
# boundary when the next word does not look like a sentence start.
_ENGLISH_SOMETIMES_FINAL = frozenset({"etc", "inc", "ltd", "co", "corp", "u.s", "u.k", "u.n",
                                      "a.m", "p.m", "al"})
# Capitalised words that start sentences far more often than they continue one.
_SENTENCE_STARTERS = frozenset({
    "the", "he", "she", "it", "they", "we", "i", "you", "this", "these", "those", "but", "his",
    "her", "its", "their", "there", "mr", "mrs", "ms", "dr", "after", "when", "while", "however",
    "meanwhile", "officials", "if", "in", "on", "a", "an",
})

# Abbreviations of other European languages that precede a name or a word ("Mme. Curie",
# "bzw. die"); only those that cannot end a sentence, compared like the English ones.
_EUROPEAN_ABBREVIATIONS = frozenset({
    "mme", "mmes", "mlle", "mlles", "mgr", "bzw", "vgl", "ggf", "evtl", "inkl", "nr",
    "hr", "sra", "srta", "dña", "dott", "sig", "sig.ra", "avv", "dhr", "mevr", "ca", "z.b",
    "d.h", "u.a", "p.ex",
})
# Languages that write ordinal numbers with a '.' ("3. Oktober", "3. října", "3. lokakuuta").
_ORDINAL_DOT = frozenset({
    "de", "da", "nb", "nn", "no", "is", "fo", "fi", "et", "cs", "sk", "pl", "hu", "tr", "hr",
    "sr", "bs", "sl", "lv", "lt",
})

_HINDI_ABBREVIATIONS = frozenset({
    "डॉ", "डा", "प्रो", "श्री", "श्रीमती", "सुश्री", "स्व", "सं", "ई", "ई.पू", "रु", "कि.मी",
    "कि", "मि", "पृ", "क्र", "नं",
})
# English letter names as written in Devanagari initials ("ए. के. शर्मा").
_DEVANAGARI_LETTER_NAMES = frozenset({
    "ए", "बी", "सी", "डी", "ई", "एफ", "जी", "एच", "आई", "जे", "के", "एल", "एम", "एन", "ओ",
    "पी", "क्यू", "आर", "एस", "टी", "यू", "वी", "डब्ल्यू", "एक्स", "वाई", "जेड", "ज़ेड", "ज़ी",
})
_PERSIAN_ABBREVIATIONS = frozenset({
    "ق.م", "ه.ق", "ه.ش", "م.ق", "ر.ک", "ص", "ج", "ش", "ق", "م", "ه",
})


def _word_before(line: str, position: int) -> str:
    """The non-space run ending at `position`, without leading opening punctuation."""
    start = position
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    word = line[start:position]
    while word and word[0] in _OPENERS:
        word = word[1:]
    return word


def _next_word(line: str, position: int) -> str:
    """The next non-space run after `position`, without leading opening punctuation."""
    match = _NEXT_WORD.match(line, position)
    word = match.group(1) if match else ""
    while word and word[0] in _OPENERS:
        word = word[1:]
    return word


def _is_initial(word: str, language: str) -> bool:
    if language in _DEVANAGARI and word in _DEVANAGARI_LETTER_NAMES:
        return True
    # "J." in any language; a single Persian letter is an initial too ("م. احمدی").
    return len(word) == 1 and (word.isupper() or _is_arabic_letter(word))


def _dotted(word: str) -> bool:
    """Dotted initials ("U.S", "e.g", "ई.पू", "ق.م"): letters only, every part short."""
    parts = word.split(".")
    return len(parts) > 1 and all(0 < len(p) <= 3 and not any(c.isdigit() for c in p)
                                  for p in parts)


def _period_ends_sentence(line: str, dot: int, after: int, language: str) -> bool:
    """Decide for a '.' at `dot`; `after` is the position after it and any closers."""
    next_char = line[after] if after < len(line) else None
    word = _word_before(line, dot)
    if next_char is not None and not next_char.isspace():
        # No space after '.': decimals, dates, URLs, dotted abbreviations ... and, in Persian,
        # a forgotten space between two sentences.
        if language in _ARABIC_SCRIPT and _is_arabic_letter(next_char) and len(word) >= 2 \
                and all(_is_arabic_letter(c) or c == "\u200c" for c in word):
            return word not in _PERSIAN_ABBREVIATIONS
        return _is_cjk(next_char) and dot > 0 and _is_cjk(line[dot - 1])
    if next_char is None:
        return True
    if not word:
        return True
    lowered = word.lower()
    following = _next_word(line, after)
    if word.isdigit() and len(word) <= 3 and not line[:dot - len(word)].strip():
        return False  # "1. Item" at the start of a line is a list number
    if language in _DEVANAGARI and word in _HINDI_ABBREVIATIONS:
        return False
    if language in _ARABIC_SCRIPT and word in _PERSIAN_ABBREVIATIONS:
        return False
    if language in _ORDINAL_DOT and word.isdigit() and len(word) <= 2:
        return False
    if lowered in _EUROPEAN_ABBREVIATIONS and language not in _DEVANAGARI | _ARABIC_SCRIPT:
        return False
    if _is_initial(word, language):
        return False
    if lowered in _BEFORE_NUMBER and following[:1].isdigit():
        return False
    if lowered in _ENGLISH_ABBREVIATIONS or _dotted(word):
        may_end = lowered in _ENGLISH_SOMETIMES_FINAL or (
            _dotted(word) and lowered not in {"e.g", "i.e"})
        if not may_end:
            return False
        # "... Apple Inc. The company" ends a sentence; "the U.S. President" and
        # "at 3 p.m. on Monday" do not. After "etc." any capital starts a new sentence.
        if not following[:1].isupper():
            return False
        return lowered == "etc" or following.lower().rstrip(",") in _SENTENCE_STARTERS
    if language not in _DEVANAGARI and language not in _ARABIC_SCRIPT:
        first = following[:1]
        if first.isalpha() and first.islower():
            return False  # English: a lower-case word continues the sentence
    return True


def _ellipsis_ends_sentence(line: str, after: int, language: str) -> bool:
    if after >= len(line):
        return True
    if not line[after].isspace():
        return False
    if language in _DEVANAGARI or language in _ARABIC_SCRIPT:
        return False
    first = _next_word(line, after)[:1]
    return bool(first) and first.isupper()


def _pipe_is_danda(line: str, pipe: int, after: int, language: str) -> bool:
    """Hindi typed without a danda key uses '|' for '।' ("किया | अगला").

    Only in Devanagari text, after Devanagari, and before whitespace or the end of the line.
    """
    if language not in _DEVANAGARI or (after < len(line) and not line[after].isspace()):
        return False
    before = line[:pipe].rstrip()
    return bool(before) and in_devanagari_block(before[-1])


def _boundary(line: str, match: re.Match[str], language: str) -> int | None:
    """Position after the sentence ending at this terminator run, or None if it does not end."""
    run = match.group()
    after = match.end()
    while after < len(line) and line[after] in _CLOSERS:
        after += 1
    if any(ch in _STRONG for ch in run):
        return after
    if not run.strip("|"):
        return after if _pipe_is_danda(line, match.start(), after, language) else None
    if "?" in run or "!" in run:
        if after >= len(line) or line[after].isspace():
            return after
        next_char = line[after]
        if language in _DEVANAGARI and _is_devanagari_letter(next_char):
            return after
        if language in _ARABIC_SCRIPT and _is_arabic_letter(next_char):
            return after
        if _is_cjk(next_char):
            return after
        return None
    if "…" in run or ".." in run:
        return after if _ellipsis_ends_sentence(line, after, language) else None
    return after if _period_ends_sentence(line, match.start(), after, language) else None


def segment_sentences(text: str, language: str) -> list[tuple[int, int]]:
    """[start, end) of every sentence of `text`, in order, without surrounding whitespace.

    Never crosses a line break. Only whitespace is left between spans: text reassembled from
    the spans and the gaps is the input, character for character.
    """
    spans: list[tuple[int, int]] = []
    for line_start, line_end in line_spans(text):
        line = text[line_start:line_end]
        piece_start = 0
        for match in _TERMINATORS.finditer(line):
            if match.start() < piece_start:
                continue  # already inside the closers of the previous sentence
            boundary = _boundary(line, match, language)
            if boundary is None:
                continue
            start, end = strip_span(line, piece_start, boundary)
            if end > start:
                spans.append((line_start + start, line_start + end))
            piece_start = boundary
        start, end = strip_span(line, piece_start, len(line))
        if end > start:
            spans.append((line_start + start, line_start + end))
    return spans
