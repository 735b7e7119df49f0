"""HTML ingestion: visible text only, furniture marked, every character traced to the source."""
from __future__ import annotations

import html as html_lib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlcompare.article import load_article
from xlcompare.article.html_text import extract_html_text
from xlcompare.segments import segment_article

PAGE = """<!DOCTYPE html>
<html lang="fa">
<head>
  <title>تاجیکستان پایگاه چین را رد کرد | خاور</title>
  <meta property="article:published_time" content="2024-07-12T19:00:00+05:00">
  <style>p { color: red; }</style>
  <script>var secret = "not visible";</script>
</head>
<body>
<nav><ul><li><a href="/">خانه</a></li><li>اخبار سیاسی</li></ul></nav>
<article>
  <header><h1>تاجیکستان پایگاه نظامی چین را رد کرد</h1>
  <time datetime="2024-07-12">جولای 12, 2024</time></header>
  <p>وزارت امور خارجه   تاجیکستان گزارش&nbsp;ها را بی پایه خواند.
  همکاری &laquo;سه شر&raquo; ادامه دارد.</p>
  <p>متن &lt;script&gt;alert(1)&lt;/script&gt; نمایش داده می&zwnj;شود &amp; حفظ می&#8204;شود.</p>
  <noscript>JavaScript required</noscript>
  <div hidden>پنهان</div>
</article>
<aside class="sidebar"><h3>اخبار پربازدید</h3><p>خبر دیگری از منطقه</p></aside>
<div class="related-posts"><p>خبر مرتبط اول</p><p>خبر مرتبط دوم</p>
<time datetime="2025-11-11">11.11.2025</time></div>
<footer>© 2024 Khovar</footer>
</body>
</html>
"""


@pytest.fixture()
def page_article(tmp_path: Path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    return load_article(path)


def test_visible_text_only() -> None:
    extracted = extract_html_text(PAGE)
    text = extracted.text
    assert "secret" not in text and "color" not in text
    assert "JavaScript required" not in text and "پنهان" not in text
    assert "| خاور" not in text  # <title> is metadata, not body text
    # Entities decoded, whitespace collapsed, ZWNJ from &zwnj; and &#8204; kept.
    assert "وزارت امور خارجه تاجیکستان گزارش ها" in text
    assert "خواند. همکاری" in text  # a newline in the source is only a space
    assert "«سه شر»" in text
    assert "<script>alert(1)</script>" in text
    assert "می\u200cشود & حفظ می\u200cشود." in text
    # Block elements are line breaks; no blank runs or trailing spaces.
    assert "\n\n" not in text and " \n" not in text and "\n " not in text
    assert extracted.title == "تاجیکستان پایگاه چین را رد کرد | خاور"
    assert extracted.h1 == "تاجیکستان پایگاه نظامی چین را رد کرد"
    assert extracted.lang == "fa"


def test_every_character_maps_back_to_the_source() -> None:
    extracted = extract_html_text(PAGE)
    assert len(extracted.source_starts) == len(extracted.source_ends) == len(extracted.text)
    characters = zip(extracted.text, extracted.source_starts, extracted.source_ends, strict=True)
    for ch, start, end in characters:
        raw = PAGE[start:end]
        if ch == "\n" and start == end:
            continue  # a line break made by a block element
        if ch == " ":
            assert raw.isspace() or html_lib.unescape(raw) == "\xa0"
        else:
            assert html_lib.unescape(raw) == ch, (ch, raw)


def test_furniture_is_marked_not_dropped(page_article) -> None:
    text = page_article.text
    by_line = {text[b.start:b.end]: b for b in page_article.blocks}
    for furniture in ("خانه", "اخبار سیاسی", "اخبار پربازدید", "خبر دیگری از منطقه",
                      "خبر مرتبط اول", "خبر مرتبط دوم", "© 2024 Khovar"):
        assert by_line[furniture].boilerplate, furniture
        assert by_line[furniture].reason
    assert not by_line["تاجیکستان پایگاه نظامی چین را رد کرد"].boilerplate
    story = [b for b in page_article.blocks if not b.boilerplate]
    assert any("بی پایه خواند" in text[b.start:b.end] for b in story)


def test_html_metadata(page_article) -> None:
    assert page_article.source_format == "html"
    assert page_article.language == "fa"
    assert page_article.title == "تاجیکستان پایگاه نظامی چین را رد کرد"
    assert page_article.date == "2024-07-12"


def test_date_from_time_element_outside_furniture() -> None:
    source = PAGE.replace('<meta property="article:published_time" '
                          'content="2024-07-12T19:00:00+05:00">', "")
    source = source.replace('<time datetime="2024-07-12">', '<time datetime="2024-07-13">')
    extracted = extract_html_text(source)
    assert extracted.times == [("2024-07-13", False), ("2025-11-11", True)]


def test_segments_trace_to_html_source(page_article) -> None:
    segments = segment_article(page_article)
    source = page_article.source_text
    assert source == PAGE
    for segment in segments:
        start, end = page_article.source_span(segment.start, segment.end)
        raw = source[start:end]
        # The source span holds the segment's words (entities and tags aside).
        first_word = segment.text.split()[0]
        last_word = segment.text.split()[-1]
        assert html_lib.unescape(raw).startswith(first_word[:1])
        assert html_lib.unescape(raw).endswith(last_word[-1:])
    sentence = next(s for s in segments if s.text.startswith("متن"))
    start, end = page_article.source_span(sentence.start, sentence.end)
    assert source[start:end].startswith("متن &lt;script&gt;")
    assert source[start:end].endswith("می&#8204;شود.")


def test_crlf_and_unclosed_elements() -> None:
    source = ("<html>\r\n<head><title>T</title>\r\n<body>\r\n<p>One.\r\n"
              "<p>Two &amp; three.\r\n<ul><li>a<li>b</ul>")
    extracted = extract_html_text(source)
    assert extracted.text == "One.\nTwo & three.\na\nb"
    for ch, start in zip(extracted.text, extracted.source_starts, strict=True):
        if ch not in "\n&":
            assert source[start] == ch


def test_text_without_markup_round_trips() -> None:
    extracted = extract_html_text("plain &copy; text")
    assert extracted.text == "plain © text"
    assert extracted.furniture == []


def test_no_date_taken_from_furniture(tmp_path: Path) -> None:
    source = PAGE.replace('<meta property="article:published_time" '
                          'content="2024-07-12T19:00:00+05:00">', "")
    source = source.replace('<time datetime="2024-07-12">جولای 12, 2024</time>', "")
    path = tmp_path / "nodate.htm"
    path.write_text(source, encoding="utf-8")
    article = load_article(path)
    assert "11.11.2025" in article.text  # kept as text ...
    assert article.date is None  # ... but it is another article's date


@pytest.mark.parametrize(
    ("attributes", "furniture"),
    [
        ('class="related-posts"', True),
        ('class="widget sidebar-left"', True),
        ('id="comments"', True),
        ('class="social-share"', True),
        ('role="navigation"', True),
        ('class="entry-content has-share-buttons"', False),
        ('class="post-body"', False),
        ('class="story"', False),
    ],
)
def test_furniture_by_class_and_role(attributes: str, furniture: bool) -> None:
    extracted = extract_html_text(f"<div {attributes}><p>Some words here.</p></div><p>Story.</p>")
    marked = [extracted.text[s:e] for s, e, _ in extracted.furniture]
    assert (marked == ["Some words here."]) is furniture
    assert "Story." not in " ".join(marked)


HTML_PIECES = st.sampled_from([
    "<p>", "</p>", "<div class='related'>", "</div>", "<br>", "<br/>", "&amp;", "&nbsp;",
    "&#1740;", "&#x6cc;", "&unknown;", " ", "\n", "\r\n", "\t", "word", "کلمه", "शब्द",
    "<script>x()</script>", "<b>", "</b>", "<pre>", "</pre>", "<", ">", "&", "<!-- c -->",
    "<nav>", "</nav>", "<li>", "</ul>",
])


@settings(max_examples=200, deadline=None)
@given(source=st.lists(HTML_PIECES, max_size=30).map("".join))
def test_source_map_holds_for_any_markup(source: str) -> None:
    extracted = extract_html_text(source)
    text = extracted.text
    assert text == text.strip() and "\n\n" not in text and "  " not in text
    previous = 0
    for ch, start, end in zip(text, extracted.source_starts, extracted.source_ends, strict=True):
        assert previous <= start <= end <= len(source)
        previous = start
        raw = source[start:end]
        if ch == "\n":
            continue
        if ch == " ":
            assert html_lib.unescape(raw).isspace()
        else:
            assert ch in html_lib.unescape(raw)
    for start, end, reason in extracted.furniture:
        assert 0 <= start < end <= len(text) and reason
