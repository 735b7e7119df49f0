"""Monotonic chains of anchors: where two articles run in parallel.

An anchor is a pair of segments that are each other's best match. Where the two texts run in
parallel (a translation, an agency release in two languages, the shared paragraphs of two
reports), successive anchors advance together on both sides; where they do not, anchors are
scattered. `chain_anchors` links each anchor to the closest earlier anchor that precedes it on
both sides within `max_gap` segments (and whose two gaps differ by at most `max_skew`), so a
chain is a run of anchors in the same order on both sides. Order is the strongest signal there
is where it exists (Gale & Church, Vecalign, Bertalign all rely on it); chains find where it
exists without assuming that it does everywhere.

Linear in the number of anchors: each anchor looks back at most `max_gap + 1` positions.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Anchor:
    """Left and right positions of a 1-1 pair, its strength, and whether it would be a link
    on its own (without support from order)."""

    left: int
    right: int
    score: float
    strong: bool = False
    cosine: float = 0.0


def chain_anchors(
    anchors: Sequence[Anchor], *, max_gap: int, max_skew: int
) -> list[list[Anchor]]:
    """Partition anchors into chains, each increasing on both sides, in left order.

    Anchor q follows anchor p in a chain when p.left < q.left, p.right < q.right, at most
    `max_gap` segments lie between them on each side, and the two gaps differ by at most
    `max_skew`. Each anchor has at most one predecessor and one successor; it takes the closest
    free predecessor (the smallest sum of gaps; the stronger on a tie). Chains come out
    longest first (then strongest, then leftmost).
    """
    ordered = sorted(anchors, key=lambda x: (x.left, x.right))
    by_left: dict[int, list[int]] = {}
    for index, anchor in enumerate(ordered):
        by_left.setdefault(anchor.left, []).append(index)
    successor: dict[int, int] = {}
    predecessor: dict[int, int] = {}
    for index, anchor in enumerate(ordered):
        best: tuple[int, float, int] | None = None
        for left in range(anchor.left - 1, anchor.left - max_gap - 2, -1):
            for prior in by_left.get(left, ()):
                other = ordered[prior]
                if prior in successor or not other.right < anchor.right:
                    continue
                gap_left = anchor.left - other.left - 1
                gap_right = anchor.right - other.right - 1
                if gap_right > max_gap or abs(gap_left - gap_right) > max_skew:
                    continue
                key = (gap_left + gap_right, -other.score, prior)
                if best is None or key < best:
                    best = key
        if best is not None:
            successor[best[2]] = index
            predecessor[index] = best[2]
    chains = []
    for index in range(len(ordered)):
        if index in predecessor:
            continue
        chain = [ordered[index]]
        while index in successor:
            index = successor[index]
            chain.append(ordered[index])
        chains.append(chain)
    chains.sort(key=lambda c: (-len(c), -sum(a.score for a in c), c[0].left))
    return chains
