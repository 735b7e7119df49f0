"""Nearest neighbours by cosine, computed block by block so memory stays bounded.

Two articles of 5,000 segments each would need a 5,000 x 5,000 similarity matrix (100 MB in
float32, twice that in float64) if computed at once; `top_k_similar` never holds more than one
`block_size x block_size` float32 block plus the running top-k lists.
"""
from __future__ import annotations

import numpy as np

DEFAULT_BLOCK_SIZE = 512


def _as_unit_rows(name: str, vectors: np.ndarray) -> np.ndarray:
    array = np.asarray(vectors)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n, dim), got shape {array.shape}")
    return np.ascontiguousarray(array, dtype=np.float32)


def similarity_matrix(left_emb: np.ndarray, right_emb: np.ndarray) -> np.ndarray:
    """Dense float32 cosine matrix (len(left), len(right)) of L2-normalised rows.

    Meant for small articles (heatmaps in a notebook); alignment itself uses `top_k_similar`.
    """
    left = _as_unit_rows("left_emb", left_emb)
    right = _as_unit_rows("right_emb", right_emb)
    if left.shape[1] != right.shape[1]:
        raise ValueError(f"dimension mismatch: {left.shape[1]} vs {right.shape[1]}")
    return left @ right.T


def top_k_similar(
    queries: np.ndarray, keys: np.ndarray, k: int, *, block_size: int = DEFAULT_BLOCK_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """The k keys most similar to each query: (indices int64, cosines float32), both (n, k').

    k' = min(k, len(keys)). Rows are sorted by decreasing cosine, then increasing index.
    """
    indices, cosines, _, _ = top_k_with_moments(queries, keys, k, block_size=block_size)
    return indices, cosines


def top_k_with_moments(
    queries: np.ndarray, keys: np.ndarray, k: int, *, block_size: int = DEFAULT_BLOCK_SIZE
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`top_k_similar`, plus each query's mean cosine and mean squared cosine over all keys
    (float64, (n,)): the background a query stands out from, at no extra pass."""
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    queries = _as_unit_rows("queries", queries)
    keys = _as_unit_rows("keys", keys)
    n, m = len(queries), len(keys)
    k = max(0, min(k, m))
    indices = np.empty((n, k), dtype=np.int64)
    cosines = np.empty((n, k), dtype=np.float32)
    sums = np.zeros(n, dtype=np.float64)
    squares = np.zeros(n, dtype=np.float64)
    if n == 0 or k == 0:
        return indices, cosines, sums, squares
    for q0 in range(0, n, block_size):
        block = queries[q0 : q0 + block_size]
        best_cos = np.empty((len(block), 0), dtype=np.float32)
        best_idx = np.empty((len(block), 0), dtype=np.int64)
        for k0 in range(0, m, block_size):
            sims = block @ keys[k0 : k0 + block_size].T
            sums[q0 : q0 + len(block)] += sims.sum(axis=1, dtype=np.float64)
            squares[q0 : q0 + len(block)] += np.square(sims, dtype=np.float64).sum(axis=1)
            ids = np.arange(k0, k0 + sims.shape[1], dtype=np.int64)
            if sims.shape[1] > k:
                keep = np.argpartition(-sims, k - 1, axis=1)[:, :k]
                sims, ids = np.take_along_axis(sims, keep, axis=1), ids[keep]
            else:
                ids = np.broadcast_to(ids, sims.shape)
            best_cos = np.concatenate([best_cos, sims], axis=1)
            best_idx = np.concatenate([best_idx, ids], axis=1)
            if best_cos.shape[1] > k:
                keep = np.argpartition(-best_cos, k - 1, axis=1)[:, :k]
                best_cos = np.take_along_axis(best_cos, keep, axis=1)
                best_idx = np.take_along_axis(best_idx, keep, axis=1)
        order = np.lexsort((best_idx, -best_cos), axis=1)
        cosines[q0 : q0 + len(block)] = np.take_along_axis(best_cos, order, axis=1)
        indices[q0 : q0 + len(block)] = np.take_along_axis(best_idx, order, axis=1)
    return indices, cosines, sums / m, squares / m


def cosine_moments(
    left_emb: np.ndarray, right_emb: np.ndarray, exclude: np.ndarray | None = None
) -> tuple[float, float]:
    """Mean and standard deviation of the len(left) x len(right) cosines, exactly, without
    forming the matrix: the sum is (sum of left) . (sum of right) and the sum of squares is the
    Frobenius product of the two dim x dim Gram matrices.

    `exclude` holds the cosines of distinct pairs to leave out (e.g. each segment's nearest
    neighbour, the potential true matches), so that the moments describe the background of
    unrelated pairs even when most segments of two short articles have a counterpart.
    """
    left = _as_unit_rows("left_emb", left_emb)
    right = _as_unit_rows("right_emb", right_emb)
    excluded = np.zeros(0, np.float64) if exclude is None else np.asarray(exclude, np.float64)
    count = len(left) * len(right) - len(excluded)
    if count <= 1:
        if len(excluded) and exclude is not None:
            return cosine_moments(left, right)
        return 0.0, 0.0
    # Only dim-sized sums and dim x dim Gram matrices are accumulated in float64.
    total = float(left.sum(axis=0, dtype=np.float64) @ right.sum(axis=0, dtype=np.float64))
    gram_product = (left.T @ left).astype(np.float64) * (right.T @ right)
    total_square = float(gram_product.sum())
    mean = (total - excluded.sum()) / count
    mean_square = (total_square - np.square(excluded).sum()) / count
    return float(mean), float(np.sqrt(max(mean_square - mean * mean, 0.0)))
