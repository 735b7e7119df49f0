"""An in-memory cache of embeddings keyed by text, as a wrapper around any embedder.

Aligning the same article against several others, re-running a notebook cell, or a benchmark
whose cases share documents embeds the same sentences again and again; the wrapper embeds each
distinct text once. It is a wrapper (like `TranslationCache`), not a flag inside embedders.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from xlcompare.alignment.embedders.base import Embedder


class CachedEmbedder:
    """Wraps `inner`; remembers up to `max_entries` vectors (least recently used dropped)."""

    def __init__(self, inner: Embedder, *, max_entries: int = 200_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_entries = max_entries
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return self.inner.embed([])
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        fresh = self.inner.embed(missing) if missing else None
        rows: dict[str, np.ndarray] = {}
        if fresh is not None:
            rows.update(zip(missing, fresh))
        for text in texts:
            if text not in rows:
                rows[text] = self._vectors[text]
                self._vectors.move_to_end(text)
        for text in missing:
            self._vectors[text] = rows[text]
        while len(self._vectors) > self.max_entries:
            self._vectors.popitem(last=False)
        return np.stack([rows[t] for t in texts]).astype(np.float32, copy=False)

    def signature(self) -> dict[str, Any]:
        # The cache does not change a single number, so it is invisible in the signature.
        return self.inner.signature()

    def __len__(self) -> int:
        return len(self._vectors)
