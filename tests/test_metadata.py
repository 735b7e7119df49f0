"""Title and publication date extraction (the date cases themselves: tests/test_lang_dates.py)."""
from __future__ import annotations

from pathlib import Path

from xlcompare.article import extract_date, extract_title, load_article, mark_blocks

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
HINDI_SEED = SEEDS / "hi_tajikistan_china_counterterrorism.txt"
PERSIAN_SEED = SEEDS / "fa_tajikistan_denies_chinese_base.txt"


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
