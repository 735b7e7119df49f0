"""Segment embeddings for alignment: source text alone, or source mixed with English.

With English translations, a unit's vector is [source ; english] / sqrt(2). The dot product of
two such vectors is the mean of the source-source cosine and the English-English cosine, so
the top-k and margin code is unchanged and rows stay unit length. Averaging keeps what each view
is good at: the multilingual source view is immune to translation errors, the English view
removes the cross-lingual gap of a small model (E5 is strongest in English). A unit with no
translation uses its source vector in both halves.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from xlcompare.alignment.embedders.base import Embedder
from xlcompare.segments.model import Segment


def embed_texts(texts: Sequence[str], embedder: Embedder) -> np.ndarray:
    """float32 (len(texts), dim) unit rows; each distinct text is embedded once."""
    distinct = list(dict.fromkeys(texts))
    vectors = np.asarray(embedder.embed(distinct), dtype=np.float32)
    if vectors.ndim != 2 or len(vectors) != len(distinct):
        raise ValueError(
            f"embedder {getattr(embedder, 'name', embedder)!r} returned shape {vectors.shape} "
            f"for {len(distinct)} texts"
        )
    if not distinct:
        return vectors.reshape(0, vectors.shape[1] if vectors.ndim == 2 else 0)
    row_of = {text: row for row, text in enumerate(distinct)}
    out = vectors[[row_of[text] for text in texts]]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def embed_units(
    texts: Sequence[str], embedder: Embedder, english: Sequence[str | None] | None = None
) -> np.ndarray:
    """Vectors of texts; with `english` (one entry per text, None = untranslated) the mixed
    [source ; english] / sqrt(2) vectors described in the module docstring."""
    if english is None:
        return embed_texts(texts, embedder)
    if len(english) != len(texts):
        raise ValueError(f"{len(english)} English texts for {len(texts)} texts")
    english_or_source = [en if en else src for src, en in zip(texts, english)]
    both = embed_texts(list(texts) + english_or_source, embedder)
    source, translated = both[: len(texts)], both[len(texts) :]
    return np.concatenate([source, translated], axis=1) / np.float32(np.sqrt(2.0))


def embed_segments(
    segments: Sequence[Segment], embedder: Embedder, english: dict[int, str] | None = None
) -> np.ndarray:
    """Vectors of segments (one row each, in order), mixed with English when `english` is given
    (segment id -> English text; a missing id uses its source text)."""
    texts = [segment.text for segment in segments]
    if english is None:
        return embed_units(texts, embedder)
    return embed_units(texts, embedder, [english.get(segment.id) for segment in segments])
