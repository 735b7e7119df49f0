"""Segmentation: an article's sentences (or pre-split lines) as exact character spans."""
from xlcompare.segments.article import DEFAULT_SPLIT, SPLITTERS, segment_article, splitter_id
from xlcompare.segments.lines import segment_lines
from xlcompare.segments.model import Segment
from xlcompare.segments.sentences import segment_sentences

__all__ = [
    "DEFAULT_SPLIT",
    "SPLITTERS",
    "Segment",
    "segment_article",
    "segment_lines",
    "segment_sentences",
    "splitter_id",
]
