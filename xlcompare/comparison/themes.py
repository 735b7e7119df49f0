"""Theme groups: the segments of both articles clustered into topics.

How it works, and why:

- Units. Every alignment is one unit (its segments on both sides stay together: they say the
  same thing), every other non-boilerplate segment is a unit of its own.
- Vectors. Segments are embedded with the comparison's embedder: the English translations
  when both sides are translated, else the source texts (the embedder is multilingual).
  E5-style models put every pair of sentences at cosine ~0.8, so vectors are centred before
  comparing: on the source texts, each side by its own mean, because a small multilingual
  model puts any two sentences of one language closer than a sentence and its translation,
  and the per-side mean carries that language offset; on English, by the joint mean (one
  language, so a per-side mean would only subtract each article's own subject and push
  shared topics apart). Without translations the grouping is only as cross-lingual as the
  embedder: with multilingual-e5-small, Hindi and Persian segments rarely meet.
- Clustering. Average-linkage agglomerative clustering on cosine similarity (UPGMA, by the
  nearest-neighbour chain; deterministic), merging while the mean similarity between two
  clusters is at least `threshold`. A distance threshold, not a fixed number of topics: two short articles may
  share one topic or five.
- Topics of a single segment fold into one "other" group.
- Labels. With both sides translated, a topic is labelled by the English of its most central
  segment (highest mean similarity to the rest of the topic). Otherwise by three keywords per
  side, in English for a translated side: the words of the topic's segments, less the
  language's stop-words (stopwords-iso lists: "برخی", "بیشتر", "करने"...); of these the
  MAX_CANDIDATES most frequent in the topic (then rarest in the rest of the side) are ranked
  as KeyBERT does, by their embedding's cosine to the topic's mean vector, less their cosine
  to the mean vector of the whole side. The subtraction matters: the country names of a story are close
  to every topic and would head every label, and verb forms a stop-word list lacks (Hindi
  "निबटने", "to deal with") rank below the topic's nouns.

Cost is quadratic in the number of segments, so articles above `max_segments` content
segments together get no themes (and a warning) rather than a slow report.
"""
from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from xlcompare import settings
from xlcompare.alignment.model import Alignment
from xlcompare.comparison.model import ThemeGroup
from xlcompare.lang.scripts import LETTER_RUN
from xlcompare.segments.model import Segment
from xlcompare.translation.model import TranslatedArticle
from xlcompare.whole_file import kept_json

DEFAULT_THRESHOLD = 0.2
DEFAULT_MAX_SEGMENTS = 3000
MAX_LABEL_CHARS = 90
OTHER_LABEL = "Other (segments that joined no topic)"

KEYWORDS_PER_SIDE = 3
MIN_KEYWORD_CHARS = 3
# Words embedded per topic and side: embedding every word of a large topic would cost more than
# the rest of the comparison. The candidates are the topic's most frequent words, then those
# rarest in the rest of the side, then the longest.
MAX_CANDIDATES = 8
# Letters plus the combining marks Python's \w leaves out (Devanagari vowel signs, Arabic
# harakat) and ZWNJ, which joins parts of one Persian word.
_WORD = re.compile(LETTER_RUN)


def _content_segments(side: TranslatedArticle) -> list[Segment]:
    return [s for s in side.segments if not s.boilerplate]


def _centred(vectors: np.ndarray) -> np.ndarray:
    """Subtract the mean vector (kept when there are too few rows to estimate it), renormalise."""
    if len(vectors) >= 3:
        vectors = vectors - vectors.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 1e-8)


def average_linkage(
    similarity: np.ndarray, initial: Sequence[Sequence[int]], threshold: float
) -> list[list[int]]:
    """Agglomerative clustering with average linkage over a (n, n) similarity matrix.

    `initial` lists the starting clusters (indices into the matrix; each index in exactly one).
    Clusters merge, best pair first, while their mean pairwise similarity is >= `threshold`.
    Returns clusters as sorted index lists, ordered by their smallest index.

    The nearest-neighbour chain algorithm (Murtagh 1983), on the sums of similarities between
    clusters: follow each cluster to its most similar one until two are each other's, merge
    those. Average linkage is reducible (a merged cluster is never closer to a third than the
    closer of its parts), so merging mutual nearest pairs in any order gives the partitions of
    best-pair-first merging, in O(n^2) time; and a cluster whose nearest neighbour is below
    the threshold can never reach it later, so it is set aside for good. Written out rather
    than taken from scipy, whose clustering package takes longer to import (0.4-0.6 s) than a
    two-article comparison needs for all its themes.
    """
    groups = [sorted(int(i) for i in members) for members in initial if len(members)]
    if len(groups) <= 1:
        return groups
    order = np.array([i for group in groups for i in group], dtype=np.int64)
    starts = np.cumsum([0] + [len(group) for group in groups[:-1]])
    counts = np.array([len(group) for group in groups], dtype=np.int64)
    # sums[a, b]: the sum of similarities across clusters a and b; -inf marks what is gone.
    # Rows are summed by cluster twice (the matrix is symmetric), each time along rows.
    rows = _sum_runs(np.asarray(similarity, dtype=np.float64)[order], starts, counts)
    sums = _sum_runs(np.ascontiguousarray(rows[:, order].T), starts, counts)
    del rows
    np.fill_diagonal(sums, -np.inf)
    sizes = counts.astype(np.float64)
    members = [list(group) for group in groups]
    finished: list[list[int]] = []
    active = np.ones(len(groups), dtype=bool)
    remaining, lowest = len(groups), 0
    chain: list[int] = []
    while remaining:
        if not chain:
            while not active[lowest]:
                lowest += 1
            chain.append(lowest)
        x = chain[-1]
        means = sums[x] / (sizes[x] * sizes)
        y = int(np.argmax(means))
        best = float(means[y])
        if len(chain) > 1 and means[chain[-2]] >= best:
            y = chain[-2]  # on a tie, back down the chain: it must not cycle
        if not best >= threshold:
            finished.append(members[x])
            active[x] = False
            remaining -= 1
            sums[x, :] = -np.inf
            sums[:, x] = -np.inf
            chain.pop()
        elif len(chain) > 1 and y == chain[-2]:
            del chain[-2:]
            a, b = min(x, y), max(x, y)
            sums[a] += sums[b]
            sums[a, a] = -np.inf
            sums[:, a] = sums[a]
            sums[b, :] = -np.inf
            sums[:, b] = -np.inf
            sizes[a] += sizes[b]
            members[a] += members[b]
            active[b] = False
            remaining -= 1
        else:
            chain.append(y)
    return sorted((sorted(c) for c in finished), key=lambda c: c[0])


def _sum_runs(matrix: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sums of the runs of rows that start at `starts` with `counts` rows each: an offset at a
    time, since most clusters start as one segment (np.add.reduceat loops per run, 3x slower)."""
    out = matrix[starts]
    for offset in range(1, int(counts.max())):
        longer = np.flatnonzero(counts > offset)
        out[longer] += matrix[starts[longer] + offset]
    return out


@lru_cache(maxsize=None)
def stop_words(language: str) -> frozenset[str]:
    """The stopwords-iso list of an ISO 639-1 language (empty for a language it lacks).

    Importing stopwordsiso parses its lists of every language, 0.05 s of each comparison, so
    a language's list is kept in the cache folder once read, under a name that changes with
    the package's data file. A damaged or unwritable copy only costs that time again."""
    def read() -> frozenset[str]:
        import stopwordsiso

        if not stopwordsiso.has_lang(language):
            return frozenset()
        return frozenset(w.lower() for w in stopwordsiso.stopwords(language))

    return kept_json(_stop_words_path(language), read, what=f"the {language} stop words", dump=sorted, load=_word_set)


def _word_set(data: Any) -> frozenset[str]:
    if not isinstance(data, list) or not all(isinstance(word, str) for word in data):
        raise ValueError("not a list of words")
    return frozenset(data)


def _stop_words_path(language: str) -> Path | None:
    spec = importlib.util.find_spec("stopwordsiso")
    if not language.isalnum() or spec is None or spec.origin is None:
        return None
    try:
        data = Path(spec.origin).with_name("stopwords-iso.json").stat()
    except OSError:
        return None
    return settings.cache_dir() / "stopwords" / f"{language}-{data.st_size}-{data.st_mtime_ns}.json"


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 1e-8 else vector


def _words(text: str, stop: frozenset[str]) -> list[str]:
    return [
        word for word in _WORD.findall(text.lower())
        if len(word.replace("\u200c", "")) >= MIN_KEYWORD_CHARS and word not in stop
    ]


def candidate_words(texts: Sequence[str], side_texts: Sequence[str], language: str) -> list[str]:
    """The words of `texts` (a topic's segments) worth ranking as its keywords: no
    stop-words, the MAX_CANDIDATES most frequent in the topic, then rarest in `side_texts`
    (the rest of its side), then longest."""
    stop = stop_words(language)
    counts = Counter(word for text in texts for word in _words(text, stop))
    if not counts:
        return []
    spread = Counter(word for text in side_texts for word in set(_words(text, stop)))
    return sorted(counts, key=lambda w: (-counts[w], spread[w], -len(w)))[:MAX_CANDIDATES]


def rank_keywords(
    words: Sequence[str], word_vectors: np.ndarray, topic_vectors: np.ndarray,
    side_vectors: np.ndarray, top: int = KEYWORDS_PER_SIDE,
) -> list[str]:
    """The `top` of `words` that best tell the topic from the rest of its side (see the module
    docstring): by cosine to the topic's mean vector less cosine to the side's mean vector."""
    if not len(words):
        return []
    scores = word_vectors @ _unit(topic_vectors.mean(axis=0)) - word_vectors @ _unit(side_vectors.mean(axis=0))
    order = sorted(range(len(words)), key=lambda i: (-float(scores[i]), i))
    return [words[i] for i in order[:top]]


def group_themes(
    left: TranslatedArticle,
    right: TranslatedArticle,
    alignments: Sequence[Alignment],
    embedder: Any,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    max_segments: int = DEFAULT_MAX_SEGMENTS,
) -> tuple[list[ThemeGroup], list[str]]:
    """Topics over the non-boilerplate segments of both sides, plus any warnings.

    See the module docstring for the method. The "other" group, when present, comes last.
    """
    sides = (left, right)
    segments = [_content_segments(side) for side in sides]
    total = len(segments[0]) + len(segments[1])
    if total == 0:
        return [], []
    if total > max_segments:
        return [], [
            f"Theme groups were skipped: {total} content segments exceed the limit of "
            f"{max_segments} (clustering cost grows with the square of that number)."
        ]
    use_english = bool(left.translations) and bool(right.translations)

    def text_of(side: TranslatedArticle, seg: Segment) -> str:
        if use_english:
            t = side.translations.get(seg.id)
            if t is not None and t.text:
                return t.text
        return seg.text

    from xlcompare.alignment.embed import embed_texts

    raw = [embed_texts([text_of(side, s) for s in segs], embedder) for side, segs in zip(sides, segments)]
    per_side = [v for v in raw if len(v)]
    if use_english:
        matrix = _centred(np.vstack(per_side))
    else:
        matrix = np.vstack([_centred(v) for v in per_side])
    matrix = matrix.astype(np.float32)
    similarity = matrix @ matrix.T

    # index in the matrix of (side, segment id)
    index: dict[tuple[int, int], int] = {}
    for side_no, segs in enumerate(segments):
        offset = 0 if side_no == 0 else len(segments[0])
        for position, seg in enumerate(segs):
            index[(side_no, seg.id)] = offset + position

    # Units: each alignment keeps its segments together; an index may sit in one unit only.
    units: list[list[int]] = []
    unit_of: dict[int, int] = {}
    for alignment in alignments:
        members = [index[(0, i)] for i in alignment.left if (0, i) in index]
        members += [index[(1, i)] for i in alignment.right if (1, i) in index]
        touched = sorted({unit_of[m] for m in members if m in unit_of})
        if touched:  # overlapping alignments (should not happen) join one unit
            target = touched[0]
            for other in touched[1:]:
                for m in units[other]:
                    unit_of[m] = target
                units[target] += units[other]
                units[other] = []
        else:
            target = len(units)
            units.append([])
        for m in members:
            if m not in unit_of:
                unit_of[m] = target
                units[target].append(m)
    for position in range(total):
        if position not in unit_of:
            unit_of[position] = len(units)
            units.append([position])
    units = [u for u in units if u]

    clusters = average_linkage(similarity, units, threshold)

    side_and_id: dict[int, tuple[int, int]] = {v: k for k, v in index.items()}
    all_texts = [text_of(side, s) for side, segs in zip(sides, segments) for s in segs]
    keyword_sides = None if use_english else [_KeywordSide(side, segs, vectors, embedder) for side, segs, vectors in zip(sides, segments, raw)]

    themes: list[ThemeGroup] = []
    other_left: list[int] = []
    other_right: list[int] = []
    topics = []
    for cluster in clusters:
        left_ids = sorted(side_and_id[i][1] for i in cluster if side_and_id[i][0] == 0)
        right_ids = sorted(side_and_id[i][1] for i in cluster if side_and_id[i][0] == 1)
        if len(cluster) == 1:
            other_left += left_ids
            other_right += right_ids
        else:
            topics.append((cluster, left_ids, right_ids))
    word_vectors: dict[str, np.ndarray] = {}
    if keyword_sides is not None:
        # The candidate words of every topic in one call: a call per topic and side costs
        # more in overhead than the few tokens of its words (210 calls for a 200-sentence pair).
        candidates = [
            [keyword_side.candidates(ids) if ids else [] for keyword_side, ids in zip(keyword_sides, (left_ids, right_ids))]
            for _, left_ids, right_ids in topics
        ]
        words = list(dict.fromkeys(w for per_side in candidates for found in per_side for w in found))
        word_vectors = dict(zip(words, embed_texts(words, embedder))) if words else {}
    for number, (cluster, left_ids, right_ids) in enumerate(topics):
        if use_english:
            block = similarity[np.ix_(cluster, cluster)]
            central = cluster[int(np.argmax(block.sum(axis=1)))]
            label = _shorten(all_texts[central])
            source = "translation"
        else:
            assert keyword_sides is not None
            parts = [
                ", ".join(keyword_side.keywords(ids, found, word_vectors))
                for keyword_side, ids, found in zip(keyword_sides, (left_ids, right_ids), candidates[number]) if ids
            ]
            label = " · ".join(p for p in parts if p) or "(no content words)"
            source = "keywords"
        themes.append(ThemeGroup(label, tuple(left_ids), tuple(right_ids), label_source=source))
    themes.sort(key=lambda t: (-(len(t.left_ids) + len(t.right_ids)), min(t.left_ids + t.right_ids)))
    if other_left or other_right:
        themes.append(
            ThemeGroup(OTHER_LABEL, tuple(sorted(other_left)), tuple(sorted(other_right)), label_source="other", other=True)
        )
    return themes, []


class _KeywordSide:
    """One side's texts and vectors for keyword labels: its English when it is translated
    (English labels for an English reader), else its source text."""

    def __init__(self, side: TranslatedArticle, segments: list[Segment], source_vectors: np.ndarray, embedder: Any) -> None:
        from xlcompare.alignment.embed import embed_texts

        english = {s.id: side.translations[s.id].text for s in segments if side.translations.get(s.id) and side.translations[s.id].text}
        self.in_english = bool(english)
        self.language = "en" if self.in_english else side.article.language
        self.texts = {s.id: english.get(s.id, s.text) if self.in_english else s.text for s in segments}
        order = [s.id for s in segments]
        self.row = {sid: i for i, sid in enumerate(order)}
        self.vectors = embed_texts([self.texts[sid] for sid in order], embedder) if self.in_english else source_vectors

    def candidates(self, ids: Sequence[int]) -> list[str]:
        return candidate_words([self.texts[i] for i in ids], list(self.texts.values()), self.language)

    def keywords(self, ids: Sequence[int], words: list[str], vectors: dict[str, np.ndarray]) -> list[str]:
        if not words:
            return []
        topic = self.vectors[[self.row[i] for i in ids]]
        return rank_keywords(words, np.stack([vectors[w] for w in words]), topic, self.vectors)


def _shorten(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def theme_parameters(
    threshold: float = DEFAULT_THRESHOLD, max_segments: int = DEFAULT_MAX_SEGMENTS
) -> dict[str, Any]:
    """What `group_themes` did, for the comparison's signature."""
    return {
        "method": "average-linkage/centred-cosine",
        "threshold": threshold,
        "max_segments": max_segments,
    }
