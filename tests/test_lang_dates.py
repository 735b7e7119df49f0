"""One table of date cases, run through every entry point that reads a date.

The publication date (article metadata, from a header, a dateline or the text) and the dates
a comparison reports as mentioned (comparison.mentions) come from the one parser in
`xlcompare.lang.dates`; each case must give one answer everywhere. A partial date (no year, or
no day) is a mention but never a publication date.
"""
from __future__ import annotations

import pytest

from xlcompare.article.metadata import extract_date, find_dates, parse_date
from xlcompare.comparison.mentions import extract_numbers_and_dates
from xlcompare.lang import dates

# (text, language, value): value is what the text says, None when it holds no date.
DATE_CASES = [
    # --- the cases article/metadata was tested with -------------------------------------------
    ("جولای 12, 2024 19:00, 752 بازدید ها", "fa", "2024-07-12"),
    ("دوشنبه، 12.07.2024 /”خاور”/.", "fa", "2024-07-12"),  # دوشنبه: Dushanbe or Monday
    ("۱۲ ژوئیه ۲۰۲۴", "fa", "2024-07-12"),
    ("۱۲ جولاي ۲۰۲۴", "fa", "2024-07-12"),  # Arabic yeh in the month name
    ("3 اکتبر 2023", "fa", "2023-10-03"),
    ("۲۲ تیر ۱۴۰۳", "fa", "2024-07-12"),  # Solar Hijri
    ("1403/04/22", "fa", "2024-07-12"),  # Solar Hijri, numeric
    ("12 जुलाई 2024", "hi", "2024-07-12"),
    ("१२ जुलाई २०२४", "hi", "2024-07-12"),
    ("दिसम्बर 4, 2020", "hi", "2020-12-04"),
    ("July 12, 2024", "en", "2024-07-12"),
    ("12th of July, 2024", "en", "2024-07-12"),
    ("Sept. 3, 2021", "en", "2021-09-03"),
    ("2024-07-12T19:00:00+05:00", None, "2024-07-12"),
    ("07/25/2024", "fa", "2024-07-25"),  # only month-first is a real date
    ("05/06/2024", "en", "2024-05-06"),  # English slash dates: month first
    ("05/06/2024", "fa", "2024-06-05"),  # every other language: day first
    ("31.02.2024", "fa", None),  # no such day
    ("4 दिसंबर भारतीय नौसेना दिवस", "hi", "--12-04"),  # no year: a mention, not a publication date
    ("version 1.2.3", "en", None),
    # --- more of the rules ---------------------------------------------------------------------
    ("05.06.2024", "en", "2024-06-05"),  # dots are day-first in English too
    ("12-07-2024", "en", "2024-07-12"),
    ("05/06/2024", "hi", "2024-06-05"),
    ("29.02.2024", "fa", "2024-02-29"),  # a leap year
    ("29.02.2023", "fa", None),
    ("۲۲.۰۴.۱۴۰۳", "fa", "2024-07-12"),  # Solar Hijri, day first
    ("2024/07/12", "fa", "2024-07-12"),
    ("30 اسفند 1403", "fa", "2025-03-20"),  # 1403 is a Solar Hijri leap year
    ("30 اسفند 1402", "fa", None),  # 1402 is not: Esfand has 29 days
    ("31 مهر 1403", "fa", None),  # Mehr has 30 days
    ("۲۲ تیر ماه ۱۴۰۳", "fa", "2024-07-12"),
    ("تیر ۱۴۰۳", "fa", None),  # a Solar Hijri month spans two Gregorian months: not read
    ("۵ می ۲۰۲۴", "fa", "2024-05-05"),
    ("۵ می شود", "fa", None),  # "می" is a verb prefix here, not May
    ("5 may be", "en", None),  # "may" in lower case is a verb
    ("31 June 2024", "en", None),
    ("December 4", "en", "--12-04"),
    ("30 February", "en", None),
    ("July 2024", "en", "2024-07"),
    ("4 जनवरी २०२१ को", "hi", "2021-01-04"),
    ("photo 19:00", "en", None),
]


@pytest.mark.parametrize(("text", "language", "value"), DATE_CASES)
def test_one_answer_from_every_entry_point(text: str, language: str | None, value: str | None) -> None:
    full = value if value is not None and dates.is_full_date(value) else None
    # the parser itself
    assert [v for v, _, _ in dates.find_dates(text, language, partial=True)] == ([value] if value else [])
    assert dates.parse_date(text, language) == full
    # article metadata: parse_date, find_dates, and the publication date of a one-line article
    assert parse_date(text, language) == full
    assert [v for v, _, _ in find_dates(text, language)] == ([full] if full else [])
    assert extract_date(text, language=language) == full
    # comparison mentions
    mentioned = [m.value for m in extract_numbers_and_dates(text, 0, language) if m.kind == "date"]
    assert mentioned == ([value] if value else [])


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [((1403, 1, 1), (2024, 3, 20)), ((1399, 12, 30), (2021, 3, 20)),
     ((1402, 12, 29), (2024, 3, 19)), ((1403, 4, 22), (2024, 7, 12)),
     ((1399, 9, 15), (2020, 12, 5))],
)
def test_jalali_to_gregorian(jalali: tuple[int, int, int], gregorian: tuple[int, int, int]) -> None:
    assert dates.jalali_to_gregorian(*jalali) == gregorian


@pytest.mark.parametrize(
    ("year", "leap"), [(1399, True), (1400, False), (1402, False), (1403, True), (1408, True)]
)
def test_solar_hijri_leap_years(year: int, leap: bool) -> None:
    assert dates.is_solar_hijri_date(year, 12, 30) is leap
    assert dates.is_solar_hijri_date(year, 12, 29)


def test_offsets_index_the_original_text() -> None:
    text = "در تاریخ ۱۲.۰۷.۲۰۲۴ و نیز 3 اکتبر 2023 و ۴ دسامبر گفت"
    found = dates.find_dates(text, "fa", partial=True)
    assert [v for v, _, _ in found] == ["2024-07-12", "2023-10-03", "--12-04"]
    assert [text[s:e] for _, s, e in found] == ["۱۲.۰۷.۲۰۲۴", "3 اکتبر 2023", "۴ دسامبر"]


@pytest.mark.parametrize("locale", ["en", "hi", "fa"])
def test_cldr_month_names_are_all_understood(locale: str) -> None:
    from babel import Locale

    for number, name in Locale.parse(locale).months["format"]["wide"].items():
        assert dates.MONTH_NUMBER[name] == number, name


@pytest.mark.parametrize(
    ("value", "display"),
    [("2024-07-12", "12 July 2024"), ("2024-07", "July 2024"), ("--12-04", "4 December (no year)")],
)
def test_display(value: str, display: str) -> None:
    assert dates.display_date(value) == display
