"""Names of places and organisations in Hindi, Persian and English, to find them in any of
the three without translating.

Most come from CLDR, through Babel: the names of countries and world regions in each language
("ताजिकिस्तान", "تاجیکستان", "Tajikistan"; "मध्य एशिया", "آسیای مرکزی", "Central Asia"), and
cities CLDR names for its time zones ("दुशांबे", "دوشنبه", "Dushanbe"): every zone of a country
with at most three, and the main cities of the countries with many. A short list adds what
CLDR does not name and news often does: capitals without a time zone of their own (Beijing,
New Delhi, Islamabad, Washington), and organisations (the Taliban, NATO, the SCO...).

A few CLDR city names are common words in Hindi or Persian ("क्रिसमस" Christmas Island,
"قناری" canary, "ماهه" -month); they are left out. One collision is kept on purpose because
the city matters and context can decide: Persian "دوشنبه" is Dushanbe and Monday
(`calendar_words` lists such names with the weekday or month they also are).
"""
from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlcompare.lang.transliterate import fine_key, latin_key

log = logging.getLogger(__name__)

LANGUAGES = ("en", "hi", "fa")


@dataclass(frozen=True)
class Entity:
    """A place or organisation with its names; `id` says where it comes from ("territory:TJ",
    "zone:Asia/Dushanbe", "extra:taliban")."""

    id: str
    kind: str  # "place" | "organisation"
    english: str
    names: dict[str, tuple[str, ...]] = field(compare=False, hash=False)


# World regions that are words first ("world") and economic areas are not places here.
_SKIPPED_TERRITORIES = frozenset({"001", "ZZ", "QO", "EZ"})
_ORGANISATION_TERRITORIES = frozenset({"EU", "UN"})
# Cities of countries with many time zones that international news names.
_MAIN_CITIES = frozenset({
    "Europe/Moscow", "America/New_York", "America/Los_Angeles", "America/Chicago",
    "America/Toronto", "America/Vancouver", "America/Sao_Paulo", "America/Mexico_City",
    "America/Buenos_Aires", "America/Argentina/Buenos_Aires", "Asia/Almaty", "Asia/Jakarta",
    "Australia/Sydney", "Australia/Melbourne", "Asia/Yekaterinburg", "Asia/Vladivostok",
})
# CLDR city names that are also common words in Hindi or Persian (by English name).
_COMMON_WORD_CITIES = frozenset({
    "Christmas Island", "Canaries", "Mahé", "Wake Island", "Midway Atoll", "Jersey", "Chuuk",
    "Stanley", "Algiers",
})
# (English, kind, English aliases, Hindi names, Persian names), "|"-separated.
_EXTRA = (
    ("Beijing", "place", "Peking", "बीजिंग|पेइचिंग", "پکن"),
    ("New Delhi", "place", "", "नई दिल्ली", "دهلی نو"),
    ("Delhi", "place", "", "दिल्ली", "دهلی"),
    ("Islamabad", "place", "", "इस्लामाबाद", "اسلام آباد"),
    ("Washington", "place", "", "वाशिंगटन|वॉशिंगटन", "واشنگتن"),
    ("Ankara", "place", "", "अंकारा", "آنکارا"),
    ("Abu Dhabi", "place", "", "अबू धाबी", "ابوظبی"),
    ("Xinjiang", "place", "", "शिनजियांग", "سین کیانگ"),
    ("Kashmir", "place", "", "कश्मीर", "کشمیر"),
    ("Badakhshan", "place", "", "बदख्शां", "بدخشان"),
    ("Middle East", "place", "", "मध्य पूर्व", "خاورمیانه"),
    ("Taliban", "organisation", "", "तालिबान", "طالبان"),
    ("NATO", "organisation", "", "नाटो", "ناتو"),
    ("Shanghai Cooperation Organisation", "organisation", "SCO|Shanghai Cooperation Organization",
     "शंघाई सहयोग संगठन", "سازمان همکاری شانگهای"),
    ("Collective Security Treaty Organization", "organisation",
     "CSTO|Collective Security Treaty Organisation", "सामूहिक सुरक्षा संधि संगठन",
     "سازمان پیمان امنیت جمعی"),
    ("Commonwealth of Independent States", "organisation", "CIS",
     "स्वतंत्र राष्ट्रों का राष्ट्रमंडल", "کشورهای مستقل مشترک المنافع"),
    ("UNESCO", "organisation", "", "यूनेस्को", "یونسکو"),
    ("Islamic State", "organisation", "ISIS|ISIL|Daesh", "इस्लामिक स्टेट", "داعش"),
    ("al-Qaeda", "organisation", "al Qaeda|Qaeda", "अल-कायदा|अलकायदा", "القاعده"),
    ("BRICS", "organisation", "", "ब्रिक्स", "بریکس"),
)


def _first_name(name: str) -> str:
    """CLDR sometimes qualifies a name ("हाँग काँग (चीन विशेष प्रशासनिक क्षेत्र)"): keep the name."""
    for mark in (" (", "، ", ", "):
        name = name.split(mark)[0]
    return name.strip()


def entities() -> tuple[Entity, ...]:
    """Every place and organisation: CLDR territories, CLDR cities, then the extra list."""
    return _tables().entities


def _entities_from_cldr() -> tuple[Entity, ...]:
    from babel import Locale
    from babel.core import get_global
    from babel.dates import get_timezone_location

    locales = {language: Locale.parse(language) for language in LANGUAGES}
    found: list[Entity] = []
    for code, english in locales["en"].territories.items():
        if code in _SKIPPED_TERRITORIES or "-" in code:
            continue
        names = {lang: (_first_name(loc.territories[code]),) for lang, loc in locales.items()
                 if code in loc.territories}
        kind = "organisation" if code in _ORGANISATION_TERRITORIES else "place"
        found.append(Entity(f"territory:{code}", kind, _first_name(english), names))
    zones = get_global("territory_zones")
    chosen = sorted({z for zs in zones.values() if len(zs) <= 3 for z in zs} | _MAIN_CITIES)
    for zone in chosen:
        try:
            english = get_timezone_location(zone, locale="en", return_city=True)
        except (LookupError, ValueError):
            continue
        if not english or english in _COMMON_WORD_CITIES:
            continue
        names = {"en": (english,)}
        for lang in ("hi", "fa"):
            city = locales[lang]._data["time_zones"].get(zone, {}).get("city")
            if city:
                names[lang] = (city,)
        found.append(Entity(f"zone:{zone}", "place", english, names))
    for english, kind, aliases, hindi, persian in _EXTRA:
        names = {"en": tuple(n for n in (english, *aliases.split("|")) if n),
                 "hi": tuple(hindi.split("|")), "fa": tuple(persian.split("|"))}
        found.append(Entity(f"extra:{english.lower()}", kind, english, names))
    return tuple(found)


def _demonym_stems(name: str, language: str) -> list[str]:
    """Adjective and people forms of a country name: चीनी, ईरानी, भारतीय, ताजिक (from
    ताजिकिस्तान); چینی, روسی (from روسیه), تاجیک (from تاجیکستان)."""
    if language == "hi":
        forms = [name + "ी", name + "ीय"]
        if name.endswith("िस्तान") and len(name) > 8:
            forms.append(name[: -len("िस्तान")])
        return forms
    if language == "fa":
        forms = [name + "ی"]
        if name.endswith("یه"):
            forms.append(name[:-1])  # روسیه -> روسی, ترکیه -> ترکی
        if name.endswith("ستان") and len(name) > 6:
            forms.append(name[: -len("ستان")])
        return forms
    return []


def name_index(language: str) -> dict[str, Entity]:
    """fine_key of every name (and country demonym) in `language` -> its entity; a name
    that two entities share keeps the first (countries before cities)."""
    tables = _tables()
    if language in tables.names:
        return tables.names[language]
    return _other_name_index(language)


@functools.cache
def _other_name_index(language: str) -> dict[str, Entity]:
    return _build_name_index(language, entities())


def _build_name_index(language: str, entities: tuple[Entity, ...]) -> dict[str, Entity]:
    index: dict[str, Entity] = {}
    for entity in entities:
        for name in entity.names.get(language, ()):
            index.setdefault(fine_key(name), entity)
    for entity in entities:
        if entity.id.startswith("territory:") and len(entity.id) == len("territory:") + 2:
            for name in entity.names.get(language, ()):
                for form in _demonym_stems(name, language):
                    index.setdefault(fine_key(form), entity)
    index.pop("", None)
    return index


def latin_index() -> dict[str, tuple[Entity, ...]]:
    """Compact latin_key of every name in every language -> the entities it may be."""
    return _tables().latin


def _build_latin_index(entities: tuple[Entity, ...]) -> dict[str, tuple[Entity, ...]]:
    index: dict[str, list[Entity]] = {}
    for entity in entities:
        for names in entity.names.values():
            for name in names:
                key = latin_key(name, compact=True)
                if key and entity not in index.setdefault(key, []):
                    index[key].append(entity)
    return {key: tuple(found) for key, found in index.items()}


def calendar_words(language: str) -> dict[str, tuple[str, int]]:
    """Weekday and month names of `language` (CLDR) that are also names here, by fine_key:
    {"دوشنبه": ("weekday", 0)} in Persian (0 is Monday)."""
    tables = _tables()
    if language in tables.calendar:
        return tables.calendar[language]
    return _other_calendar_words(language)


@functools.cache
def _other_calendar_words(language: str) -> dict[str, tuple[str, int]]:
    return _build_calendar_words(language, name_index(language))


def _build_calendar_words(language: str, names: dict[str, Entity]) -> dict[str, tuple[str, int]]:
    from babel import Locale

    locale = Locale.parse(language)
    words: dict[str, tuple[str, int]] = {}
    for context in ("format", "stand-alone"):
        for number, name in locale.days[context]["wide"].items():
            words[fine_key(name)] = ("weekday", number)
        for number, name in locale.months[context]["wide"].items():
            words[fine_key(name)] = ("month", number)
    return {key: value for key, value in words.items() if key in names}


def cldr_version() -> str:
    """Babel's version, which fixes the CLDR data behind the names (for signatures)."""
    import babel

    return f"babel-{babel.__version__}"


# --- the tables, built once and kept on disk ------------------------------------------------
#
# Building them reads CLDR through Babel and transliterates ~2,000 names: 0.25 s at every
# start, a sixth of comparing two short articles. They depend only on Babel's data and on the
# code of this package (xlcompare/lang: keys, transliteration, the lists above), so they are
# stored as JSON under settings.cache_dir(), in a file named by Babel's version and a digest
# of that code, and loaded in a few hundredths of a second. A file that does not read back
# is built again; a cache that cannot be written only costs the time.

_TABLES_FORMAT = 1


@dataclass(frozen=True)
class _Tables:
    entities: tuple[Entity, ...]
    names: dict[str, dict[str, Entity]]  # language -> name_index
    latin: dict[str, tuple[Entity, ...]]
    calendar: dict[str, dict[str, tuple[str, int]]]  # language -> calendar_words


@functools.cache
def _tables() -> _Tables:
    from xlcompare.whole_file import kept_json

    return kept_json(_tables_path(), _build_tables, what="the name tables", dump=_tables_to_json, load=_tables_from_json)


def _build_tables() -> _Tables:
    found = _entities_from_cldr()
    names = {language: _build_name_index(language, found) for language in LANGUAGES}
    return _Tables(
        found, names, _build_latin_index(found),
        {language: _build_calendar_words(language, names[language]) for language in LANGUAGES},
    )


def _tables_path() -> Path | None:
    from xlcompare import settings

    try:
        import babel
    except ImportError:  # the build will say what is missing
        return None
    digest = hashlib.sha256(f"{_TABLES_FORMAT}|{babel.__version__}".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return settings.cache_dir() / "names" / f"tables-{digest.hexdigest()[:20]}.json"


def _tables_to_json(tables: _Tables) -> dict[str, Any]:
    position = {entity.id: number for number, entity in enumerate(tables.entities)}
    return {
        "format": _TABLES_FORMAT,
        "entities": [[e.id, e.kind, e.english, {k: list(v) for k, v in e.names.items()}] for e in tables.entities],
        "names": {lang: {key: position[e.id] for key, e in index.items()} for lang, index in tables.names.items()},
        "latin": {key: [position[e.id] for e in found] for key, found in tables.latin.items()},
        "calendar": {lang: {key: list(v) for key, v in words.items()} for lang, words in tables.calendar.items()},
    }


def _tables_from_json(data: dict[str, Any]) -> _Tables:
    if data.get("format") != _TABLES_FORMAT:
        raise ValueError(f"format {data.get('format')!r}")
    found = tuple(
        Entity(str(id_), str(kind), str(english), {k: tuple(map(str, v)) for k, v in names.items()})
        for id_, kind, english, names in data["entities"]
    )
    return _Tables(
        found,
        {lang: {key: found[n] for key, n in index.items()} for lang, index in data["names"].items()},
        {key: tuple(found[n] for n in ns) for key, ns in data["latin"].items()},
        {lang: {key: (str(kind), int(n)) for key, (kind, n) in words.items()} for lang, words in data["calendar"].items()},
    )

