"""Title and publication date of an article.

Dates are written many ways on news pages: "جولای 12, 2024", "12.07.2024", "12 जुलाई 2024",
"July 12, 2024", "2024-07-12", Solar Hijri "۲۲ تیر ۱۴۰۳" or "1403/04/22", with Persian or
Devanagari digits. All are returned as ISO YYYY-MM-DD (Gregorian).

The publication date is taken only from places that carry it (HTML metadata, a date line, the
start of the first paragraphs), never from boilerplate lists: a "related news" list is full of
other articles' dates, and a date deep in the story is usually the date of an event.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from xlcompare.article.model import Block
from xlcompare.article.normalize import fold_digits

if TYPE_CHECKING:
    from xlcompare.article.html_text import HtmlText

_GREGORIAN_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "ژانویه", "ژانویهٔ", "جنوری", "जनवरी"),
    2: ("february", "feb", "فوریه", "فبروری", "फरवरी", "फ़रवरी"),
    3: ("march", "mar", "مارس", "مارچ", "मार्च"),
    4: ("april", "apr", "آوریل", "آپریل", "اپریل", "अप्रैल", "अप्रेल"),
    5: ("may", "مه", "می", "مئی", "मई"),
    6: ("june", "jun", "ژوئن", "جون", "जून"),
    7: ("july", "jul", "ژوئیه", "ژوییه", "جولای", "جولائی", "जुलाई"),
    8: ("august", "aug", "اوت", "آگوست", "اگوست", "آگست", "अगस्त"),
    9: ("september", "sept", "sep", "سپتامبر", "ستمبر", "सितंबर", "सितम्बर"),
    10: ("october", "oct", "اکتبر", "اکتوبر", "अक्टूबर", "अक्तूबर"),
    11: ("november", "nov", "نوامبر", "نومبر", "नवंबर", "नवम्बर"),
    12: ("december", "dec", "دسامبر", "دسمبر", "दिसंबर", "दिसम्बर"),
}
_SOLAR_HIJRI_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان",
                       "آذر", "دی", "بهمن", "اسفند")

_MONTH_NUMBER = {name: number for number, names in _GREGORIAN_MONTHS.items() for name in names}
_SOLAR_MONTH_NUMBER = {name: i + 1 for i, name in enumerate(_SOLAR_HIJRI_MONTHS)}

# "Letters" for word boundaries: \w misses Devanagari vowel signs and Arabic diacritics.
_WORD = r"[\w\u0900-\u0963\u0971-\u097F\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u200C]"
_NOT_AFTER_WORD = rf"(?<!{_WORD})"
_NOT_BEFORE_WORD = rf"(?!{_WORD})"


def _alternation(names: Sequence[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


_MONTH = _alternation(list(_MONTH_NUMBER))
_SOLAR_MONTH = _alternation(list(_SOLAR_MONTH_NUMBER))
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>\d{4})"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ymd", re.compile(r"(?<![\d.])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")),
    ("ymd-slash", re.compile(r"(?<![\d/])(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])")),
    ("dmy-numeric", re.compile(
        r"(?<![\d.:/-])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)")),
    ("month-day-year", re.compile(
        rf"{_NOT_AFTER_WORD}(?P<m>{_MONTH})\.?\s+{_DAY},?\s+{_YEAR}(?!\d)", re.IGNORECASE)),
    ("day-month-year", re.compile(
        rf"(?<!\d){_DAY}\s+(?:of\s+)?(?P<m>{_MONTH})\.?,?\s+{_YEAR}(?!\d)", re.IGNORECASE)),
    ("solar-day-month-year", re.compile(
        rf"(?<!\d){_DAY}\s+(?P<m>{_SOLAR_MONTH})\s+(?:ماه\s+)?(?:سال\s+)?{_YEAR}(?!\d)")),
)


def jalali_to_gregorian(year: int, month: int, day: int) -> tuple[int, int, int]:
    """Solar Hijri (Iranian calendar) date to Gregorian (the 33-year arithmetic cycle)."""
    year += 1595
    days = -355668 + 365 * year + (year // 33) * 8 + ((year % 33) + 3) // 4 + day
    days += (month - 1) * 31 if month < 7 else (month - 7) * 30 + 186
    g_year = 400 * (days // 146097)
    days %= 146097
    if days > 36524:
        days -= 1
        g_year += 100 * (days // 36524)
        days %= 36524
        if days >= 365:
            days += 1
    g_year += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        g_year += (days - 1) // 365
        days = (days - 1) % 365
    g_day = days + 1
    leap = g_year % 4 == 0 and g_year % 100 != 0 or g_year % 400 == 0
    month_lengths = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    g_month = 0
    while g_month < 12 and g_day > month_lengths[g_month]:
        g_day -= month_lengths[g_month]
        g_month += 1
    return g_year, g_month + 1, g_day


def _iso(year: int, month: int, day: int) -> str | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _prepare(text: str) -> str:
    """Length-preserving folding: ASCII digits, Persian yeh/kaf (month names use ی ک)."""
    return fold_digits(text).translate({0x064A: 0x06CC, 0x0649: 0x06CC, 0x0643: 0x06A9})


def _resolve(kind: str, match: re.Match[str], prefer_month_first: bool) -> str | None:
    year = int(match["y"])
    if kind in ("ymd", "ymd-slash"):
        month, day = int(match["m"]), int(match["d"])
        if kind == "ymd-slash" and 1300 <= year <= 1500:
            # Iranian sites write Solar Hijri dates as 1403/04/22.
            return _iso(*jalali_to_gregorian(year, month, day))
        return _iso(year, month, day)
    if kind == "dmy-numeric":
        a, b = int(match["a"]), int(match["b"])
        if match["sep"] == "/" and prefer_month_first and a <= 12 or a <= 12 < b:
            return _iso(year, a, b)  # 07/25/2024 cannot be day-first; US English is month-first
        return _iso(year, b, a)
    if kind == "solar-day-month-year":
        if not 1300 <= year <= 1500:
            return None
        month = _SOLAR_MONTH_NUMBER[match["m"]]
        return _iso(*jalali_to_gregorian(year, month, int(match["d"])))
    month = _MONTH_NUMBER[match["m"].lower()]
    return _iso(year, month, int(match["d"]))


def find_dates(text: str, language: str | None = None) -> list[tuple[str, int, int]]:
    """Every full date (day, month and year) in `text` as (ISO date, start, end), in order.

    Offsets index `text`. Numeric dates are day-first (dd.mm.yyyy, dd/mm/yyyy) except for
    English, where an ambiguous dd/mm/yyyy is read month-first.
    """
    prepared = _prepare(text)
    found: list[tuple[str, int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(prepared):
            iso = _resolve(kind, match, prefer_month_first=language == "en")
            if iso is None:
                continue
            start, end = match.span()
            if any(s < end and start < e for _, s, e in found):
                continue  # an earlier, more specific pattern already read these characters
            found.append((iso, start, end))
    return sorted(found, key=lambda item: item[1])


def parse_date(value: str, language: str | None = None) -> str | None:
    """The first date in `value` as ISO YYYY-MM-DD, or None."""
    dates = find_dates(value, language)
    return dates[0][0] if dates else None


def given_date(value: str) -> str:
    """A publication date given by hand (`--left-date`, `load_article(date=...)`), checked and
    returned as YYYY-MM-DD; ValueError when it is not an ISO 8601 calendar date."""
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{value!r} is not a date in ISO 8601 form YYYY-MM-DD (e.g. 2024-07-12)")
    try:
        return _dt.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a calendar date ({exc})") from None


_HTML_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "publishdate",
    "publish-date", "pubdate", "date", "dc.date.issued", "dc.date", "sailthru.date",
    "parsely-pub-date", "article.published", "article:modified_time", "datemodified",
)
_FRONT_MATTER_FIELD = re.compile(r"^(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.+?)\s*$", re.MULTILINE)


def _front_matter(text: str, blocks: Sequence[Block]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for block in blocks:
        if block.kind == "front-matter":
            for match in _FRONT_MATTER_FIELD.finditer(text[block.start:block.end]):
                fields.setdefault(match["key"].lower(), match["value"].strip("\"'"))
    return fields


def _blocks_for(text: str, blocks: Sequence[Block] | None, language: str | None) -> list[Block]:
    if blocks is not None:
        return list(blocks)
    from xlcompare.article.boilerplate import mark_blocks
    from xlcompare.article.language import detect_language

    return mark_blocks(text, language or detect_language(text) or "en")


def _json_ld_dates(scripts: Sequence[str]) -> list[str]:
    found = []
    for raw in scripts:
        try:
            data = json.loads(raw)
        except ValueError:
            match = re.search(r'"datePublished"\s*:\s*"([^"]+)"', raw)
            if match:
                found.append(match.group(1))
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                value = item.get("datePublished")
                if isinstance(value, str):
                    found.append(value)
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return found


_LEAD_WINDOW = 60
"""A date counts as the publication date in a paragraph only near its start (a dateline)."""
_LEAD_BLOCKS = 6


def extract_date(
    text: str,
    blocks: Sequence[Block] | None = None,
    language: str | None = None,
    html: HtmlText | None = None,
) -> str | None:
    """The publication date as ISO YYYY-MM-DD, or None when the article does not give one."""
    if html is not None:
        for key in _HTML_DATE_KEYS:
            if key in html.meta:
                iso = parse_date(html.meta[key], language)
                if iso:
                    return iso
        for value in _json_ld_dates(html.json_ld):
            iso = parse_date(value, language)
            if iso:
                return iso
        for value, in_furniture in html.times:
            if not in_furniture:
                iso = parse_date(value, language)
                if iso:
                    return iso
    all_blocks = _blocks_for(text, blocks, language)
    front = _front_matter(text, all_blocks)
    if "date" in front:
        iso = parse_date(front["date"], language)
        if iso:
            return iso
    for block in all_blocks:
        if block.kind == "dateline":
            iso = parse_date(text[block.start:block.end], language)
            if iso:
                return iso
    body = [b for b in all_blocks if not b.boilerplate][:_LEAD_BLOCKS]
    for block in body:
        for iso, start, _end in find_dates(text[block.start:block.end], language):
            if start <= _LEAD_WINDOW:
                return iso
    return None


def _clean_title(title: str) -> str:
    title = title.strip().lstrip("#").strip()
    return " ".join(title.split())


def _strip_site_name(title: str) -> str:
    """"Story headline | Site name" -> "Story headline" (the longest part wins)."""
    parts = [p.strip() for p in re.split(r"\s+[|–—-]\s+|\s+::\s+", title) if p.strip()]
    return max(parts, key=len) if parts else title


def extract_title(
    text: str,
    blocks: Sequence[Block] | None = None,
    language: str | None = None,
    html: HtmlText | None = None,
) -> str | None:
    """The article's title: HTML <h1>/<title>, front matter, or its first short heading line."""
    if html is not None:
        if html.h1:
            return _clean_title(html.h1)
        for candidate in (html.meta.get("og:title"), html.title):
            if candidate:
                return _clean_title(_strip_site_name(candidate))
    all_blocks = _blocks_for(text, blocks, language)
    front = _front_matter(text, all_blocks)
    if front.get("title"):
        return _clean_title(front["title"])
    for block in all_blocks:
        if block.kind == "title":
            title = _clean_title(text[block.start:block.end])
            if title:
                return title
    return None
