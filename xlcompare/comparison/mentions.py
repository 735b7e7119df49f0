"""Numbers, dates and names mentioned by one article only.

Numbers and dates are read from the source texts, after folding Persian, Arabic-Indic and
Devanagari digits to ASCII, so "12.07.2024", "جولای 12, 2024", "۱۲ ژوئیه ۲۰۲۴" and
"12 जुलाई 2024" are all the date 2024-07-12, and "۲٫۵ میلیون" is 2500000. Solar Hijri dates
with a year ("۲۲ تیر ۱۴۰۳") are converted to the Gregorian calendar.

Names (people, places, organisations), when both sides are translated, are read from the
English translations with a dependency-free heuristic (below); otherwise from the source
texts, in their own scripts, and compared across scripts without translation
(`xlcompare.comparison.names`: CLDR names, a Latin consonant key, titles before people).
The English heuristic:

- capitalised multi-word spans ("Farhad Salim", "Shanghai Cooperation Organisation");
- single capitalised words that do not start a sentence and are not common title words;
- any word of a small gazetteer of countries, capitals and organisations, wherever it stands.

Known limits: sentence-initial single names outside the gazetteer are missed; capitalised
common phrases ("Special Representative") can pass as names; the person/place/organisation
label is a guess (gazetteer, organisation words, titles before a name). Names are keyed by
their distinctive words, folded (case-insensitive, possessives dropped, plurals and demonyms
folded: "Chinese" -> china, "Tajik" -> tajikistan; titles such as "Minister" and words such
as "Ministry" left out), and a name counts as mentioned by the other side when all its
distinctive words occur in one segment of the other side's English. So "Republic of
Tajikistan" is met by "Tajik", and "Farhad Salim" is not met by a bare "Salim".
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xlcompare.comparison.model import MentionDifferences, MentionGroup
from xlcompare.comparison.names import (
    NameGroups,
    NameMention,
    find_names,
    known_english_name,
    match_names,
    names_signature,
    supports,
)
from xlcompare.lang.dates import DATES_METHOD, MONTH_NAMES_EN, display_date, find_dates
from xlcompare.lang.digits import fold_number_text
from xlcompare.segments.model import Segment
from xlcompare.translation.model import TranslatedArticle

# --------------------------------------------------------------------------- numbers and dates

SCALES: dict[str, int] = {
    "thousand": 10**3, "هزار": 10**3, "हज़ार": 10**3, "हजार": 10**3,
    "lakh": 10**5, "लाख": 10**5,
    "million": 10**6, "میلیون": 10**6, "मिलियन": 10**6,
    "crore": 10**7, "करोड़": 10**7, "करोड": 10**7,
    "billion": 10**9, "میلیارد": 10**9, "बिलियन": 10**9, "अरब": 10**9,
}
PERCENT_WORDS = ("percent", "per cent", "درصد", "प्रतिशत", "फीसदी", "फ़ीसदी", "फीसद")

# Digits may touch non-Latin letters ("5वें", "۵ام") but not Latin ones or underscores
# ("photo_2025", "COVID19" stays one token), so lookarounds list ASCII classes only.
_NUM = r"(?:\d{1,3}(?:,\d{2,3})*,\d{3}|\d+)(?:\.\d+)?"
_B = r"(?<![A-Za-z0-9_.,])"
_E = r"(?![A-Za-z0-9_]|[.,]\d)"


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SCALE = _alternation(SCALES)
_PERCENT = _alternation(PERCENT_WORDS)

_DIGIT = re.compile(r"[0-9]")
_SLUG = re.compile(r"[A-Za-z0-9_.\-]*[A-Za-z_][A-Za-z0-9_.\-]*\d[A-Za-z0-9_.\-]*|[A-Za-z0-9_.\-]*\d[A-Za-z0-9_.\-]*[A-Za-z_][A-Za-z0-9_.\-]*")
_TIMESTAMP = re.compile(r"\d{4}-\d{1,2}-\d{1,2}T\d")
_TIME = re.compile(_B + r"\d{1,2}:\d{2}(?::\d{2})?" + _E)
_PERCENT_RE = re.compile(
    r"(?:[%٪]\s*" + _B + r"(?P<a>" + _NUM + r")" + _E + r")|(?:" + _B + r"(?P<b>" + _NUM + r")"
    + _E + r"\s*(?:[%٪]|(?:" + _PERCENT + r")(?![\w\u200c])))",
    re.IGNORECASE,
)
_NUMBER_RE = re.compile(_B + r"(?P<n>" + _NUM + r")(?:st|nd|rd|th)?" + _E + r"(?:\s*(?P<scale>" + _SCALE + r")(?![\w\u200c]))?", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """One occurrence of a value in one segment."""

    kind: str
    value: str
    text: str  # as written in the segment
    segment_id: int


def _canonical_number(raw: str, scale: str | None = None) -> str:
    value = Decimal(raw.replace(",", ""))
    if scale:
        value *= SCALES[scale.lower()]
    return format(value.normalize(), "f")


def extract_numbers_and_dates(
    text: str, segment_id: int = 0, language: str | None = None
) -> list[Mention]:
    """Dates, years, percentages and other numbers in one text, in order of appearance.

    Dates are `xlcompare.lang.dates`'s, partial ones included ("4 दिसंबर" is "--12-04");
    `language` matters for the English month-first slash dates only. Times of day ("19:00")
    are skipped; a number inside a date is not counted again.
    """
    folded = fold_number_text(text)
    if not _DIGIT.search(folded):
        return []
    if len(folded) != len(text):  # surfaces are cut from `text` by positions in `folded`
        text = folded
    taken = [False] * len(folded)
    # File names and URL slugs ("photo_2025-10-30_09-04-03") are not statements of fact.
    for m in _SLUG.finditer(folded):
        if _TIMESTAMP.match(m.group()):
            continue  # 2024-07-12T19:00: a date and a time, read below
        if "_" in m.group() or len(m.group()) >= 12:
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
    found: list[tuple[int, Mention]] = []

    def free(m: re.Match[str]) -> bool:
        return not any(taken[m.start() : m.end()])

    def take(m: re.Match[str]) -> None:
        for i in range(m.start(), m.end()):
            taken[i] = True

    for value, start, end in find_dates(text, language, partial=True):
        if not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            found.append((start, Mention("date", value, text[start:end], segment_id)))
    for m in _TIME.finditer(folded):
        if free(m):
            take(m)
    for m in _PERCENT_RE.finditer(folded):
        if free(m):
            take(m)
            raw = m.group("a") or m.group("b")
            found.append(
                (m.start(), Mention("percent", _canonical_number(raw), text[m.start() : m.end()], segment_id))
            )
    for m in _NUMBER_RE.finditer(folded):
        if not free(m):
            continue
        take(m)
        raw, scale = m.group("n"), m.group("scale")
        value = _canonical_number(raw, scale)
        kind = "year" if (scale is None and re.fullmatch(r"1[89]\d\d|20\d\d|2100", raw)) else "number"
        found.append((m.start(), Mention(kind, value, text[m.start() : m.end()].strip(), segment_id)))
    found.sort(key=lambda item: item[0])
    return [mention for _, mention in found]


def implied_keys(kind: str, value: str) -> set[str]:
    """Coarser values a mention also covers: a full date mentions its year, month and day."""
    keys = {f"{kind}:{value}"}
    if kind == "date":
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            keys |= {f"year:{value[:4]}", f"date:{value[:7]}", f"date:--{value[5:]}"}
        elif re.fullmatch(r"\d{4}-\d{2}", value):
            keys.add(f"year:{value[:4]}")
    return keys


def display_value(kind: str, value: str) -> str:
    if kind == "date":
        return display_date(value)
    if kind == "percent":
        return f"{value}%"
    if kind == "number" and value.isdigit() and len(value) > 4:
        return f"{int(value):,}"
    return value


# --------------------------------------------------------------------------- names

# Countries, capitals and regions likely in international news, with their folded keys.
PLACES = """
afghanistan kabul albania algeria algiers argentina armenia yerevan australia austria azerbaijan
baku bahrain manama bangladesh dhaka belarus minsk belgium brussels bhutan brazil brasilia britain
london bulgaria cambodia canada ottawa china beijing colombia cuba cyprus denmark egypt cairo
ethiopia europe asia africa america finland france paris georgia tbilisi germany berlin greece
athens hungary india delhi indonesia jakarta iran tehran iraq baghdad ireland israel jerusalem
italy rome japan tokyo jordan amman kazakhstan astana almaty kenya korea seoul pyongyang kuwait
kyrgyzstan bishkek laos lebanon beirut libya malaysia maldives mexico mongolia morocco moscow
myanmar nepal kathmandu netherlands nigeria norway oman muscat pakistan islamabad palestine gaza
philippines poland portugal qatar doha romania russia saudi riyadh serbia singapore somalia spain
madrid syria damascus tajikistan dushanbe thailand bangkok turkey ankara turkmenistan ashgabat
ukraine kyiv kiev uzbekistan tashkent venezuela vietnam hanoi yemen washington xinjiang tibet
kashmir khorasan badakhshan balochistan punjab bihar maharashtra mumbai kolkata
""".split()
MULTIWORD_PLACES = [
    "united states", "united kingdom", "united arab emirates", "saudi arabia", "new delhi",
    "central asia", "south asia", "middle east", "west bank", "sri lanka", "south korea",
    "north korea", "hong kong", "abu dhabi", "gorno badakhshan",
]
ORGANISATIONS = """
un nato sco csto cis eu asean brics imf opec saarc taliban isis isil daesh qaeda
hamas hezbollah interpol unesco unicef
""".split()
MULTIWORD_ORGANISATIONS = [
    "united nations", "european union", "shanghai cooperation organisation",
    "shanghai cooperation organization", "collective security treaty organization",
    "collective security treaty organisation", "world bank", "islamic state",
    "security council", "general assembly",
]
ORG_WORDS = set(
    """ministry organisation organization council agency party union committee bank army forces
    office department parliament assembly commission group nations treaty front movement
    institute university company corporation police service agency federation alliance
    court government embassy""".split()
)
TITLE_WORDS = set(
    """mr mrs ms dr president prime minister deputy foreign special representative secretary
    general ambassador envoy spokesman spokesperson chairman chief director governor king queen
    prince sheikh commander colonel general senator advisor adviser national security""".split()
)
# Capitalised words that are not names on their own (sentence openers, titles, weekdays).
NOT_NAMES = set(
    """the a an and or but if in on at of for to from by with as this that these those it its
    he she they we i you his her their our however also meanwhile moreover according after
    before during while when where which who what why how there here mr mrs ms dr
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    january february march april may june july august september october november december
    president minister deputy foreign affairs special representative secretary ministry
    ambassador national security international government official officials
    republic statement news agency""".split()
)
# Lower-case words allowed inside a name ("Ministry of Foreign Affairs"). Not "and": it
# would glue two names into one.
CONNECTORS = {"of", "for", "the", "de", "al", "bin", "ul", "ud"}
DEMONYMS = {
    "chinese": "china", "tajik": "tajikistan", "tajiks": "tajikistan", "afghan": "afghanistan",
    "afghans": "afghanistan", "russian": "russia", "russians": "russia", "indian": "india",
    "indians": "india", "iranian": "iran", "iranians": "iran", "pakistani": "pakistan",
    "uzbek": "uzbekistan", "kyrgyz": "kyrgyzstan", "kazakh": "kazakhstan",
    "turkmen": "turkmenistan", "israeli": "israel", "israelis": "israel", "turkish": "turkey",
    "british": "britain", "french": "france", "german": "germany", "japanese": "japan",
    "korean": "korea", "ukrainian": "ukraine", "european": "europe", "asian": "asia",
    "american": "america", "americans": "america", "american's": "america", "saudi": "saudi",
    "syrian": "syria", "iraqi": "iraq", "egyptian": "egypt", "emirati": "uae",
    "organization": "organisation", "kiev": "kyiv",
}
# Acronyms fold only as written in capitals: "us" is also a pronoun.
ACRONYMS = {
    "US": "united states", "U.S": "united states", "USA": "united states",
    "UK": "united kingdom", "U.K": "united kingdom", "UAE": "united arab emirates",
}

# Letters with inner apostrophes or dots ("China's", "U.S"); hyphens split words, so
# "Tajik-Afghan" is two names and "Russian-led" yields "Russian".
_WORD = re.compile(r"[A-Za-z][A-Za-z'’.]*[A-Za-z]|[A-Za-z]")
# What may precede a sentence-initial (so not necessarily a name) capitalised word.
_BREAK = re.compile(r"[.!?:;\n\"“‘(\[]")


@functools.lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """Lower case, no possessive, demonyms to places, simple plurals to singular."""
    if word.strip(".") in ACRONYMS:
        return ACRONYMS[word.strip(".")]
    w = word.lower().replace("’", "'").strip(".")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.strip("'")
    if w in DEMONYMS:
        return DEMONYMS[w]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "us", "is", "as")):
        return w[:-1]
    return w


# The word lists above, folded the way names are, so that "Affairs" meets "affair".
ORG_WORDS = {fold_word(w) for w in ORG_WORDS}
TITLE_WORDS = {fold_word(w) for w in TITLE_WORDS}
NOT_NAMES = {fold_word(w) for w in NOT_NAMES} | {w.lower() for w in MONTH_NAMES_EN}
GENERIC_WORDS = NOT_NAMES | TITLE_WORDS | ORG_WORDS | CONNECTORS


def fold_words(text: str) -> list[str]:
    """Every word of `text`, folded; multi-word folds ("US" -> united states) are split."""
    folded: list[str] = []
    for m in _WORD.finditer(text):
        folded += _folded_parts(m.group())
    return folded


def _folded_parts(word: str) -> list[str]:
    # "US" folds to two words, each folded again so that it meets "United States".
    folded = fold_word(word)
    return [fold_word(part) for part in folded.split()] if " " in folded else [folded]


# The gazetteer, folded like the text it is looked up with ("philippines" -> "philippine").
PLACES = {" ".join(fold_words(p)) for p in PLACES} | {" ".join(fold_words(p)) for p in MULTIWORD_PLACES}
ORGANISATIONS = {" ".join(fold_words(o)) for o in ORGANISATIONS} | {
    " ".join(fold_words(o)) for o in MULTIWORD_ORGANISATIONS
}


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    sentence_start: bool

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()

    @property
    def possessive(self) -> bool:
        return self.text.endswith(("'s", "’s"))


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    last_end = 0
    for m in _WORD.finditer(text):
        gap = text[last_end : m.start()]
        starts = not tokens or bool(_BREAK.search(gap))
        tokens.append(_Token(m.group(), m.start(), m.end(), starts))
        last_end = m.end()
    return tokens


def _capitalised_spans(english: str, tokens: list[_Token]) -> Iterable[list[_Token]]:
    """Runs of capitalised words joined by single spaces, and by "of", "the", ... between them.

    A possessive ends a run: in "Tajikistan's Deputy Foreign Minister" the owner is a name
    of its own.
    """
    i = 0
    while i < len(tokens):
        if not tokens[i].capitalised:
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and not tokens[j - 1].possessive:
            if english[tokens[j - 1].end : tokens[j].start] != " " or tokens[j].sentence_start:
                break
            if tokens[j].capitalised:
                j += 1
                continue
            k = j
            while k < len(tokens) and k - j < 2 and tokens[k].text in CONNECTORS \
                    and english[tokens[k].end : tokens[k + 1].start if k + 1 < len(tokens) else tokens[k].end] == " ":
                k += 1
            if k > j and k < len(tokens) and tokens[k].capitalised:
                j = k + 1
                continue
            break
        yield tokens[i:j]
        i = j


def _known(folded: str) -> bool:
    return folded in PLACES or folded in ORGANISATIONS or folded in DEMONYMS.values()


def _classify(words: list[str]) -> str:
    folded_words = [p for w in words for p in _folded_parts(w)]
    folded = " ".join(folded_words)
    if folded in ORGANISATIONS or any(w in ORG_WORDS for w in folded_words):
        return "organisation"
    if folded in PLACES or folded in DEMONYMS.values():
        return "place"
    if len(words) in (2, 3) and not any(w in GENERIC_WORDS for w in folded_words):
        return "person"
    return "name"


def entity_key(words: Sequence[str]) -> str:
    """The distinctive words of a name, folded: what must appear on the other side.

    Titles, organisation words and connectors are left out, so "Republic of Tajikistan",
    "Tajikistan" and "Tajik" share the key "tajikistan", and "Foreign Minister Farhad Salim"
    is "farhad salim". An empty key means a generic phrase ("Foreign Ministry"), not a name.
    """
    folded: list[str] = []
    for word in words:
        for part in _folded_parts(word):
            if part not in GENERIC_WORDS and part not in folded:
                folded.append(part)
    return " ".join(folded)


def extract_entities(english: str, segment_id: int = 0) -> list[Mention]:
    """Names in one English text (see the module docstring for the heuristic and its limits)."""
    tokens = _tokens(english)
    mentions: list[Mention] = []
    for span in _capitalised_spans(english, tokens):
        # Leading sentence openers ("The", "However") are not part of the name.
        while len(span) > 1 and fold_word(span[0].text) in NOT_NAMES and fold_word(span[0].text) not in ORG_WORDS:
            span = span[1:]
        words = [t.text for t in span]
        if not any(fold_word(w) in ORG_WORDS for w in words):
            # "Deputy Foreign Minister Farhad Salim" is the person Farhad Salim.
            while len(span) > 1 and fold_word(span[0].text) in TITLE_WORDS | NOT_NAMES:
                span = span[1:]
            words = [t.text for t in span]
        key = entity_key(words)
        if not key:
            continue
        if len(span) == 1:
            if len(words[0]) < 2:
                continue
            if span[0].sentence_start and not _known(fold_word(words[0])):
                continue
        surface = english[span[0].start : span[-1].end]
        if surface.endswith(("'s", "’s")):
            surface = surface[:-2]
        mentions.append(Mention(_classify(words), key, surface, segment_id))
    return mentions


# --------------------------------------------------------------------------- comparison

NAME_KINDS = ("person", "place", "organisation", "name")


def _group(mentions: list[Mention]) -> dict[tuple[str, str], MentionGroup]:
    # dicts as ordered sets: a value may be mentioned in thousands of segments
    texts: dict[tuple[str, str], dict[str, None]] = {}
    segs: dict[tuple[str, str], dict[int, None]] = {}
    kinds: dict[tuple[str, str], str] = {}
    for m in mentions:
        key = ("name" if m.kind in NAME_KINDS else m.kind, m.value)
        kinds.setdefault(key, m.kind)
        texts.setdefault(key, {})[m.text] = None
        segs.setdefault(key, {})[m.segment_id] = None
    groups = {}
    for key, kind in kinds.items():
        written = list(texts[key])
        if key[0] == "name":
            # Prefer the spelling that is the name itself ("Afghanistan" over "Afghan").
            exact = [t for t in written if entity_key([t]) == key[1] or " ".join(fold_words(t)) == key[1]]
            display = (exact or written)[0]
        else:
            display = display_value(kind, key[1])
        groups[key] = MentionGroup(kind, key[1], display, tuple(written), tuple(segs[key]))
    return groups


def _content_segments(side: TranslatedArticle) -> list[Segment]:
    return [s for s in side.segments if not s.boilerplate]


def side_mentions(side: TranslatedArticle, *, entities: bool) -> list[Mention]:
    """Numbers and dates of the non-boilerplate source segments; with `entities`, the names
    in their English."""
    found: list[Mention] = []
    for seg in _content_segments(side):
        found += extract_numbers_and_dates(seg.text, seg.id, side.article.language)
        if entities:
            t = side.translations.get(seg.id)
            if t is not None and t.text:
                found += extract_entities(t.text, seg.id)
    return found


def source_names(side: TranslatedArticle) -> list[NameMention]:
    """Names in the non-boilerplate source segments, in their own script (English source
    text through the English heuristic)."""
    language = side.article.language
    found: list[NameMention] = []
    for seg in _content_segments(side):
        if language == "en":
            found += [known_english_name(m.kind, m.text, seg.id) for m in extract_entities(seg.text, seg.id)]
        else:
            found += find_names(seg.text, language, seg.id)
    return found


def _name_group(mentions: list[NameMention]) -> MentionGroup:
    first = mentions[0]
    texts = tuple(dict.fromkeys(m.text for m in mentions))
    segments = tuple(dict.fromkeys(m.segment_id for m in mentions))
    return MentionGroup(first.kind, first.value, first.display, texts, segments)


def _sort_key(group: MentionGroup) -> tuple[int, int, str]:
    order = ["date", "year", "percent", "number", "person", "place", "organisation", "name"]
    return (order.index(group.kind) if group.kind in order else len(order), min(group.segment_ids), group.value)


def compare_mentions(
    left: TranslatedArticle, right: TranslatedArticle, *, embedder: Any = None
) -> MentionDifferences:
    """Numbers, dates and names mentioned by one side only, and those both mention.

    Boilerplate segments are ignored: page furniture is full of dates and view counts.
    A full date also counts as a mention of its year and month ("2024" on one side is covered
    by "12.07.2024" on the other, not the other way round). Names come from the English when
    both sides are translated, else from the source texts (`xlcompare.comparison.names`,
    with `embedder` as the tie-breaker between near spellings).
    """
    sides = {"left": left, "right": right}
    english = bool(left.translations) and bool(right.translations)
    groups = {name: _group(side_mentions(side, entities=english)) for name, side in sides.items()}
    covered: dict[str, set[str]] = {}
    segment_words: dict[str, list[set[str]]] = {}
    for name, side in sides.items():
        keys: set[str] = set()
        for kind, value in groups[name]:
            if kind != "name":
                keys |= implied_keys(kind, value)
        covered[name] = keys
        segment_words[name] = [
            set(fold_words(t.text))
            for seg in _content_segments(side)
            if (t := side.translations.get(seg.id)) is not None
        ] if english else []

    from_sources = not english and supports(left.article.language) and supports(right.article.language)
    result = MentionDifferences(
        entities_compared=english or from_sources,
        names_from="english" if english else "source" if from_sources else None,
    )
    for name, other in (("left", "right"), ("right", "left")):
        only = result.left_only if name == "left" else result.right_only
        for (kind, value), group in groups[name].items():
            if kind == "name":
                needed = set(value.split())
                present = any(needed <= words for words in segment_words[other])
            else:
                present = f"{kind}:{value}" in covered[other]
            if not present:
                only.append(group)
            elif name == "left" and (kind, value) in groups["right"]:
                result.shared.append((group, groups["right"][(kind, value)]))
    if from_sources:
        left_names = NameGroups.of(source_names(left))
        right_names = NameGroups.of(source_names(right))
        pairs = match_names(left_names, right_names, embedder)
        matched_left = {a for a, _ in pairs}
        matched_right = {b for _, b in pairs}
        result.shared += [(_name_group(left_names.groups[a]), _name_group(right_names.groups[b]))
                          for a, b in pairs]
        result.left_only += [_name_group(g) for i, g in left_names.groups.items() if i not in matched_left]
        result.right_only += [_name_group(g) for i, g in right_names.groups.items() if i not in matched_right]
    result.left_only.sort(key=_sort_key)
    result.right_only.sort(key=_sort_key)
    result.shared.sort(key=lambda pair: _sort_key(pair[0]))
    return result


def mentions_signature(names_from: str | None) -> str:
    """The extraction method, for the comparison's signature."""
    names = {"english": "english-heuristic", "source": names_signature()}.get(names_from or "", "none")
    return f"xlc-mentions/2|dates:{DATES_METHOD}|names:{names}"
