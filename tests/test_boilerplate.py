"""Boilerplate marking: furniture flagged with a reason, nothing deleted, story text kept."""
from __future__ import annotations

from pathlib import Path

import pytest

from xlcompare.article import load_article, mark_blocks
from xlcompare.article.boilerplate import furniture_heading
from xlcompare.article.model import Article, Block

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
HINDI_SEED = SEEDS / "hi_tajikistan_china_counterterrorism.txt"
PERSIAN_SEED = SEEDS / "fa_tajikistan_denies_chinese_base.txt"


def check_blocks_cover(text: str, blocks: list[Block]) -> None:
    position = 0
    for block in blocks:
        assert position <= block.start < block.end <= len(text)
        assert text[position:block.start].strip() == ""
        piece = text[block.start:block.end]
        assert piece == piece.strip()
        assert "\n" not in piece
        if block.boilerplate:
            assert block.reason
        position = block.end
    assert text[position:].strip() == ""


def line_block(article: Article, line: str) -> list[Block]:
    return [b for b in article.blocks if article.text[b.start:b.end] == line]


@pytest.fixture(scope="module")
def hindi() -> Article:
    return load_article(HINDI_SEED)


@pytest.fixture(scope="module")
def persian() -> Article:
    return load_article(PERSIAN_SEED)


def test_hindi_seed(hindi: Article) -> None:
    check_blocks_cover(hindi.text, hindi.blocks)
    popular = hindi.text.index("popular post")
    before = [b for b in hindi.blocks if b.end <= popular]
    after = [b for b in hindi.blocks if b.start >= popular]
    assert before and not any(b.boilerplate for b in before)
    assert len(after) >= 10 and all(b.boilerplate for b in after)
    assert after[0].kind == "heading"
    assert {b.kind for b in after[1:]} == {"list"}
    assert before[0].kind == "title"


def test_persian_seed(persian: Article) -> None:
    check_blocks_cover(persian.text, persian.blocks)
    counters = line_block(persian, "جولای 12, 2024 19:00, 752 بازدید ها")
    assert len(counters) == 2 and all(b.boilerplate for b in counters)
    for furniture in ("اخبار مرتبط", "VKH-MID-Tadzhikistana-Tochikiston", "دیگر خبرهای این بخش"):
        assert [b.boilerplate for b in line_block(persian, furniture)] == [True]
    related = persian.text.index("دیگر خبرهای این بخش")
    trailing = [b for b in persian.blocks if b.start >= related]
    assert len(trailing) >= 10 and all(b.boilerplate for b in trailing)
    story = [b for b in persian.blocks if not b.boilerplate]
    # The title and the seven story paragraphs, and nothing else.
    assert story[0].kind == "title"
    assert len(story) == 8
    assert all(persian.text[b.start:b.end].endswith(".") for b in story[1:])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("popular post", "popular post"),
        ("Related Articles:", "related articles"),
        ("اخبار مرتبط", "اخبار مرتبط"),
        ("مطالب مرتبط", "مطالب مرتبط"),
        ("دیگر خبرهای این بخش", "دیگر خبرهای این بخش"),
        ("ديگر خبرها", "دیگر خبرها"),  # Arabic yeh folded
        ("यह भी पढ़ें:", "यह भी पढ़ें"),
        ("संबंधित खबरें", "संबंधित खबरें"),
        ("लोकप्रिय", "लोकप्रिय"),
        ("Comments (3)", "comments"),
        ("Related news from Central Asia", "related news"),
        # Prose that merely starts with a furniture word is not furniture.
        ("Tags are used to sort the articles", None),
        ("Related news reached Dushanbe on Monday and officials said nothing.", None),
        ("Read more.", None),
        ("ताजिकिस्तान और चीन ने सहयोग पर बल दिया", None),
    ],
)
def test_furniture_headings(line: str, expected: str | None) -> None:
    assert furniture_heading(line) == expected


ENGLISH_PAGE = """Leaders meet in Dushanbe

By staff | 1,204 views

The ministers met on Monday. They discussed security.
Read also:
China expands its role in Central Asia
Taliban talks stall
The talks will continue next month, officials said.

Related articles
Markets fall in Asia
Elections in Bihar
Weather turns cold
"""


def test_generic_english_page() -> None:
    blocks = mark_blocks(ENGLISH_PAGE, "en")
    check_blocks_cover(ENGLISH_PAGE, blocks)
    marked = {ENGLISH_PAGE[b.start:b.end]: b for b in blocks}
    assert marked["Leaders meet in Dushanbe"].kind == "title"
    assert marked["By staff | 1,204 views"].boilerplate
    assert not marked["The ministers met on Monday. They discussed security."].boilerplate
    assert marked["Read also:"].boilerplate
    assert marked["China expands its role in Central Asia"].boilerplate
    assert marked["Taliban talks stall"].boilerplate
    # The story resumes with a punctuated paragraph: the list has ended.
    assert not marked["The talks will continue next month, officials said."].boilerplate
    for headline in ("Markets fall in Asia", "Elections in Bihar", "Weather turns cold"):
        assert marked[headline].boilerplate and marked[headline].kind == "list"


@pytest.mark.parametrize(
    ("line", "language", "boilerplate"),
    [
        ("IMG_20240712-001", "fa", True),
        ("VKH-MID-Tadzhikistana-Tochikiston", "hi", True),
        ("photo_2025-10-30_09-04-03نشست معاونان", "fa", True),
        ("12.07.2024 19:00", "fa", True),
        ("१२ जुलाई २०२४", "hi", True),
        ("752 بازدید", "fa", True),
        ("© 2024 Khovar. All rights reserved", "en", True),
        ("well-known", "en", False),  # one hyphen in an English article is a word, not a slug
        ("Dushanbe", "fa", False),
        ("تاجیکستان و چین شرکای استراتژیک هستند.", "fa", False),
    ],
)
def test_single_line_furniture(line: str, language: str, boilerplate: bool) -> None:
    text = f"A title line\n{line}\nA story sentence that ends properly."
    blocks = mark_blocks(text, language)
    (block,) = [b for b in blocks if text[b.start:b.end] == line]
    assert block.boilerplate is boilerplate
    if boilerplate:
        assert block.reason


def test_markdown_front_matter_and_images() -> None:
    text = "---\ntitle: A story\ndate: 2024-07-12\n---\n# A story\n\n![map](map.png)\n\nBody text."
    blocks = mark_blocks(text, "en")
    check_blocks_cover(text, blocks)
    kinds = [(b.kind, b.boilerplate) for b in blocks]
    assert kinds[:4] == [("front-matter", True)] * 4
    assert ("title", False) in kinds and ("image", True) in kinds
    assert kinds[-1] == ("paragraph", False)


def test_known_furniture_spans_are_respected() -> None:
    text = "Title\nStory sentence.\nSidebar sentence."
    start = text.index("Sidebar")
    blocks = mark_blocks(text, "en", furniture=[(start, len(text), "inside <aside>")])
    assert blocks[-1].boilerplate and blocks[-1].reason == "inside <aside>"
    assert not blocks[1].boilerplate


def test_crlf_lines() -> None:
    text = "Title\r\n\r\npopular post\r\nHeadline one\r\nHeadline two\r\n"
    blocks = mark_blocks(text, "en")
    check_blocks_cover(text, blocks)
    assert [b.boilerplate for b in blocks] == [False, True, True, True]
