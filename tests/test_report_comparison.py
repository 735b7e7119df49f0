"""Comparison reports (HTML, Markdown, JSON): escaping, right-to-left, self-containment."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from xlcompare.alignment.model import Alignment
from xlcompare.article.model import Article
from xlcompare.comparison import build_comparison
from xlcompare.errors import XlcompareError
from xlcompare.report import REPORTS, comparison_renderer, get_renderer
from xlcompare.report.comparison_markdown import md_text
from xlcompare.segments.model import Segment
from xlcompare.translation.model import FLAG_LOW_CONFIDENCE, TranslatedArticle, Translation

HOSTILE = '<script>document.title="PWNED"</script>'
HOSTILE_ATTR = '"><img src=x onerror=alert(1)>'


def side(sentences, language, *, title=None, path=None, english=None, date=None):
    text, segments = "", []
    for number, (sentence, boilerplate) in enumerate(sentences):
        start = len(text)
        segments.append(Segment(number, start, start + len(sentence), sentence, boilerplate))
        text += sentence + "\n"
    article = Article(text=text, language=language, path=path, title=title, date=date,
                      warnings=[f"warning with {HOSTILE}"])
    translations = {i: Translation(i, en, flags=flags, confidence=conf) for i, (en, flags, conf) in (english or {}).items()}
    return TranslatedArticle(article, segments, translations, signature={"model": "hand-written", "string": "model:hand-written"})


@pytest.fixture(scope="module")
def comparison(embedder):
    left = side(
        [
            ("Menu | Home | <b>News</b>", True),
            (f"The minister said {HOSTILE} at 12.07.2024 in Dushanbe.", False),
            ("Cooperation | against | terrorism, extremism and separatism.", False),
            ("Only the Hindi article says this | with pipes\nand a line break.", False),
        ],
        "hi",
        title=f"Title {HOSTILE}",
        path=f"/tmp/{HOSTILE_ATTR}.txt",
        english={
            1: (f"English {HOSTILE} with Moscow", (), 0.9),
            2: ("Cooperation | against terrorism", (FLAG_LOW_CONFIDENCE,), 0.3),
            3: ("Only | here\nreally", (), None),
        },
        date="2020-12-05",
    )
    right = side(
        [
            ("وزارت امور خارجه گفت <i>سه شر</i> در ۱۲ ژوئیه ۲۰۲۴.", False),
            ("اخبار مرتبط | https://example.com/news", True),
            ("همکاری با پکن در مبارزه با تروریسم.", False),
            ("فقط این طرف https://example.org/x این را می‌گوید.", False),
        ],
        "fa",
        title="عنوان <script>x</script>",
        path="fa.txt",
        english={0: ("The ministry said <i>three evils</i>", (), 0.8), 2: ("Cooperation with Beijing", (), 0.85),
                 3: ("Only here says this https://example.org/x", (), 0.7)},
        date="2024-07-12",
    )
    alignments = [Alignment((1,), (0,), 1.12, 0.91), Alignment((2,), (2,), 1.08, 0.88)]
    return build_comparison(left, right, alignments, embedder=embedder)


@pytest.fixture(scope="module")
def html_report(comparison):
    return comparison_renderer("html")(comparison)


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(document: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(document)
    return parser.tags


# --- HTML -----------------------------------------------------------------------------------


def test_article_text_is_escaped(html_report):
    assert "<script" not in html_report.lower()
    assert "&lt;script&gt;document.title=&quot;PWNED&quot;&lt;/script&gt;" in html_report
    assert "<img" not in html_report and "&lt;img src=x onerror=alert(1)&gt;" in html_report
    assert "<b>News" not in html_report and "<i>سه شر" not in html_report and "<i>three" not in html_report
    tags = {tag for tag, _ in parse(html_report)}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "i"}
    assert all(not name.startswith("on") for _, attrs in parse(html_report) for name in attrs)


def test_html_references_nothing_outside_the_page(html_report):
    for tag, attrs in parse(html_report):
        assert "src" not in attrs, tag
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href
    styles = "".join(re.findall(r"<style>(.*?)</style>", html_report, re.S))
    assert "url(" not in styles and "@import" not in styles and "@font-face" not in styles
    # URLs written in the article appear as text only
    assert "https://example.org/x" in html_report
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html_report, re.I)


def test_html_marks_rtl_cells_and_languages(html_report):
    cells = [(attrs.get("class") or "", attrs) for tag, attrs in parse(html_report) if tag == "td"]
    right = [attrs for cls, attrs in cells if cls.split()[:1] == ["right"] and "empty" not in cls]
    left = [attrs for cls, attrs in cells if cls.split()[:1] == ["left"] and "empty" not in cls]
    assert right and left
    assert all(a.get("dir") == "rtl" and a.get("lang") == "fa" for a in right)
    assert all(a.get("dir") == "ltr" and a.get("lang") == "hi" for a in left)
    english = [attrs for tag, attrs in parse(html_report) if (attrs.get("class") or "").startswith("en")]
    assert english and all(a.get("dir") == "ltr" and a.get("lang") == "en" for a in english)


def test_html_rows_of_every_kind_and_furniture_collapsed(html_report, comparison):
    rows = [attrs["class"] for tag, attrs in parse(html_report) if tag == "tr" and "row" in (attrs.get("class") or "").split()]
    assert len(rows) == len(comparison.rows())
    assert {"row match", "row unique-left", "row unique-right"} <= set(rows)
    details = re.findall(r"<details>.*?</details>", html_report, re.S)
    furniture = [d for d in details if "page furniture" in d]
    assert len(furniture) == 2
    assert "Menu | Home | &lt;b&gt;News&lt;/b&gt;" in furniture[0]
    assert "اخبار مرتبط" in furniture[1]
    table = re.search(r'<table class="sbs">.*?</table>', html_report, re.S).group()
    assert "Menu | Home" not in table and "اخبار مرتبط" not in table


def test_html_shows_scores_flags_warnings_and_signature(html_report, comparison):
    assert "1.120" in html_report and "0.910" in html_report
    assert 'class="flag warn"' in html_report and 'class="en low"' in html_report
    assert "days apart" in html_report
    assert 'id="signature"' in html_report and comparison.signature["string"] in html_report
    assert 'id="themes"' in html_report and 'id="differences"' in html_report
    # a link from every mention and theme to a segment anchor that exists
    anchors = {attrs["id"] for _, attrs in parse(html_report) if "id" in attrs}
    targets = {attrs["href"][1:] for tag, attrs in parse(html_report) if tag == "a"}
    assert targets <= anchors


def test_html_is_one_document_with_a_content_security_policy(html_report):
    assert html_report.startswith("<!DOCTYPE html>")
    assert html_report.count("<html") == 1 and html_report.rstrip().endswith("</html>")
    assert "Content-Security-Policy" in html_report and "default-src &#x27;none&#x27;" in html_report


def test_repr_html_reuses_the_report_table(comparison, html_report):
    from xlcompare.report.html_common import render_side_by_side

    table = render_side_by_side(comparison)
    assert table in comparison._repr_html_() and table in html_report


# --- Markdown -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a | b", r"a \| b"),
        ("line\nbreak\r\nagain", "line break again"),
        ("<script>x</script>", r"\<script\>x\</script\>"),
        ("*bold* _it_ [link](y)", r"\*bold\* \_it\_ \[link\](y)"),
        ("back\\slash", r"back\\slash"),
        ("हिंदी | فارسی", r"हिंदी \| فارسی"),
    ],
)
def test_md_text_escaping(text, expected):
    assert md_text(text) == expected


def test_markdown_tables_keep_their_shape(comparison):
    md = comparison_renderer("md")(comparison)
    assert not re.search(r"(?<!\\)<(?:script|/script|b>|i>)", md)
    assert r"\<script\>document.title=" in md
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert table
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| # |"))
    header_cells = len(re.split(r"(?<!\\)\|", lines[start])) - 2
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        assert len(re.split(r"(?<!\\)\|", line)) - 2 == header_cells, line
    assert sum(1 for line in lines[start + 2 :] if line.startswith("| ") and line[2].isdigit()) >= len(comparison.alignments)
    for heading in ("## Summary", "## Matched passages", "## Themes", "## Signature"):
        assert heading in md
    assert comparison.signature["string"] in md


# --- JSON and the registry ------------------------------------------------------------------


def test_json_report_is_the_documented_schema(comparison):
    data = json.loads(comparison_renderer("json")(comparison))
    assert data == json.loads(json.dumps(comparison.to_dict()))
    assert data["schema"] == "xlcompare.comparison/1"
    assert data["left"]["title"] == f"Title {HOSTILE}"  # JSON carries raw text; escaping is the reader's job


def test_registry_imports_lazily_and_rejects_unknown_formats():
    from xlcompare.report import comparison_html

    assert comparison_renderer("html") is comparison_html.render
    assert get_renderer("comparison.md").__module__ == "xlcompare.report.comparison_markdown"
    assert all(":" in target for target in REPORTS.values())
    with pytest.raises(XlcompareError, match="comparison.pdf"):
        comparison_renderer("pdf")


def test_an_untranslated_comparison_says_so_at_the_top_with_the_way_to_english():
    left = side([("पहला वाक्य यहाँ है।", False)], "hi")
    right = side([("جمله اول اینجاست.", False)], "fa")
    comparison = build_comparison(left, right, [])
    assert comparison.warnings[0].startswith("Neither article is translated")
    page = comparison_renderer("html")(comparison)
    note = page.index("Neither article is translated")
    assert note < page.index('id="summary"') and "--model nllb-600m" in page
    md = comparison_renderer("md")(comparison)
    assert md.index("Neither article is translated") < md.index("## Summary")
    # One translated side: a different, narrower note.
    translated = side([("पहला वाक्य यहाँ है।", False)], "hi", english={0: ("The first sentence is here.", (), 0.9)})
    assert not any(w.startswith("Neither article is translated") for w in build_comparison(translated, right, []).warnings)
