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
- Clustering. Average-linkage agglomerative clustering on cosine similarity (scipy's UPGMA,
  deterministic), merging while the mean similarity between two clusters is at least
  `threshold`. A distance threshold, not a fixed number of topics: two short articles may
  share one topic or five.
- Topics of a single segment fold into one "other" group.
- Labels. With translations, a topic is labelled by the English of its most central segment
  (highest mean similarity to the rest of the topic); without, by its most frequent content
  words in each language (tf-idf over segments, tiny stop-word lists): honest, if terse, for a
  reader of neither language.

Cost is quadratic in the number of segments, so articles above `max_segments` content
segments together get no themes (and a warning) rather than a slow report.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from xlcompare.alignment.model import Alignment
from xlcompare.comparison.model import ThemeGroup
from xlcompare.lang.scripts import LETTER_RUN
from xlcompare.segments.model import Segment
from xlcompare.translation.model import TranslatedArticle

DEFAULT_THRESHOLD = 0.2
DEFAULT_MAX_SEGMENTS = 3000
MAX_LABEL_CHARS = 90
OTHER_LABEL = "Other (segments that joined no topic)"

# Frequent function words, so that keyword labels show content. Short on purpose: tf-idf
# does most of the work.
STOPWORDS = frozenset(
    """
    the a an and or of to in on at for with by from as is are was were be been has have had it
    its this that these those he she they we their his her not but also will would can could
    said says about after before over into than then there which who whom what when where while
    और के की का को में से पर ने है हैं था थी थे भी एक यह वह इस उस कि तो लिए साथ बीच अपनी अपने
    किया करने कर रहा रही गया गई हो होने द्वारा तक जो ही अब
    و در به از که این آن با را برای است بود شد می ها های یک تا بر نیز خود کرد کند شده
    """.split()
)
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

    scipy's average linkage (UPGMA) does the work on the indices in `initial`. The starting
    clusters are made to form first by giving the pairs inside one of them distance 0 and
    every other pair `offset - similarity` >= 1: a mean between two clusters counts only pairs
    across them, never pairs inside one, so it is `offset` minus their mean similarity, and
    cutting the tree at `offset - threshold` keeps exactly the merges with a mean similarity
    of at least `threshold` (average linkage never merges below an earlier merge).
    """
    groups = [sorted(int(i) for i in members) for members in initial if len(members)]
    if len(groups) <= 1:
        return groups
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

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


def _keywords(texts: Sequence[str], document_frequency: Counter[str], documents: int, top: int = 3) -> list[str]:
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for text in texts:
        for word in _WORD.findall(text.lower()):
            if word in STOPWORDS or len(word) < 3:
                continue
            counts[word] += 1
            first_seen.setdefault(word, len(first_seen))
    scored = sorted(
        counts,
        key=lambda w: (-counts[w] * math.log((1 + documents) / (1 + document_frequency[w])) - 1e-9, first_seen[w]),
    )
    return scored[:top]


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

    per_side = [
        embed_texts([text_of(side, s) for s in segs], embedder) for side, segs in zip(sides, segments) if segs
    ]
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
    document_frequency: Counter[str] = Counter()
    for text in all_texts:
        document_frequency.update({w for w in _WORD.findall(text.lower())})

    themes: list[ThemeGroup] = []
    other_left: list[int] = []
    other_right: list[int] = []
    for cluster in clusters:
        left_ids = sorted(side_and_id[i][1] for i in cluster if side_and_id[i][0] == 0)
        right_ids = sorted(side_and_id[i][1] for i in cluster if side_and_id[i][0] == 1)
        if len(cluster) == 1:
            other_left += left_ids
            other_right += right_ids
            continue
        if use_english:
            block = similarity[np.ix_(cluster, cluster)]
            central = cluster[int(np.argmax(block.sum(axis=1)))]
            label = _shorten(all_texts[central])
            source = "translation"
        else:
            per_side = []
            for side_no in (0, 1):
                texts = [all_texts[i] for i in cluster if side_and_id[i][0] == side_no]
                if texts:
                    per_side.append(", ".join(_keywords(texts, document_frequency, total)))
            label = " · ".join(p for p in per_side if p) or "(no content words)"
            source = "keywords"
        themes.append(ThemeGroup(label, tuple(left_ids), tuple(right_ids), label_source=source))
    themes.sort(key=lambda t: (-(len(t.left_ids) + len(t.right_ids)), min(t.left_ids + t.right_ids)))
    if other_left or other_right:
        themes.append(
            ThemeGroup(OTHER_LABEL, tuple(sorted(other_left)), tuple(sorted(other_right)), label_source="other", other=True)
        )
    return themes, []


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
