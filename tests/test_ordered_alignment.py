"""The ordered pass's parts without a model: anchor chains, the bead DP, the bead metric."""
from __future__ import annotations

import itertools
import random

import pytest

from xlcompare.alignment.beads import BEAD_SHAPES, Band, band_from_boxes, best_beads
from xlcompare.alignment.chains import Anchor, chain_anchors
from xlcompare.evaluation.beads import BeadCounts, bead_counts, beads_of_links


def pairs(chain: list[Anchor]) -> list[tuple[int, int]]:
    return [(a.left, a.right) for a in chain]


@pytest.mark.parametrize(
    ("anchors", "expected"),
    [
        # A parallel text: one chain, gaps included.
        ([(0, 0), (1, 1), (3, 2), (4, 4), (6, 5)], [[(0, 0), (1, 1), (3, 2), (4, 4), (6, 5)]]),
        # Two reordered paragraphs: two chains.
        ([(0, 5), (1, 6), (2, 7), (3, 0), (4, 1)], [[(0, 5), (1, 6), (2, 7)], [(3, 0), (4, 1)]]),
        # A gap wider than max_gap (4) breaks the chain.
        ([(0, 0), (1, 1), (7, 7), (8, 8)], [[(0, 0), (1, 1)], [(7, 7), (8, 8)]]),
        # Gaps that differ by more than max_skew (2) do not chain.
        ([(0, 0), (1, 5)], [[(0, 0)], [(1, 5)]]),
        # A crossing pair cannot be in one chain.
        ([(0, 1), (1, 0)], [[(0, 1)], [(1, 0)]]),
        ([], []),
    ],
)
def test_chain_anchors(anchors, expected):
    chains = chain_anchors([Anchor(a, b, 1.0) for a, b in anchors], max_gap=4, max_skew=2)
    assert [pairs(c) for c in chains] == expected


def test_chain_takes_the_closest_predecessor():
    # (2, 2) could follow (0, 0) or (1, 1); it takes (1, 1), and (0, 0) -> (1, 1) holds.
    anchors = [Anchor(0, 0, 1.0), Anchor(1, 1, 1.0), Anchor(2, 2, 1.0), Anchor(1, 4, 5.0)]
    chains = chain_anchors(anchors, max_gap=4, max_skew=3)
    assert pairs(chains[0]) == [(0, 0), (1, 1), (2, 2)]


def test_band_from_boxes_is_monotone_and_covers_the_boxes():
    band = band_from_boxes([(0, 2, 0, 3), (2, 5, 2, 6), (5, 6, 5, 8)])
    assert band.first_row == 0 and band.last_row == 6
    for r0, r1, c0, c1 in [(0, 2, 0, 3), (2, 5, 2, 6), (5, 6, 5, 8)]:
        assert all(band.contains(i, j) for i in range(r0, r1 + 1) for j in range(c0, c1 + 1))
    assert list(band.low) == sorted(band.low) and list(band.high) == sorted(band.high)


def all_paths(band: Band, shapes):
    """Every bead sequence from the band's start to its end (brute force, small bands)."""
    end = (band.last_row, band.high[-1])

    def walk(i, j):
        if (i, j) == end:
            yield []
            return
        for p, q in shapes:
            if band.contains(i + p, j + q):
                for rest in walk(i + p, j + q):
                    yield [(i, p, j, q), *rest]

    yield from walk(band.first_row, band.low[0])


@pytest.mark.parametrize("seed", range(6))
def test_best_beads_finds_the_best_path(seed):
    rng = random.Random(seed)
    band = band_from_boxes([(0, 3, 0, 3), (2, 5, 2, 5)])
    table = {}

    def gain(i, p, j, q):
        key = (i, p, j, q)
        if key not in table:
            table[key] = None if rng.random() < 0.1 else rng.uniform(-1, 1) if p and q else 0.0
        return table[key]

    beads = best_beads(band, gain)
    total = sum(gain(*b) for b in beads)
    best = max(
        sum(gain(*b) for b in path)
        for path in all_paths(band, BEAD_SHAPES)
        if all(gain(*b) is not None for b in path)
    )
    assert total == pytest.approx(best)
    # The beads tile the band's rows and columns.
    assert beads[0][0] == 0 and beads[0][2] == 0
    for (i, p, j, q), (i2, _, j2, _) in itertools.pairwise(beads):
        assert (i + p, j + q) == (i2, j2)


def test_best_beads_prefers_the_merge_when_it_gains_more():
    band = band_from_boxes([(0, 2, 0, 1)])  # two left segments, one right

    def gain(i, p, j, q):
        if not (p and q):
            return 0.0
        return {(0, 2, 0, 1): 2.0, (0, 1, 0, 1): 1.5, (1, 1, 0, 1): 1.0}.get((i, p, j, q))

    assert best_beads(band, gain) == [(0, 2, 0, 1)]


# -- the bead metric ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold", "predicted", "strict", "lax"),
    [
        # Identical.
        ([((0,), (0,)), ((1, 2), (1,)), ((3,), ())], [((0,), (0,)), ((1, 2), (1,)), ((3,), ())],
         (1.0, 1.0), (1.0, 1.0)),
        # A 2-1 predicted as 1-1 + 1-0: the 1-1 is a lax match only, the 1-0 nothing.
        ([((0,), (0,)), ((1, 2), (1,))], [((0,), (0,)), ((1,), (1,)), ((2,), ())],
         (1 / 3, 1 / 2), (2 / 3, 1.0)),
        # A predicted deletion of a gold 1-1: precision counts it, recall ignores it.
        ([((0,), (0,)), ((1,), (1,))], [((0,), (0,)), ((1,), ()), ((), (1,))],
         (1 / 3, 1 / 2), (1 / 3, 1 / 2)),
    ],
)
def test_bead_precision_and_recall(gold, predicted, strict, lax):
    counts = bead_counts(gold, predicted)
    assert (counts.strict_precision, counts.strict_recall) == pytest.approx(strict)
    assert (counts.lax_precision, counts.lax_recall) == pytest.approx(lax)


def test_bead_counts_sum_over_documents():
    total = BeadCounts()
    total.add(bead_counts([((0,), (0,))], [((0,), (0,))]))
    total.add(bead_counts([((0,), (0,))], [((0,), (1,))]))
    assert total.strict_precision == 0.5 and total.strict_f1 == 0.5


def test_beads_of_links_add_the_unlinked_as_deletions():
    beads = beads_of_links([((0, 1), (0,))], [0, 1, 2], [0, 1])
    assert sorted(beads) == [((), (1,)), ((0, 1), (0,)), ((2,), ())]
