"""Title and publication date extraction."""
from __future__ import annotations

from pathlib import Path

import pytest

from xlcompare.article import extract_date, extract_title, load_article, mark_blocks
from xlcompare.article.metadata import find_dates, jalali_to_gregorian, parse_date

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
HINDI_SEED = SEEDS / "hi_tajikistan_china_counterterrorism.txt"
PERSIAN_SEED = SEEDS / "fa_tajikistan_denies_chinese_base.txt"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("جولای 12, 2024 19:00, 752 بازدید ها", "fa", "2024-07-12"),
        ("دوشنبه، 12.07.2024 /”خاور”/.", "fa", "2024-07-12"),
        ("۱۲ ژوئیه ۲۰۲۴", "fa", "2024-07-12"),
        ("۱۲ جولاي ۲۰۲۴", "fa", "2024-07-12"),  # Arabic yeh in the month name
        ("3 اکتبر 2023", "fa", "2023-10-03"),
        ("۲۲ تیر ۱۴۰۳", "fa", "2024-07-12"),  # Solar Hijri
        ("1403/04/22", "fa", "2024-07-12"),
        ("12 जुलाई 2024", "hi", "2024-07-12"),
        ("१२ जुलाई २०२४", "hi", "2024-07-12"),
        ("दिसम्बर 4, 2020", "hi", "2020-12-04"),
        ("July 12, 2024", "en", "2024-07-12"),
        ("12th of July, 2024", "en", "2024-07-12"),
        ("Sept. 3, 2021", "en", "2021-09-03"),
        ("2024-07-12T19:00:00+05:00", None, "2024-07-12"),
        ("07/25/2024", "fa", "2024-07-25"),  # cannot be day-first
        ("05/06/2024", "en", "2024-05-06"),  # English: month first
        ("05/06/2024", "fa", "2024-06-05"),  # elsewhere: day first
        ("31.02.2024", "fa", None),  # no such day
        ("4 दिसंबर भारतीय नौसेना दिवस", "hi", None),  # no year: not a full date
        ("version 1.2.3", "en", None),
    ],
)
def test_parse_date(text: str, language: str | None, expected: str | None) -> None:
    assert parse_date(text, language) == expected


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [((1403, 1, 1), (2024, 3, 20)), ((1399, 12, 30), (2021, 3, 20)),
     ((1402, 12, 29), (2024, 3, 19)), ((1403, 4, 22), (2024, 7, 12))],
)
def test_jalali_to_gregorian(jalali: tuple[int, int, int], gregorian: tuple[int, int, int]) -> None:
    assert jalali_to_gregorian(*jalali) == gregorian


def test_find_dates_offsets_index_the_original_text() -> None:
    text = "در تاریخ ۱۲.۰۷.۲۰۲۴ و نیز 3 اکتبر 2023 گفت"
    found = find_dates(text, "fa")
    assert [iso for iso, _, _ in found] == ["2024-07-12", "2023-10-03"]
    assert [text[s:e] for _, s, e in found] == ["۱۲.۰۷.۲۰۲۴", "3 اکتبر 2023"]


def test_seed_metadata() -> None:
    persian = load_article(PERSIAN_SEED)
    assert persian.date == "2024-07-12"  # not one of the 2025 dates in the related list
    assert persian.title == persian.text.splitlines()[0]
    hindi = load_article(HINDI_SEED)
    assert hindi.date is None
    assert hindi.title == hindi.text.splitlines()[0]


def test_dates_in_boilerplate_lists_are_ignored() -> None:
    text = ("عنوان خبر\n\nمتن خبر بدون تاریخ است.\n\nاخبار مرتبط\n"
            "11.11.2025.17.40همکاری بین تاجیکستان و ایران\n11.11.2025\n"
            "خبر دیگر در 3 اکتبر 2023")
    assert extract_date(text, mark_blocks(text, "fa"), "fa") is None


def test_dates_deep_in_the_story_are_not_the_publication_date() -> None:
    text = "Title\n\nThe talks, first held on " + "x " * 40 + "March 3, 2020, resumed."
    assert extract_date(text, language="en") is None
    lead = "Title\n\nMarch 3, 2020 - The talks resumed."
    assert extract_date(lead, language="en") == "2020-03-03"


def test_markdown_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text("---\ntitle: \"Talks in Dushanbe\"\ndate: 2020-12-04\n---\n"
                    "# Heading in the body\n\nThe ministers met on Monday.\n", encoding="utf-8")
    article = load_article(path)
    assert article.source_format == "markdown"
    assert article.title == "Talks in Dushanbe"
    assert article.date == "2020-12-04"


def test_title_falls_back_to_first_heading_line() -> None:
    text = "# Talks in Dushanbe\n\nThe ministers met on Monday."
    assert extract_title(text, language="en") == "Talks in Dushanbe"
    # A story that starts with a sentence has no title line.
    assert extract_title("The ministers met on Monday. They agreed.", language="en") is None
