"""Segmentation: an article's sentences as exact character spans of its text."""
from __future__ import annotations

from xlcompare.segments.model import Segment
from xlcompare.segments.sentences import segment_article, segment_sentences

__all__ = ["Segment", "segment_article", "segment_sentences"]
