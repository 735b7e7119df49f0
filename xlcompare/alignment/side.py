"""One article's alignable segments while aligning: vectors, joined windows and background.

Both passes of the aligner score *units*: a single segment, or a window of consecutive
segments joined into one text (a sentence the other article splits in two is matched by the
two halves joined, as in Bertalign and Vecalign). A unit is `(first position, size)` over the
side's alignable segments.

Every embedded unit knows its *neighbourhood* (mean cosine of its k nearest segments on the
other side, for ratio margins) and its *background* (mean and mean square of its cosines with
every segment of the other side), both from one blockwise pass (`knn.top_k_with_moments`). The
*contrast* of a pair (`contrast`) is its cosine in standard deviations above each unit's own
background, averaged over the two units, with the pair itself left out of both backgrounds.
Unlike one threshold on the cosine it adapts to the article pair and to each sentence: in a
report on a single topic every sentence is close to every other, and each sentence's background
rises with it.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from xlcompare.alignment.embed import embed_units
from xlcompare.alignment.embedders.base import Embedder
from xlcompare.alignment.knn import DEFAULT_BLOCK_SIZE, top_k_with_moments
from xlcompare.alignment.margin import neighbourhood_means
from xlcompare.segments.model import Segment

Unit = tuple[int, int]  # (first position, size)

# Standard deviations below this are noise (an article of two or three segments); flooring
# them keeps a contrast from exploding on a near-constant background. E5 cosines of unrelated
# sentences spread by about 0.02-0.03.
MIN_SPREAD = 0.015
WINDOW_CHUNK = 512


@dataclass(frozen=True, slots=True)
class Embedded:
    """A unit's vector with its neighbourhood mean and background moments."""

    vector: np.ndarray
    neighbourhood: float
    background: float  # mean cosine with the other side's segments
    background_square: float  # mean squared cosine


@dataclass
class AlignmentSide:
    """One article's alignable segments, in id order, and the units embedded so far."""

    segments: list[Segment]
    english: dict[int, str] | None
    singles: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    single_means: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    single_background: np.ndarray = field(default_factory=lambda: np.zeros(0))
    single_background_square: np.ndarray = field(default_factory=lambda: np.zeros(0))
    windows: dict[Unit, Embedded] = field(default_factory=dict)
    texts_embedded: int = 0

    def __post_init__(self) -> None:
        self.lengths = np.array([len(s.text) for s in self.segments], dtype=np.float64)

    def __len__(self) -> int:
        return len(self.segments)

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
        if start < 0 or size < 1 or start + size > len(self.segments):
            return False
        return self.segments[start + size - 1].id - self.segments[start].id == size - 1

    def requests(self, units: Sequence[Unit]) -> tuple[list[str], list[str | None] | None]:
        """The texts (and English, when mixed in) that embed the units; counted as embedded."""
        pairs = [self.unit_texts(start, size) for start, size in units]
        texts = [source for source, _ in pairs]
        english = None if self.english is None else [en for _, en in pairs]
        self.texts_embedded += len(set(texts)) * (1 if english is None else 2)
        return texts, english

    def profile_singles(self, other: AlignmentSide, k: int, block_size: int) -> tuple[np.ndarray, np.ndarray]:
        """Neighbourhoods and backgrounds of the singles against `other`; returns the top-k
        (indices, cosines) for the candidate pairs."""
        indices, cosines, mean, square = top_k_with_moments(
            self.singles, other.singles, k, block_size=block_size
        )
        self.single_means = neighbourhood_means(cosines)
        self.single_background, self.single_background_square = mean, square
        return indices, cosines

    def unit(self, unit: Unit) -> Embedded:
        start, size = unit
        if size == 1:
            return Embedded(
                self.singles[start], float(self.single_means[start]),
                float(self.single_background[start]), float(self.single_background_square[start]),
            )
        return self.windows[unit]

    def has(self, unit: Unit) -> bool:
        return unit[1] == 1 or unit in self.windows

    def length(self, unit: Unit) -> float:
        return float(self.lengths[unit[0] : unit[0] + unit[1]].sum())


def stands_out(cosine, mean, square, n: int):
    """How many standard deviations `cosine` lies above the other n - 1 of n cosines whose
    mean and mean square include it (elementwise on arrays)."""
    if n > 1:
        mean_out = (n * mean - cosine) / (n - 1)
        variance = (n * square - cosine * cosine) / (n - 1) - mean_out * mean_out
    else:
        mean_out, variance = mean, square - mean * mean
    if isinstance(variance, float):  # one pair: plain floats are ten times faster
        return (cosine - mean_out) / math.sqrt(max(variance, MIN_SPREAD * MIN_SPREAD))
    return (cosine - mean_out) / np.sqrt(np.maximum(variance, MIN_SPREAD * MIN_SPREAD))


def contrast(cosine: float, left: Embedded, right: Embedded, n_left: int, n_right: int) -> float:
    """The pair's cosine in standard deviations above each unit's background (the left unit's
    over the right side's n_right segments, and vice versa), averaged; the pair itself is left
    out of both backgrounds."""
    return (
        stands_out(cosine, left.background, left.background_square, n_right)
        + stands_out(cosine, right.background, right.background_square, n_left)
    ) / 2


def embed_together(
    jobs: Sequence[tuple[AlignmentSide, Sequence[Unit]]], embedder: Embedder
) -> list[np.ndarray]:
    """The vectors of each side's units, from one embedder call for all the sides.

    A call has a fixed cost and shares its batches among the embedder's workers, so one call
    for both articles takes less than one per article (the windows and clauses of the seeds:
    0.01-0.03 s of 0.53 s of embedding). The texts are those separate calls would embed; a
    batched embedder's vectors may move in the last digits with the batch (e5-ct2: by up to
    2e-5), which is why each article's sentences are embedded on their own (align.py)."""
    asked = [side.requests(units) for side, units in jobs]
    if len({english is None for _, english in asked}) > 1:  # only one side has English
        return [embed_units(texts, embedder, english) for texts, english in asked]
    texts = [text for side_texts, _ in asked for text in side_texts]
    english = None if asked[0][1] is None else [en for _, side_english in asked for en in side_english or ()]
    vectors = embed_units(texts, embedder, english)
    out, start = [], 0
    for side_texts, _ in asked:
        out.append(vectors[start : start + len(side_texts)])
        start += len(side_texts)
    return out


def embed_windows_together(
    jobs: Sequence[tuple[AlignmentSide, set[Unit], AlignmentSide]], embedder: Embedder, k: int,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> None:
    """For each (side, units, other): embed the side's windows (size > 1) not embedded yet,
    profiled against `other`; one embedder call per chunk for all the sides."""
    todo = [(job, unit) for job, (side, units, _) in enumerate(jobs)
            for unit in sorted(u for u in units if u[1] > 1 and u not in side.windows)]
    # In chunks: the texts, the embedder's output and its copies for a whole parallel
    # article at once would take more memory than all the windows kept.
    for first in range(0, len(todo), WINDOW_CHUNK):
        chunk = todo[first : first + WINDOW_CHUNK]
        units_of = [[unit for job, unit in chunk if job == number] for number in range(len(jobs))]
        wanted = [(number, units) for number, units in enumerate(units_of) if units]
        vectors = embed_together([(jobs[number][0], units) for number, units in wanted], embedder)
        for (number, units), side_vectors in zip(wanted, vectors):
            side, _, other = jobs[number]
            _, cosines, mean, square = top_k_with_moments(side_vectors, other.singles, k, block_size=block_size)
            for unit, vector, near, m, sq in zip(
                units, side_vectors, neighbourhood_means(cosines).tolist(), mean.tolist(),
                square.tolist(),
            ):
                side.windows[unit] = Embedded(vector.copy(), near, m, sq)
