"""The comparison of one matched pair, built from stage records, rendered as `compare` does.

A worker gets both articles' records (read, translations, vectors), rebuilds the two
`TranslatedArticle`s and compares them as `api.compare` does (`compare_articles`: the same
aligner, comparison and report renderers as `xlcompare compare`), so a pair's report is what
that command would write for the two files. The vectors of the embed stage are handed to the
aligner (`KnownVectors`), so the sentences matching already embedded are not embedded again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xlcompare.corpus.stages import (
    KnownVectors,
    content_segments,
    load_read_record,
    load_translations,
)
from xlcompare.signature import make_signature


@dataclass
class PairSide:
    name: str  # the article's path as reports show it
    read: dict[str, Any]
    translate: dict[str, Any] | None
    arrays: dict[str, np.ndarray]


@dataclass
class PairJob:
    left: PairSide
    right: PairSide


def translated_article(side: PairSide, embedder: KnownVectors) -> Any:
    """The side as `api.translate` would give it (confidence included), or as
    `api.untranslated` when it was not translated."""
    from xlcompare.evaluation.confidence import attach_confidence
    from xlcompare.translation.model import TranslatedArticle

    article, segments = load_read_record(side.read, side.name)
    translations = load_translations(side.translate, segments)
    if not translations:
        return TranslatedArticle(article, segments, {}, signature=make_signature({}))
    fields = dict(side.translate["signature"])
    translations = attach_confidence(translations, segments, embedder)
    fields["confidence"] = embedder.signature()
    return TranslatedArticle(article, segments, translations, signature=make_signature(fields))


def known_vectors(side: PairSide) -> dict[str, np.ndarray]:
    """Text -> vector for every content segment of the side (and its English)."""
    article, segments = load_read_record(side.read, side.name)
    texts = [s.text for s in content_segments(segments)]
    known = dict(zip(texts, side.arrays["source"]))
    if "english" in side.arrays and side.translate:
        english = [t["text"] or src for t, src in zip(side.translate["segments"], texts)]
        known.update(zip(english, side.arrays["english"]))
    return known


def compare_pair(job: PairJob, embedder: Any) -> Any:
    """The `Comparison` of the pair (what `api.compare` gives for the two articles)."""
    from xlcompare.comparison import compare_articles

    known: dict[str, np.ndarray] = {}
    for side in (job.left, job.right):
        known.update(known_vectors(side))
    vectors = KnownVectors(embedder, known)
    left = translated_article(job.left, vectors)
    right = translated_article(job.right, vectors)
    return compare_articles(left, right, embedder=vectors)


def render_pair(job: PairJob, embedder: Any) -> tuple[str, str]:
    """The pair's HTML and JSON reports, exactly as `xlcompare compare` renders them."""
    from xlcompare.report import comparison_renderer

    comparison = compare_pair(job, embedder)
    return comparison_renderer("html")(comparison), comparison_renderer("json")(comparison)
