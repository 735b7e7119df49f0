"""Average linkage for theme groups: scipy's UPGMA gives the partitions of the definition.

The reference below is the definition itself, brute force: merge the two clusters with the
highest mean pairwise similarity while that mean is at least the threshold.
"""
from __future__ import annotations

import numpy as np
import pytest

from xlcompare.comparison.themes import average_linkage


def reference(similarity: np.ndarray, initial: list[list[int]], threshold: float) -> list[list[int]]:
    clusters = [sorted(c) for c in initial]
    while len(clusters) > 1:
        best = max(
            (float(similarity[np.ix_(clusters[a], clusters[b])].astype(np.float64).mean()), a, b)
            for a in range(len(clusters))
            for b in range(a + 1, len(clusters))
        )
        mean, a, b = best
        if mean < threshold:
            break
        clusters[a] = sorted(clusters[a] + clusters[b])
        del clusters[b]
    return sorted(clusters, key=lambda c: c[0])


def random_case(seed: int) -> tuple[np.ndarray, list[list[int]]]:
    """Centred cosine similarities of vectors around a few topics (float32, as themes.py
    computes them), and starting units that pair some indices, as alignments do."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 40))
    centroids = rng.normal(size=(int(rng.integers(1, 6)), 16))
    vectors = centroids[rng.integers(0, len(centroids), n)] + rng.normal(size=(n, 16))
    vectors -= vectors.mean(axis=0)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors.astype(np.float32)
    similarity = vectors @ vectors.T
    order = rng.permutation(n).tolist()
    units: list[list[int]] = []
    while order:
        size = 2 if len(order) >= 2 and rng.random() < 0.25 else 1
        units.append(order[:size])
        order = order[size:]
    return similarity, units


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("threshold", [-0.2, 0.0, 0.2, 0.45])
def test_same_partitions_as_the_definition(seed: int, threshold: float) -> None:
    similarity, units = random_case(seed)
    assert average_linkage(similarity, units, threshold) == reference(similarity, units, threshold)


def test_merges_by_threshold() -> None:
    sim = np.array(
        [[1.0, 0.9, 0.1, 0.0], [0.9, 1.0, 0.0, 0.1], [0.1, 0.0, 1.0, 0.8], [0.0, 0.1, 0.8, 1.0]],
        dtype=np.float32,
    )
    units = [[0], [1], [2], [3]]
    assert average_linkage(sim, units, 0.5) == [[0, 1], [2, 3]]
    assert average_linkage(sim, units, 0.95) == units
    assert average_linkage(sim, units, -1.0) == [[0, 1, 2, 3]]
    # a starting unit is never split, even when its members disagree
    assert average_linkage(sim, [[0, 2], [1], [3]], 0.95) == [[0, 2], [1], [3]]
    assert average_linkage(sim, [[0, 2], [1], [3]], 5.0) == [[0, 2], [1], [3]]


@pytest.mark.parametrize(("units", "expected"), [([], []), ([[1, 0]], [[0, 1]]), ([[2]], [[2]])])
def test_trivial_inputs(units, expected) -> None:
    assert average_linkage(np.eye(3, dtype=np.float32), units, 0.2) == expected
