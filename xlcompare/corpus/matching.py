"""Which left articles report the same story as which right articles.

One vector per article cannot decide it: mean vectors of multilingual-e5-small are all within
a few hundredths of cosine of each other across languages (they mostly encode "a news article in
Hindi"). Sentences can: two reports of one story say several of the same things. So matching
works in two steps, and its memory never grows with (left articles x right articles):

1. **Candidates.** Each article's mean sentence vector minus its side's mean: the side mean is
   mostly what all articles of one language (and one outlet) share, and removing it is the
   language-neutralising step of Libovický et al. (2020); what is left is the article's
   content (on the NTREX-128 benchmark's tuning corpus, true pairs' centred cosines are
   0.275-0.820 and other pairs' -0.537-0.528, against 0.966-0.988 and 0.924-0.980 uncentred). Each article's
   `candidates` nearest articles on the other side by that vector (both directions,
   blockwise, never a full matrix), within `max_days` of each other when both dates are
   known, are the candidate pairs.
2. **Sentence evidence**, on candidate pairs only, with the sentence vectors as they are. A
   sentence links to a sentence of the candidate article when each is the other's best there
   and their margin reaches `threshold`. The margin is bitext mining's (Artetxe & Schwenk
   2019), measured against a fixed random sample of `background` sentences of the other side:
   the pair's cosine minus the mean cosine of each sentence's `k` nearest neighbours in that
   sample, divided by the standard deviation of each one's cosines with the sample (both
   averaged over the two sentences). Dividing by the spread makes the threshold mean the same
   for an embedder whose unrelated sentences sit at cosine 0.8 +- 0.03 (E5) and one whose sit
   at 0 +- 0.05 (random vectors), where a ratio margin would divide by almost nothing. A pair
   matches when it has at least `min_shared` links covering at least `min_coverage` of the
   shorter article. Pairs are decided one by one, so one article may match several (a story
   split in two) or none.

The score of a match is the share of the shorter article's sentences that are linked, so 1.0
means one article is entirely contained in the other.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

Progress = Callable[[int, int], None]

NO_DATE = np.iinfo(np.int64).min
MATCHING_METHOD = "centred-doc-knn/sentence-z-margin-links/1"

# threshold and min_coverage: the middle of the region where the tuning corpus of
# benchmarks/bench_corpus.py (seed 0, `quality --sweep`) scores F1 = 1 (threshold 1.0-2.5,
# min_coverage 0.05-0.3); reported on seeds 1000-1004 (README, "Corpus"). The rest are
# design choices: candidates to spare (on the tuning corpus each true pair is already its
# partner's nearest by centred vector; a corpus of thousands is more crowded), bitext mining's
# k = 4, and a background sample large enough for stable neighbourhoods.
DEFAULT_MAX_DAYS = 14
DEFAULT_CANDIDATES = 10
DEFAULT_K = 4
DEFAULT_BACKGROUND = 2048
DEFAULT_THRESHOLD = 1.75
DEFAULT_MIN_SHARED = 2
DEFAULT_MIN_COVERAGE = 0.15
DEFAULT_BLOCK_SIZE = 1024


@dataclass(frozen=True)
class MatchSettings:
    max_days: int = DEFAULT_MAX_DAYS  # 0: dates do not limit candidates
    candidates: int = DEFAULT_CANDIDATES
    k: int = DEFAULT_K
    background: int = DEFAULT_BACKGROUND
    threshold: float = DEFAULT_THRESHOLD
    min_shared: int = DEFAULT_MIN_SHARED
    min_coverage: float = DEFAULT_MIN_COVERAGE
    block_size: int = DEFAULT_BLOCK_SIZE
    seed: int = 0

    def to_dict(self) -> dict[str, object]:
        return {"method": MATCHING_METHOD, **asdict(self)}


@dataclass
class SideVectors:
    """All sentence vectors of one side, article after article.

    `vectors` (N, dim) float32 unit rows; article i owns rows offsets[i]:offsets[i+1];
    `dates` holds days since 1970-01-01, or NO_DATE.
    """

    vectors: np.ndarray
    offsets: np.ndarray
    dates: np.ndarray

    @classmethod
    def from_articles(
        cls, arrays: Sequence[np.ndarray], dates: Sequence[str | None], dim: int | None = None
    ) -> SideVectors:
        sizes = [len(a) for a in arrays]
        offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        if dim is None:
            dim = next((a.shape[1] for a in arrays if a.ndim == 2), 0)
        vectors = np.empty((int(offsets[-1]), dim), dtype=np.float32)
        for i, a in enumerate(arrays):
            if len(a):
                vectors[offsets[i] : offsets[i + 1]] = a
        return cls(vectors, offsets, np.array([day_number(d) for d in dates], dtype=np.int64))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def sizes(self) -> np.ndarray:
        return np.diff(self.offsets)

    def rows(self, i: int) -> np.ndarray:
        return self.vectors[self.offsets[i] : self.offsets[i + 1]]


@dataclass(frozen=True)
class ArticleMatch:
    """Left article `left` and right article `right` (indices) report the same story.

    `shared_left` / `shared_right`: how many sentences of each are linked to the other;
    `left_sentences` / `right_sentences`: how many content sentences each has.
    """

    left: int
    right: int
    score: float
    shared_left: int
    shared_right: int
    left_sentences: int
    right_sentences: int
    mean_margin: float


def day_number(date: str | None) -> int:
    if not date:
        return int(NO_DATE)
    try:
        return dt.date.fromisoformat(date[:10]).toordinal() - dt.date(1970, 1, 1).toordinal()
    except ValueError:
        return int(NO_DATE)


def _normalise_rows(x: np.ndarray) -> None:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    np.divide(x, norms, out=x, where=norms > 0)


def document_vectors(side: SideVectors) -> np.ndarray:
    """Each article's mean sentence vector minus the side's mean, normalised (zeros for an
    article without sentences)."""
    dim = side.vectors.shape[1]
    sizes = side.sizes()
    sums = np.zeros((len(side), dim), dtype=np.float64)
    filled = sizes > 0
    if len(side.vectors):
        # float32 sums of ~20 unit rows lose nothing that matters; asking reduceat for float64
        # would first copy the whole (N, dim) array to float64.
        sums[filled] = np.add.reduceat(side.vectors, side.offsets[:-1][filled], axis=0)
    side_mean = sums.sum(axis=0) / max(1, len(side.vectors))
    docs = (sums / np.maximum(sizes, 1)[:, None] - side_mean).astype(np.float32)
    docs[~filled] = 0
    _normalise_rows(docs)
    return docs


def _date_mask(left_dates: np.ndarray, right_dates: np.ndarray, max_days: int) -> np.ndarray:
    """True where two articles may be compared: a date unknown, or close enough."""
    if max_days <= 0:
        return np.ones((len(left_dates), len(right_dates)), dtype=bool)
    gap = np.abs(left_dates[:, None] - right_dates[None, :])
    unknown = (left_dates[:, None] == NO_DATE) | (right_dates[None, :] == NO_DATE)
    return unknown | (gap <= max_days)


def candidate_pairs(
    left_docs: np.ndarray,
    right_docs: np.ndarray,
    left_dates: np.ndarray,
    right_dates: np.ndarray,
    settings: MatchSettings,
    left_empty: np.ndarray | None = None,
    right_empty: np.ndarray | None = None,
) -> np.ndarray:
    """(P, 2) int64 array of distinct (left, right) candidate pairs, sorted.

    Each article's `settings.candidates` nearest articles on the other side, both directions,
    among those its date allows; computed block by block, so memory is one block x block
    similarity matrix plus the running top lists.
    """
    n, m = len(left_docs), len(right_docs)
    k = min(settings.candidates, m, n)
    if k == 0:
        return np.zeros((0, 2), dtype=np.int64)
    block = settings.block_size
    best_right = np.full((n, k), -1, dtype=np.int64)
    best_right_cos = np.full((n, k), -np.inf, dtype=np.float32)
    best_left = np.full((m, k), -1, dtype=np.int64)
    best_left_cos = np.full((m, k), -np.inf, dtype=np.float32)
    for l0 in range(0, n, block):
        rows = slice(l0, min(l0 + block, n))
        for r0 in range(0, m, block):
            cols = slice(r0, min(r0 + block, m))
            sims = left_docs[rows] @ right_docs[cols].T
            allowed = _date_mask(left_dates[rows], right_dates[cols], settings.max_days)
            if left_empty is not None:
                allowed &= ~left_empty[rows, None]
            if right_empty is not None:
                allowed &= ~right_empty[None, cols]
            sims = np.where(allowed, sims, -np.inf).astype(np.float32)
            col_ids = np.arange(cols.start, cols.stop, dtype=np.int64)
            row_ids = np.arange(rows.start, rows.stop, dtype=np.int64)
            _merge_top(best_right, best_right_cos, rows, sims, col_ids, k)
            _merge_top(best_left, best_left_cos, cols, sims.T, row_ids, k)
    pairs = [
        np.stack([np.repeat(np.arange(n), k), best_right.ravel()], axis=1)[np.isfinite(best_right_cos.ravel())],
        np.stack([best_left.ravel(), np.repeat(np.arange(m), k)], axis=1)[np.isfinite(best_left_cos.ravel())],
    ]
    merged = np.concatenate(pairs)
    if not len(merged):
        return merged
    return np.unique(merged, axis=0)


def _merge_top(
    best: np.ndarray, best_cos: np.ndarray, rows: slice, sims: np.ndarray, ids: np.ndarray, k: int
) -> None:
    """Fold a block of similarities into each row's running top-k."""
    cand_cos = np.concatenate([best_cos[rows], sims], axis=1)
    cand_ids = np.concatenate([best[rows], np.broadcast_to(ids, sims.shape)], axis=1)
    keep = np.argpartition(-cand_cos, k - 1, axis=1)[:, :k]
    best_cos[rows] = np.take_along_axis(cand_cos, keep, axis=1)
    best[rows] = np.take_along_axis(cand_ids, keep, axis=1)


def background_statistics(
    queries: np.ndarray, sample: np.ndarray, k: int, block_size: int = 8192
) -> tuple[np.ndarray, np.ndarray]:
    """For each query row: the mean cosine of its k nearest rows of `sample` after the nearest
    one, and the standard deviation of its cosines with the rest of `sample`; block by block.

    The nearest row is left out because it may be the query's own counterpart: in a corpus
    smaller than the sample, every counterpart is in it, and would lower the margin of exactly
    the links that matter (the aligner's background leaves it out for the same reason). The
    spread comes from the sample's sum and Gram matrix (as `alignment.knn.cosine_moments`
    does), not from a second pass over the similarities.
    """
    means = np.zeros(len(queries), dtype=np.float32)
    spreads = np.ones(len(queries), dtype=np.float32)
    k = min(k, len(sample) - 1)
    if k < 1:
        return means, spreads
    total = sample.sum(axis=0, dtype=np.float64).astype(np.float32)
    gram = (sample.T @ sample).astype(np.float32)
    count = len(sample) - 1
    for start in range(0, len(queries), block_size):
        block = queries[start : start + block_size]
        sims = block @ sample.T
        top = np.partition(sims, sims.shape[1] - k - 1, axis=1)[:, -k - 1 :]
        nearest = top.max(axis=1)
        means[start : start + len(block)] = (top.sum(axis=1) - nearest) / k
        # Sum and sum of squares of each row's cosines, less the nearest one.
        first = block @ total - nearest
        second = ((block @ gram) * block).sum(axis=1) - nearest**2
        variance = np.maximum(second / count - (first / count) ** 2, 0.0)
        spreads[start : start + len(block)] = np.sqrt(variance)
    np.maximum(spreads, 1e-6, out=spreads)
    return means, spreads


def _sample_rows(side: SideVectors, size: int, seed: int) -> np.ndarray:
    """Up to `size` distinct rows of the side, drawn at random (the same rows on every run).
    Repeated rows (one sentence in several articles, a wire story printed twice) count once, so
    that a sentence's counterparts cannot fill its neighbourhood."""
    rows = side.vectors
    if len(rows) > size:
        rng = np.random.default_rng(seed)
        rows = rows[np.sort(rng.choice(len(rows), size, replace=False))]
    return np.unique(rows, axis=0)


def match_articles(
    left: SideVectors,
    right: SideVectors,
    settings: MatchSettings | None = None,
    *,
    progress: Progress | None = None,
) -> list[ArticleMatch]:
    """Every (left, right) pair of articles that report the same story, by left then right."""
    settings = settings or MatchSettings()
    if not len(left) or not len(right):
        return []
    left_docs, right_docs = document_vectors(left), document_vectors(right)
    pairs = candidate_pairs(
        left_docs, right_docs, left.dates, right.dates, settings,
        left.sizes() == 0, right.sizes() == 0,
    )
    left_background = background_statistics(
        left.vectors, _sample_rows(right, settings.background, settings.seed), settings.k)
    right_background = background_statistics(
        right.vectors, _sample_rows(left, settings.background, settings.seed + 1), settings.k)
    matches: list[ArticleMatch] = []
    firsts = np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]]) if len(pairs) else []
    bounds = list(firsts) + [len(pairs)]
    if progress:
        progress(0, len(bounds) - 1)
    for step, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:])):
        a = int(pairs[start, 0])
        rights = pairs[start:stop, 1]
        matches += _check_pairs(a, rights, left, right, left_background, right_background, settings)
        if progress:
            progress(step + 1, len(bounds) - 1)
    return matches


def _check_pairs(
    a: int,
    rights: np.ndarray,
    left: SideVectors,
    right: SideVectors,
    left_background: tuple[np.ndarray, np.ndarray],
    right_background: tuple[np.ndarray, np.ndarray],
    settings: MatchSettings,
) -> list[ArticleMatch]:
    """The sentence-level check of left article `a` against each of its candidates."""
    rows = left.rows(a)
    a0, a1 = left.offsets[a], left.offsets[a + 1]
    mean_a, spread_a = left_background[0][a0:a1, None], left_background[1][a0:a1, None]
    found = []
    for b in rights.tolist():
        cols = right.rows(b)
        if not len(rows) or not len(cols):
            continue
        b0, b1 = right.offsets[b], right.offsets[b + 1]
        mean_b, spread_b = right_background[0][None, b0:b1], right_background[1][None, b0:b1]
        margin = (rows @ cols.T - (mean_a + mean_b) / 2) / ((spread_a + spread_b) / 2)
        best_right = margin.argmax(axis=1)
        best_left = margin.argmax(axis=0)
        i = np.arange(len(rows))
        linked = (best_left[best_right] == i) & (margin[i, best_right] >= settings.threshold)
        shared = int(linked.sum())
        coverage = shared / min(len(rows), len(cols))
        if shared >= settings.min_shared and coverage >= settings.min_coverage:
            found.append(ArticleMatch(
                left=a, right=b, score=round(float(coverage), 4),
                shared_left=shared, shared_right=shared,
                left_sentences=len(rows), right_sentences=len(cols),
                mean_margin=round(float(margin[i[linked], best_right[linked]].mean()), 4),
            ))
    return found
