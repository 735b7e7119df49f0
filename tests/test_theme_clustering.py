"""Average linkage for theme groups: the nearest-neighbour chain gives the partitions of the
definition, and of scipy's UPGMA.

The reference below is the definition itself, brute force: merge the two clusters with the
highest mean pairwise similarity while that mean is at least the threshold. It is too slow for
more than a few dozen segments; scipy's average linkage, an independent implementation, checks
the larger cases.
"""
from __future__ import annotations

import json

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


def scipy_partitions(similarity: np.ndarray, initial: list[list[int]], threshold: float) -> list[list[int]]:
    """UPGMA by scipy, as themes.py used it until its import time was found out (the
    benchmark keeps that version to time it against)."""
    pytest.importorskip("scipy.cluster.hierarchy")
    from benchmarks.bench_themes import scipy_average_linkage

    return scipy_average_linkage(similarity, initial, threshold)


@pytest.mark.parametrize("seed", range(6))
def test_same_partitions_as_scipy_on_hundreds_of_segments(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(200, 600))
    centroids = rng.normal(size=(int(rng.integers(5, 60)), 32))
    vectors = centroids[rng.integers(0, len(centroids), n)] + 1.2 * rng.normal(size=(n, 32))
    vectors -= vectors.mean(axis=0)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = (vectors @ vectors.T).astype(np.float32)
    order = rng.permutation(n).tolist()
    units = [order[i : i + 2] for i in range(0, n // 5, 2)] + [[i] for i in order[n // 5 :]]
    for threshold in (0.05, 0.2, 0.4):
        expected = scipy_partitions(similarity, units, threshold)
        assert len(expected) not in (1, n)  # the cut falls inside the tree
        assert average_linkage(similarity, units, threshold) == expected


def test_a_comparison_does_not_import_scipy(tmp_path) -> None:
    """scipy's clustering package takes 0.4-0.6 s to import, a quarter of comparing the seeds:
    a whole comparison of the seeds (themes included, with a stand-in embedder so that no
    model loads) must not import any of scipy."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    seeds = sorted((root / "seeds").glob("*.txt"))
    code = """
import sys, zlib
import numpy as np
import xlcompare

class Letters:
    name = "letters"
    def embed(self, texts):
        out = np.zeros((len(texts), 64), np.float32)
        for row, text in enumerate(texts):
            for ch in text:
                out[row, zlib.crc32(ch.encode()) % 64] += 1.0
        out += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)
    def signature(self):
        return {"embedder": self.name}

articles = [xlcompare.load_article(p) for p in sys.argv[1:3]]
comparison = xlcompare.compare(*articles, embedder=Letters(), cache=False)
assert comparison.themes, "no themes: the clustering did not run"
print(sorted(m for m in sys.modules if m == "scipy" or m.startswith("scipy.")))
"""
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, seeds)], capture_output=True, text=True, timeout=120,
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(root), os.environ.get("PYTHONPATH"))))},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_stop_words_are_kept_per_language_in_the_cache_folder(tmp_path, monkeypatch):
    """Importing stopwordsiso parses every language's list (0.05 s): a language's list is read
    once, then from the cache folder; a damaged copy is made again, an unwritable folder costs
    only time."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import stopwordsiso

    from xlcompare.comparison import themes

    monkeypatch.setenv("XLCOMPARE_CACHE_DIR", str(tmp_path))
    expected = {"hi": frozenset(w.lower() for w in stopwordsiso.stopwords("hi")), "xx": frozenset()}
    themes.stop_words.cache_clear()
    try:
        for language, words in expected.items():
            assert themes.stop_words(language) == words
        (saved,) = (tmp_path / "stopwords").glob("hi-*.json")
        root = Path(__file__).resolve().parents[1]
        code = ("import sys\nfrom xlcompare.comparison.themes import stop_words\n"
                "print(len(stop_words('hi')), 'stopwordsiso' in sys.modules)")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(root), os.environ.get("PYTHONPATH"))))}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert done.stdout.split() == [str(len(expected["hi"])), "False"], done.stderr[-2000:]

        for damage in (b"", b"[1, 2]", b"\xff\xfe{"):
            saved.write_bytes(damage)
            themes.stop_words.cache_clear()
            assert themes.stop_words("hi") == expected["hi"]
        assert json.loads(saved.read_bytes()) == sorted(expected["hi"])

        def unwritable(path, data):
            raise PermissionError(13, "Permission denied", str(path))

        saved.unlink()
        import xlcompare.whole_file

        monkeypatch.setattr(xlcompare.whole_file, "write_whole", unwritable)
        themes.stop_words.cache_clear()
        assert themes.stop_words("hi") == expected["hi"] and not saved.exists()
    finally:
        themes.stop_words.cache_clear()
