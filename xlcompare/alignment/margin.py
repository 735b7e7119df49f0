"""Ratio-margin scores (Artetxe & Schwenk 2019), as used for LASER bitext mining.

A raw cosine threshold does not transfer between sentences: some sentences (short, generic,
full of names) are close to everything, others to nothing. The ratio margin divides the cosine
of a pair by the mean cosine of each side's k nearest neighbours in the other article:

    margin(x, y) = cos(x, y) / ((mean_k(x) + mean_k(y)) / 2)

so a pair scores high only when it stands out from both sentences' neighbourhoods.
"""
from __future__ import annotations

import numpy as np

# Guards the division for models whose cosines can be ~0 or negative (not E5, but LaBSE can).
_MIN_DENOMINATOR = 1e-3


def neighbourhood_means(top_k_cosines: np.ndarray) -> np.ndarray:
    """Mean cosine of each row's k nearest neighbours (rows of `top_k_similar` output)."""
    if top_k_cosines.shape[1] == 0:
        return np.zeros(len(top_k_cosines), dtype=np.float32)
    return top_k_cosines.mean(axis=1, dtype=np.float32)


def ratio_margin(
    cosine: np.ndarray | float, mean_x: np.ndarray | float, mean_y: np.ndarray | float
) -> np.ndarray:
    """Elementwise ratio margin; > 1 means the pair beats its neighbourhoods (a float for
    floats)."""
    if isinstance(cosine, float) and isinstance(mean_x, float) and isinstance(mean_y, float):
        return cosine / max((mean_x + mean_y) / 2, _MIN_DENOMINATOR)
    denominator = np.maximum((np.asarray(mean_x) + np.asarray(mean_y)) / 2, _MIN_DENOMINATOR)
    return np.asarray(cosine) / denominator
