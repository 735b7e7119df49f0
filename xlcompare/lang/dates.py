"""The one date parser: every date xlcompare reads (publication dates, dates mentioned in the
text) comes from `find_dates`, so a date cannot mean one thing in the metadata and another in
the comparison.

The rules, the same for every caller and every language:

- Digits of any script are read (Persian ۱۲, Devanagari १२), and Arabic ي ك in month names
  are Persian ی ک ("جولاي" is "جولای").
- Numeric dates: yyyy-mm-dd (ISO 8601, a time may follow), yyyy/mm/dd, yyyy.mm.dd, and
  dd.mm.yyyy, dd/mm/yyyy, dd-mm-yyyy. **Day first**, in every language, with one exception:
  in English a *slash* date whose first two numbers could both be months (05/06/2024) is read
  **month first**, as US English writes it; with dots or dashes English is day first too. A
  date only one order makes real (07/25/2024) is read that way in every language.
- A year from 1300 to 1499 is a Solar Hijri year (the Iranian calendar: 1403/04/22,
  ۲۲ تیر ۱۴۰۳, 22.04.1403) and the date is converted to the Gregorian calendar.
- Month names: English (capitalised or in capitals only: "may" and "march" are verbs), Hindi
  and Persian, with the spellings Iranian, Tajik and Afghan writers use (ژوئیه, جولای);
  Solar Hijri month names count only with a day and a year. Persian "می" and "مه" (May) are
  also a verb prefix and "fog", so they count only with a year.
- Only real calendar dates: 31.02.2024 or 30 Esfand of a common year are no dates at all.
- Partial dates: a day and month without a year ("4 दिसंबर", "December 4") give "--12-04";
  a month and year ("July 2024") give "2024-07". Only `find_dates(partial=True)` returns
  them: a publication date must be complete, a mention need not be.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable

from xlcompare.lang.digits import fold_digits, fold_persian_letters
from xlcompare.lang.scripts import WORD_CHAR

# Gregorian month names; the first of each row is the English name used for display.
GREGORIAN_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("January", "Jan", "ژانویه", "ژانویهٔ", "جنوری", "जनवरी"),
    2: ("February", "Feb", "فوریه", "فبروری", "फरवरी", "फ़रवरी"),
    3: ("March", "Mar", "مارس", "مارچ", "मार्च"),
    4: ("April", "Apr", "آوریل", "آپریل", "اپریل", "अप्रैल", "अप्रेल"),
    5: ("May", "مه", "می", "مئی", "मई"),
    6: ("June", "Jun", "ژوئن", "جون", "जून"),
    7: ("July", "Jul", "ژوئیه", "ژوییه", "جولای", "جولائی", "जुलाई"),
    8: ("August", "Aug", "اوت", "آگوست", "اگوست", "آگست", "अगस्त"),
    9: ("September", "Sept", "Sep", "سپتامبر", "ستمبر", "सितंबर", "सितम्बर"),
    10: ("October", "Oct", "اکتبر", "اکتوبر", "अक्टूबर", "अक्तूबर"),
    11: ("November", "Nov", "نوامبر", "نومبر", "नवंबर", "नवम्बर"),
    12: ("December", "Dec", "دسامبر", "دسمبر", "दिसंबर", "दिसम्बर"),
}
MONTH_NAMES_EN = [names[0] for _, names in sorted(GREGORIAN_MONTHS.items())]
SOLAR_HIJRI_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان",
                      "آذر", "دی", "بهمن", "اسفند")
# Month names that are also common words: a date only with a year after them.
NEEDS_YEAR = frozenset({"می", "مه"})
DATES_METHOD = "xlc-dates/1"
"""Names this parser's rules in signatures; bumped when they change."""
SOLAR_HIJRI_YEARS = range(1300, 1500)
YEARS = range(1000, 3000)

MONTH_NUMBER: dict[str, int] = {}
for _number, _names in GREGORIAN_MONTHS.items():
    for _name in _names:
        MONTH_NUMBER[_name] = _number
        if _name.isascii():
            MONTH_NUMBER[_name.upper()] = _number
SOLAR_MONTH_NUMBER = {name: i for i, name in enumerate(SOLAR_HIJRI_MONTHS, start=1)}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MONTH = _alternation(MONTH_NUMBER)
_SOLAR_MONTH = _alternation(SOLAR_MONTH_NUMBER)
# A number stands alone: no Latin letter, digit or underscore touches it ("photo_2025",
# "COVID19"), and no separator followed by more digits ("1.2.3", "12.07.2024.17").
# Non-Latin letters may touch it ("5वें", "۵ام").
_B = r"(?<![A-Za-z0-9_.,:/\-])"
_E = r"(?![A-Za-z0-9_]|[.,:/\-]\d)"
_ISO_END = r"(?:(?=T\d)|" + _E + ")"  # 2024-07-12T19:00
_WB = rf"(?<!{WORD_CHAR})"  # a month name is a whole word
_WE = rf"(?!{WORD_CHAR})"
_ORDINAL = r"(?:st|nd|rd|th)?"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ymd", re.compile(_B + r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _ISO_END)),
    ("ymd", re.compile(_B + r"(?P<y>\d{4})(?P<sep>[/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})" + _E)),
    ("numeric", re.compile(
        _B + r"(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})" + _E)),
    ("solar", re.compile(
        _B + r"(?P<d>\d{1,2})\s*(?P<sm>" + _SOLAR_MONTH + r")" + _WE
        + r"\s*(?:ماه\s*)?(?:سال\s*)?(?P<y>\d{4})" + _E)),
    ("day-month", re.compile(
        _B + r"(?P<d>\d{1,2})" + _ORDINAL + r"\s+(?:of\s+)?" + _WB + r"(?P<mn>" + _MONTH + r")\.?"
        + _WE + r"(?:[,،]?\s*(?P<y>\d{4})" + _E + r")?")),
    ("month-day", re.compile(
        _WB + r"(?P<mn>" + _MONTH + r")\.?" + _WE + r"\s*(?P<d>\d{1,2})" + _ORDINAL + _E
        + r"(?:(?:[,،]\s*|\s+)(?P<y>\d{4})" + _E + r")?")),
    ("month-year", re.compile(
        _WB + r"(?P<mn>" + _MONTH + r")\.?" + _WE + r"[,،]?\s*(?P<y>\d{4})" + _E)),
)


def jalali_to_gregorian(year: int, month: int, day: int) -> tuple[int, int, int]:
    """Solar Hijri (Iranian calendar) date to Gregorian (the 33-year arithmetic cycle).

    No validation: day 30 of Esfand in a common year comes out as 1 Farvardin of the next
    (see `is_solar_hijri_date`).
    """
    days = _solar_day_number(year, month, day)
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


def _solar_day_number(year: int, month: int, day: int) -> int:
    year += 1595
    days = -355668 + 365 * year + (year // 33) * 8 + ((year % 33) + 3) // 4 + day
    return days + ((month - 1) * 31 if month < 7 else (month - 7) * 30 + 186)


def is_solar_hijri_date(year: int, month: int, day: int) -> bool:
    """True for a real Solar Hijri date: months 1-6 have 31 days, 7-11 have 30, Esfand 29
    or, in a leap year, 30."""
    if not 1 <= month <= 12 or day < 1:
        return False
    if month <= 6:
        return day <= 31
    if month <= 11:
        return day <= 30
    if day <= 29:
        return True
    # Esfand 30 exists when the year is 366 days long (by the same arithmetic as the
    # conversion, so the two never disagree).
    return day == 30 and _solar_day_number(year + 1, 1, 1) - _solar_day_number(year, 12, 30) == 1


def _gregorian(year: int, month: int, day: int) -> str | None:
    if year not in YEARS:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _solar(year: int, month: int, day: int) -> str | None:
    if year not in SOLAR_HIJRI_YEARS or not is_solar_hijri_date(year, month, day):
        return None
    return _gregorian(*jalali_to_gregorian(year, month, day))


def _full(year: int, month: int, day: int) -> str | None:
    return _solar(year, month, day) if year in SOLAR_HIJRI_YEARS else _gregorian(year, month, day)


def _value(kind: str, match: re.Match[str], language: str | None) -> str | None:
    groups = match.groupdict()
    year = int(groups["y"]) if groups.get("y") else None
    if kind == "ymd":
        return _full(year, int(groups["m"]), int(groups["d"]))  # type: ignore[arg-type]
    if kind == "numeric":
        a, b = int(groups["a"]), int(groups["b"])
        day_first, month_first = _full(year, b, a), _full(year, a, b)  # type: ignore[arg-type]
        if day_first and month_first:
            english_slash = language == "en" and groups["sep"] == "/"
            return month_first if english_slash else day_first
        return day_first or month_first
    if kind == "solar":
        return _solar(year, SOLAR_MONTH_NUMBER[groups["sm"]], int(groups["d"]))  # type: ignore[arg-type]
    name = groups["mn"]
    if name in NEEDS_YEAR and year is None:
        return None
    month = MONTH_NUMBER[name]
    day = int(groups["d"]) if groups.get("d") else None
    if year is not None:
        if day is None:
            return f"{year:04d}-{month:02d}" if year in YEARS else None
        return _gregorian(year, month, day)
    try:
        _dt.date(2000, month, day)  # a leap year: 29 February exists without a year
    except (TypeError, ValueError):
        return None
    return f"--{month:02d}-{day:02d}"


def is_full_date(value: str) -> bool:
    """True for "YYYY-MM-DD"; False for the partial "--MM-DD" and "YYYY-MM"."""
    return len(value) == 10 and not value.startswith("--")


def find_dates(
    text: str, language: str | None = None, *, partial: bool = False
) -> list[tuple[str, int, int]]:
    """Every date in `text` as (value, start, end), in text order; offsets index `text`.

    `value` is ISO 8601 ("2024-07-12"); with `partial=True` also "--12-04" (day and month)
    and "2024-07" (month and year). `language` matters only for the English slash rule.
    """
    prepared = fold_persian_letters(fold_digits(text))
    found: list[tuple[str, int, int]] = []
    # Characters already read, as a date or as one that does not exist: "31 June 2024" must
    # not come back as "June 2024" from a looser pattern.
    read: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(prepared):
            start, end = match.span()
            if any(s < end and start < e for s, e in read):
                continue  # an earlier, more specific pattern already read these characters
            value = _value(kind, match, language)
            if value is None:
                if match.groupdict().get("y"):
                    read.append((start, end))
                continue
            read.append((start, end))
            if partial or is_full_date(value):
                found.append((value, start, end))
    return sorted(found, key=lambda item: item[1])


def parse_date(value: str, language: str | None = None) -> str | None:
    """The first full date in `value` as ISO YYYY-MM-DD, or None."""
    dates = find_dates(value, language)
    return dates[0][0] if dates else None


def weekday(value: str) -> int | None:
    """0 (Monday) to 6 (Sunday) for a full ISO date, else None."""
    if not is_full_date(value):
        return None
    return _dt.date.fromisoformat(value).weekday()


def display_date(value: str) -> str:
    """"12 July 2024", "July 2024", "4 December (no year)"."""
    if value.startswith("--"):
        month, day = int(value[2:4]), int(value[5:7])
        return f"{day} {MONTH_NAMES_EN[month - 1]} (no year)"
    parts = value.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTH_NAMES_EN[int(parts[1]) - 1]} {parts[0]}"
    return f"{MONTH_NAMES_EN[int(parts[1]) - 1]} {parts[0]}"
