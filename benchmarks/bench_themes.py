"""Theme grouping at scale: the clustering step, three ways, on 3,000 segments.

Synthetic but shaped like the real thing: two articles of N/2 segments each, vectors drawn
around shared topic centroids (so that clusters form at the default threshold), a share of
the segments aligned 1:1 across the sides (alignments are the clustering's starting units).
The embedder returns those vectors instantly, so the figures are xlcompare's own cost.

Measured in one run, on the same inputs:

* `legacy`: the average-linkage loop themes.py used until scipy (kept below, verbatim): a
  membership matrix product for the cluster sums, then a nearest-neighbour update loop;
* `scipy`: scipy's average linkage on the segment distances, cut at the threshold (what
  themes.py used from issue 13 until its clustering package's import time, 0.4-0.6 s, was
  found to be a quarter of a two-article comparison), timed with the import done beforehand;
* `nn-chain`: `xlcompare.comparison.themes.average_linkage`, the nearest-neighbour chain;
* `group_themes`: the whole theme step as a comparison runs it (centring, similarity,
  clustering, labels).

The clusterings must give identical partitions; the script says whether they do.

    python benchmarks/bench_themes.py                 # 3,000 segments, best of 3
    python benchmarks/bench_themes.py --segments 1000 --repeat 1
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from xlcompare.alignment.model import Alignment  # noqa: E402
from xlcompare.article.model import Article  # noqa: E402
from xlcompare.comparison.themes import (  # noqa: E402
    DEFAULT_THRESHOLD,
    _centred,
    average_linkage,
    group_themes,
)
from xlcompare.segments.model import Segment  # noqa: E402
from xlcompare.translation.model import TranslatedArticle  # noqa: E402


def scipy_average_linkage(
    similarity: np.ndarray, initial: Sequence[Sequence[int]], threshold: float
) -> list[list[int]]:
    """themes.average_linkage as it was with scipy: UPGMA on distances that make the starting
    clusters form first (0 inside one, offset - similarity across), cut at offset - threshold."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    groups = [sorted(int(i) for i in members) for members in initial if len(members)]
    if len(groups) <= 1:
        return groups
    order = np.array([i for group in groups for i in group], dtype=np.int64)
    similarity = np.asarray(similarity, dtype=np.float64)[np.ix_(order, order)]
    offset = float(similarity.max()) + 1.0
    distance = offset - similarity
    start = 0
    for group in groups:
        distance[start : start + len(group), start : start + len(group)] = 0.0
        start += len(group)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, max(offset - threshold, 0.0), criterion="distance")
    clusters: dict[int, list[int]] = {}
    for index, label in zip(order.tolist(), labels.tolist()):
        clusters.setdefault(label, []).append(index)
    return sorted((sorted(c) for c in clusters.values()), key=lambda c: c[0])


def legacy_average_linkage(
    similarity: np.ndarray, initial: Sequence[Sequence[int]], threshold: float
) -> list[list[int]]:
    """The pre-scipy implementation of themes.average_linkage, unchanged."""
    m = len(initial)
    if m == 0:
        return []
    membership = np.zeros((m, similarity.shape[0]), dtype=np.float64)
    for c, members in enumerate(initial):
        membership[c, list(members)] = 1.0
    sums = membership @ similarity.astype(np.float64) @ membership.T
    sizes = membership.sum(axis=1)
    alive = np.ones(m, dtype=bool)
    clusters: list[list[int]] = [sorted(members) for members in initial]

    def means_of(row: int) -> np.ndarray:
        means = sums[row] / (sizes[row] * sizes)
        means[~alive] = -np.inf
        means[row] = -np.inf
        return means

    best = np.empty(m, dtype=np.int64)
    best_value = np.full(m, -np.inf)
    for row in range(m):
        means = means_of(row)
        best[row] = int(np.argmax(means))
        best_value[row] = means[best[row]]

    while True:
        candidates = np.where(alive, best_value, -np.inf)
        a = int(np.argmax(candidates))
        if not np.isfinite(candidates[a]) or candidates[a] < threshold:
            break
        b = int(best[a])
        a, b = min(a, b), max(a, b)
        sums[a] += sums[b]
        sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        alive[b] = False
        clusters[a] = sorted(clusters[a] + clusters[b])
        clusters[b] = []
        best_value[b] = -np.inf
        for row in np.flatnonzero(alive):
            if row == a or best[row] in (a, b):
                means = means_of(int(row))
                best[row] = int(np.argmax(means))
                best_value[row] = means[best[row]]
            else:
                mean_with_a = sums[row, a] / (sizes[row] * sizes[a])
                if mean_with_a > best_value[row]:
                    best[row], best_value[row] = a, mean_with_a
    return sorted((c for c in clusters if c), key=lambda c: c[0])


class VectorEmbedder:
    """Returns the prepared vector of each text ("s<number>"): no model cost."""

    name = "bench-vectors"

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.vectors[[int(t.split()[0][1:]) for t in texts]]

    def signature(self) -> dict[str, str]:
        return {"embedder": self.name}


def make_inputs(n: int, topics: int, aligned_share: float, seed: int):
    rng = np.random.default_rng(seed)
    centroids = rng.normal(size=(topics, 384))
    topic = rng.integers(0, topics, size=n)
    vectors = centroids[topic] + 1.5 * rng.normal(size=(n, 384))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    half = n // 2
    words = [f"w{i}" for i in range(500)]

    def side(offset: int, count: int, language: str) -> TranslatedArticle:
        texts = [f"s{offset + i} " + " ".join(rng.choice(words, 8)) for i in range(count)]
        text, segments = "", []
        for i, t in enumerate(texts):
            segments.append(Segment(i, len(text), len(text) + len(t), t))
            text += t + "\n"
        return TranslatedArticle(Article(text=text, language=language), segments, {})

    left, right = side(0, half, "hi"), side(half, n - half, "fa")
    # 1:1 alignments between same-topic segments of the two sides
    alignments = []
    used: set[int] = set()
    for i in rng.permutation(half)[: int(aligned_share * half)]:
        candidates = [j for j in np.flatnonzero(topic[half:] == topic[i]) if j not in used]
        if candidates:
            used.add(candidates[0])
            alignments.append(Alignment((int(i),), (int(candidates[0]),), 1.5, 0.9))
    return left, right, alignments, VectorEmbedder(vectors.astype(np.float32))


def clustering_inputs(left, right, alignments, embedder):
    """The similarity matrix and units group_themes would cluster (source texts: per-side
    centring), built the same way."""
    per_side = [embedder.embed([s.text for s in side.segments]) for side in (left, right)]
    matrix = np.vstack([_centred(v) for v in per_side]).astype(np.float32)
    similarity = matrix @ matrix.T
    offset = len(left.segments)
    units = [[a.left[0], offset + a.right[0]] for a in alignments]
    aligned = {i for u in units for i in u}
    units += [[i] for i in range(len(similarity)) if i not in aligned]
    return similarity, units


def best_time(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=3000)
    parser.add_argument("--topics", type=int, default=300)
    parser.add_argument("--aligned", type=float, default=0.2, help="share of left segments aligned 1:1")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    left, right, alignments, embedder = make_inputs(args.segments, args.topics, args.aligned, args.seed)
    similarity, units = clustering_inputs(left, right, alignments, embedder)
    print(f"{args.segments} segments ({len(left.segments)} + {len(right.segments)}), "
          f"{len(alignments)} alignments, {len(units)} starting units, threshold {DEFAULT_THRESHOLD}")

    legacy_s, legacy = best_time(lambda: legacy_average_linkage(similarity, units, DEFAULT_THRESHOLD), args.repeat)
    try:
        import_started = time.perf_counter()
        import scipy.cluster.hierarchy  # noqa: F401
        import_s = time.perf_counter() - import_started
        scipy_s, with_scipy = best_time(lambda: scipy_average_linkage(similarity, units, DEFAULT_THRESHOLD), args.repeat)
    except ImportError:
        import_s = scipy_s = float("nan")
        with_scipy = None
    chain_s, new = best_time(lambda: average_linkage(similarity, units, DEFAULT_THRESHOLD), args.repeat)
    whole_s, (themes, _warnings) = best_time(
        lambda: group_themes(left, right, alignments, embedder, max_segments=args.segments), args.repeat)
    sizes = sorted((len(c) for c in new), reverse=True)
    print(f"clusters: {len(new)} (largest {sizes[:5]}), themes: {sum(not t.other for t in themes)}")
    print(f"identical partitions: legacy {legacy == new}, scipy "
          f"{'not installed' if with_scipy is None else with_scipy == new}")
    print(f"| step | best of {args.repeat} (s) |")
    print("|---|---:|")
    print(f"| average linkage, legacy loop | {legacy_s:.2f} |")
    print(f"| average linkage, scipy (import: {import_s:.2f} s once, not included) | {scipy_s:.2f} |")
    print(f"| average linkage, nearest-neighbour chain (themes.py) | {chain_s:.2f} |")
    print(f"| group_themes, whole step | {whole_s:.2f} |")
    print(f"nn-chain against the legacy loop: {legacy_s / chain_s:.1f}x; against scipy: {scipy_s / chain_s:.2f}x")


if __name__ == "__main__":
    main()
