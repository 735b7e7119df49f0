"""What the two alignment passes share: candidate pairs, the links made so far, and the
`Aligner` holding both sides, their scores and the floors (see align.py for the method)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from xlcompare.alignment.embedders.base import Embedder
from xlcompare.alignment.knn import cosine_moments
from xlcompare.alignment.margin import ratio_margin
from xlcompare.alignment.side import AlignmentSide, Unit, contrast, embed_windows_together


@dataclass(frozen=True)
class Candidates:
    """Candidate 1:1 pairs as parallel arrays: left position, right position, scores."""

    a: np.ndarray
    b: np.ndarray
    cos: np.ndarray
    margin: np.ndarray


@dataclass
class Link:
    left: Unit  # (first position, size) on the left
    right: Unit
    margin: float
    cosine: float
    note: str = ""  # which pass and step made it (for debugging)

    @property
    def ordered(self) -> bool:
        return self.note.startswith("ordered")


class Aligner:
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
        self.links: list[Link] = []
        self.stats: dict[str, float] = {"anchors": 0, "chains": 0, "band_cells": 0,
                                        "parallel_share": 0.0}

    # -- candidates and scores ----------------------------------------------------------
    def single_candidates(self) -> Candidates:
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
        return Candidates(a, b, cos, margin)

    @staticmethod
    def mutual_best(cand: Candidates) -> list[int]:
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

    def embed_windows_of_both(self, left: set[Unit], right: set[Unit]) -> None:
        """Windows of both sides, in one embedder call (see `side.embed_together`)."""
        embed_windows_together(
            [(self.left, left, self.right), (self.right, right, self.left)],
            self.embedder, self.k, self.block_size,
        )

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
            # np.median's own arithmetic, without the 16 ms import of numpy.ma it triggers.
            ordered, middle = sorted(ratios), len(ratios) // 2
            self.length_ratio = float(ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2)
        else:
            total = self.right.lengths.sum() / max(self.left.lengths.sum(), 1.0)
            self.length_ratio = float(total) if total > 0 else 1.0

    # -- links --------------------------------------------------------------------------
    def free(self, side: AlignmentSide, unit: Unit) -> bool:
        used = self.used_left if side is self.left else self.used_right
        return not any(used[unit[0] : unit[0] + unit[1]])

    def accept(self, left: Unit, right: Unit, margin: float, cosine: float, note: str) -> None:
        self.links.append(Link(left, right, margin, cosine, note))
        self.used_left[left[0] : left[0] + left[1]] = b"\x01" * left[1]
        self.used_right[right[0] : right[0] + right[1]] = b"\x01" * right[1]

    def grow(self, link: Link, name: str, unit: Unit, margin: float, cosine: float) -> None:
        used = self.used_left if name == "left" else self.used_right
        used[unit[0] : unit[0] + unit[1]] = b"\x01" * unit[1]
        if name == "left":
            link.left = unit
        else:
            link.right = unit
        link.margin, link.cosine = margin, cosine
