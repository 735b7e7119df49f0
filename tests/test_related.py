"""Clause-level related passages between sentences that are unique as a whole."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import xlcompare
from xlcompare.alignment.related import find_related, split_clauses
from xlcompare.segments.model import Segment

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one two three, four five six", ["one two three", "four five six"]),
        ("short, one two three four", ["one two three four"]),
        ("no clause here", ["no clause here"]),
        ("a, b", ["a, b"]),  # no clause of three words: the whole segment
        ("همکاری با پکن را، جنایات سازمان یافته فرامرزی؛ قاچاق مواد مخدر و جرایم",
         ["همکاری با پکن را", "جنایات سازمان یافته فرامرزی", "قاچاق مواد مخدر و جرایم"]),
        ("आतंकवाद, उग्रवाद, अलगाववाद, अंतरराष्ट्रीय संगठित अपराध और तस्करी",
         ["अंतरराष्ट्रीय संगठित अपराध और तस्करी"]),
    ],
)
def test_split_clauses_spans_index_the_article(text, expected):
    prefix = "xx "
    article = prefix + text
    seg = Segment(0, len(prefix), len(article), text)
    spans = split_clauses(seg)
    assert [article[s:e] for s, e in spans] == expected
    assert all(seg.start <= s < e <= seg.end for s, e in spans)


@pytest.fixture(scope="module")
def seeds():
    hi = xlcompare.load_article(ROOT / "seeds" / "hi_tajikistan_china_counterterrorism.txt")
    fa = xlcompare.load_article(ROOT / "seeds" / "fa_tajikistan_denies_chinese_base.txt")
    return hi, fa


def test_seeds_organised_crime_and_drug_trafficking_passages_meet(seeds, seeds_comparison):
    hi, fa = seeds
    comparison = seeds_comparison
    pairs = {(r.left, r.right) for r in comparison.related}
    left = {s.id: s for s in comparison.left.segments}
    right = {s.id: s for s in comparison.right.segments}
    # The Hindi sentence listing "international organised crime and drug trafficking" and the
    # Persian one on "transnational organised crime including drug trafficking".
    target = next(r for r in comparison.related if "संगठित अपराध" in left[r.left].text)
    assert "قاچاق مواد مخدر" in right[target.right].text
    assert "मादक पदार्थों की तस्करी" in hi.text[target.left_span[0]:target.left_span[1]]
    assert "سازمان یافته" in fa.text[target.right_span[0]:target.right_span[1]]
    # Furniture never takes part; related segments are not already aligned.
    aligned_left = {i for a in comparison.alignments for i in a.left}
    for lid, rid in pairs:
        assert not left[lid].boilerplate and not right[rid].boilerplate
        assert lid not in aligned_left
    doc = comparison.to_dict()
    assert doc["related"] and set(doc["related"][0]) >= {"left", "right", "left_span", "right_span", "score"}


def test_unrelated_articles_have_no_related_passages(seeds, embedder):
    hi, _ = seeds
    en_text = ("The recipe needs three cups of flour, two eggs and a pinch of salt. "
               "Bake the bread for forty minutes, then let it cool on a rack.")
    en = [Segment(0, 0, 67, en_text[:67]), Segment(1, 68, len(en_text), en_text[68:])]
    related = find_related(
        xlcompare.segment(hi), en, embedder, left_text=hi.text, right_text=en_text
    )
    assert related == []


# --- in the reports: one row, marked related, shared clauses highlighted, counted ---------------


def test_a_related_pair_sits_in_one_row_not_among_the_uniques(seeds_comparison):
    comparison = seeds_comparison
    assert comparison.related
    rows = comparison.rows()
    related_rows = [row for row in rows if row.kind == "related"]
    assert related_rows
    for passage in comparison.related:
        (row,) = [r for r in related_rows if passage in r.related]
        assert passage.left in row.left_ids and passage.right in row.right_ids
        assert (passage.left,) not in [r.left_ids for r in rows if r.kind == "unique-left"]
        assert (passage.right,) not in [r.right_ids for r in rows if r.kind == "unique-right"]
    # Every content segment is in exactly one row.
    for name, ids in (("left", "left_ids"), ("right", "right_ids")):
        placed = sorted(i for row in rows for i in getattr(row, ids))
        content = sorted(s.id for s in comparison.side(name).segments if not s.boilerplate)
        assert placed == content


def test_the_summary_counts_related_apart_from_said_by_one_side_only(seeds_comparison):
    comparison = seeds_comparison
    summary = comparison.summary()
    assert summary["related_passages"] == len(comparison.related)
    for name, unique in (("left", comparison.unique_left), ("right", comparison.unique_right)):
        related = {getattr(r, name) for r in comparison.related}
        assert summary[name]["related"] == len(related) >= 1
        assert summary[name]["only"] == len(unique) - len(related)
        assert summary[name]["matched"] + summary[name]["related"] + summary[name]["only"] == summary[name]["content"]
    assert comparison.to_dict()["summary"] == summary


def test_html_and_markdown_show_the_related_row_with_its_shared_clauses(seeds_comparison):
    from xlcompare.report import comparison_renderer
    from xlcompare.report.html_common import esc

    comparison = seeds_comparison
    passage = max(comparison.related, key=lambda r: r.score)
    left_clause = comparison.left.article.text[passage.left_span[0]:passage.left_span[1]]
    right_clause = comparison.right.article.text[passage.right_span[0]:passage.right_span[1]]
    summary = comparison.summary()

    page = comparison_renderer("html")(comparison)
    rows = re.findall(r'<tr class="row related".*?</tr>', page, re.S)
    assert rows
    row = next(r for r in rows if f">L{passage.left}<" in r)
    assert f">R{passage.right}<" in row and "related" in row
    assert f"<mark>{esc(left_clause)}</mark>" in row and f"<mark>{esc(right_clause)}</mark>" in row
    assert re.search(rf'<b>{summary["related_passages"]}</b><span>related passages', page)
    assert re.search(rf'<b>{summary["left"]["only"]}</b><span>said by the left only', page)

    md = comparison_renderer("md")(comparison)
    from xlcompare.report.comparison_markdown import md_text

    table = md.split("## Matched passages", 1)[1].split("\n## ", 1)[0]
    related_line = next(line for line in table.splitlines() if f"**L{passage.left}**" in line)
    assert "related" in related_line and f"**R{passage.right}**" in related_line
    assert f"**{md_text(left_clause)}**" in related_line and f"**{md_text(right_clause)}**" in related_line
    only_left = md.split("article only", 1)[1].split("\n## ", 1)[0]
    assert f"**L{passage.left}**" not in only_left
    assert f"**{summary['related_passages']}** related passages" in md
