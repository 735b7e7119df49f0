"""One segment record for every output: translation JSON, comparison JSON and DataFrames."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

import xlcompare
from xlcompare.comparison import build_comparison
from xlcompare.translation.model import SEGMENT_FIELDS, TranslatedArticle, Translation

PAGE = (
    "<html><head><title>Talks</title></head><body><h1>Talks &amp; trade</h1>"
    "<p>Tajikistan and China met in <b>Dushanbe</b>. Trade grew by 5%.</p>"
    "<ul class='related'><li>Other news</li></ul></body></html>"
)


@pytest.fixture(scope="module")
def html_side(tmp_path_factory) -> TranslatedArticle:
    path = tmp_path_factory.mktemp("html") / "talks.html"
    path.write_text(PAGE, encoding="utf-8")
    side = xlcompare.untranslated(xlcompare.load_article(path, language="en"))
    first = next(s for s in side.segments if not s.boilerplate)
    side.translations[first.id] = Translation(first.id, "English", ("split",), pieces=2, confidence=0.9)
    return side


def _clean(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def test_translation_json_comparison_json_and_dataframe_share_one_record(html_side) -> None:
    other = xlcompare.untranslated(xlcompare.load_article(
        Path(__file__).resolve().parents[1] / "seeds" / "fa_tajikistan_denies_chinese_base.txt"))
    comparison = build_comparison(html_side, other, [])
    translation_json = html_side.to_dict()["segments"]
    comparison_json = comparison.to_dict()["left"]["segments"]
    frame = html_side.to_dataframe()
    from_frame = [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]
    assert translation_json == comparison_json == from_frame
    assert list(translation_json[0]) == [
        "id", "start", "end", "source_start", "source_end", *SEGMENT_FIELDS[3:]
    ]


def test_html_records_locate_the_segment_in_the_html_file(html_side) -> None:
    source = html_side.article.source_text
    for record in html_side.segment_records():
        html_span = source[record["source_start"]:record["source_end"]]
        # the HTML span holds the segment's words, with any tags and entities between them
        assert record["text"].split()[0].rstrip("&.") in html_span
        assert record["text"] == html_side.article.text[record["start"]:record["end"]]
    dushanbe = next(r for r in html_side.segment_records() if "Dushanbe" in r["text"])
    assert "<b>Dushanbe</b>" in source[dushanbe["source_start"]:dushanbe["source_end"]]


def test_text_input_has_no_source_offsets() -> None:
    side = xlcompare.untranslated(xlcompare.load_article(
        Path(__file__).resolve().parents[1] / "seeds" / "hi_tajikistan_china_counterterrorism.txt"))
    records = side.segment_records()
    assert all(list(r) == list(SEGMENT_FIELDS) for r in records)
    assert all(r["translation"] is None and r["pieces"] == 0 for r in records)
