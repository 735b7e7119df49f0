"""The best sequence of beads through a band: the dynamic programme of sentence aligners.

Between the anchors of a chain the two texts run in parallel, so what lies there is aligned as
Gale & Church, Vecalign and Bertalign's second pass do: a path of *beads* from one corner of the
region to the other, each bead taking `p` segments on the left and `q` on the right (1-1, 2-1,
1-2, 2-2, 3-1, 1-3 links, and 1-0 / 0-1 for a segment the other side does not have), chosen to
maximise the summed gain of its beads. Only cells inside a band are visited (around the
anchors), so the cost grows with the length of the texts, not with its square.

A cell (i, j) means "the first i left and j right positions are consumed". The band gives, for
every row i, the interval of columns j a path may pass through.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Shape = tuple[int, int]
BEAD_SHAPES: tuple[Shape, ...] = ((1, 0), (0, 1), (1, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3))


@dataclass(frozen=True)
class Band:
    """Rows first_row..first_row+len(low)-1; row i may use columns low[k]..high[k], k = i -
    first_row. The path starts at (first_row, low[0]) and ends at (last row, high[-1])."""

    first_row: int
    low: Sequence[int]
    high: Sequence[int]

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.low) - 1

    def cells(self) -> int:
        return sum(h - lo + 1 for lo, h in zip(self.low, self.high))

    def contains(self, i: int, j: int) -> bool:
        k = i - self.first_row
        return 0 <= k < len(self.low) and self.low[k] <= j <= self.high[k]


def band_from_boxes(boxes: Sequence[tuple[int, int, int, int]]) -> Band:
    """The band covering boxes (row low, row high, column low, column high), inclusive, made
    monotone (each row's interval starts and ends no earlier than the previous row's)."""
    first = min(b[0] for b in boxes)
    last = max(b[1] for b in boxes)
    low = [math.inf] * (last - first + 1)
    high = [-math.inf] * (last - first + 1)
    for r0, r1, c0, c1 in boxes:
        for i in range(r0, r1 + 1):
            low[i - first] = min(low[i - first], c0)
            high[i - first] = max(high[i - first], c1)
    for k in range(1, len(low)):  # rows no box covers inherit their neighbour's interval
        if low[k] == math.inf:
            low[k], high[k] = low[k - 1], high[k - 1]
    for k in range(1, len(low)):
        low[k] = max(low[k], low[k - 1])
    for k in range(len(high) - 2, -1, -1):
        high[k] = min(high[k], high[k + 1])
    return Band(first, [int(x) for x in low], [int(x) for x in high])


Gain = Callable[[int, int, int, int], "float | None"]
"""gain(left start, p, right start, q): the bead's gain, or None where it is not allowed."""


def best_beads(
    band: Band, gain: Gain, shapes: Sequence[Shape] = BEAD_SHAPES
) -> list[tuple[int, int, int, int]]:
    """The beads (left start, p, right start, q) of the highest-gain path through `band`."""
    first = band.first_row
    rows = len(band.low)
    score: list[list[float]] = [[-math.inf] * (h - lo + 1) for lo, h in zip(band.low, band.high)]
    back: list[list[int]] = [[-1] * (h - lo + 1) for lo, h in zip(band.low, band.high)]
    score[0][0] = 0.0
    for k in range(rows):
        i = first + k
        low, high = band.low[k], band.high[k]
        row_score, row_back = score[k], back[k]
        for j in range(low, high + 1):
            best, best_shape = row_score[j - low], row_back[j - low]
            for index, (p, q) in enumerate(shapes):
                pk = k - p
                if pk < 0:
                    continue
                pj = j - q
                p_low = band.low[pk]
                if not p_low <= pj <= band.high[pk]:
                    continue
                previous = score[pk][pj - p_low]
                if previous == -math.inf:
                    continue
                value = gain(i - p, p, pj, q)
                if value is None:
                    continue
                if previous + value > best:
                    best, best_shape = previous + value, index
            row_score[j - low], row_back[j - low] = best, best_shape
    beads = []
    k, j = rows - 1, band.high[-1]
    if score[k][j - band.low[k]] == -math.inf:
        raise ValueError("the band's end cannot be reached from its start")
    while (k, j) != (0, band.low[0]):
        p, q = shapes[back[k][j - band.low[k]]]
        k, j = k - p, j - q
        beads.append((first + k, p, j, q))
    beads.reverse()
    return beads
