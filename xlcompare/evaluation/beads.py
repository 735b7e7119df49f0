"""Sentence-alignment quality as beads: the strict and lax precision / recall of Vecalign and
Bertalign (after Sennrich & Volk 2011), so that xlcompare's numbers compare with theirs.

A bead is (left ids, right ids): 1-1, 2-1, 1-0 (a left segment with no counterpart) ...
A predicted bead is a *strict* match when it equals a gold bead, and a *lax* match when it
shares at least one (left, right) pair with a gold bead. Precision is over all predicted beads,
1-0 and 0-1 included; recall over the gold beads with both sides non-empty, matched against
the predicted beads with both sides non-empty. Counts are summed over documents before the
ratios are taken.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Bead = tuple[tuple[int, ...], tuple[int, ...]]


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass
class BeadCounts:
    """True/false positives, strict and lax, for precision (p_*) and for recall (r_*)."""

    p_tp_strict: int = 0
    p_fp_strict: int = 0
    p_tp_lax: int = 0
    p_fp_lax: int = 0
    r_tp_strict: int = 0
    r_fp_strict: int = 0
    r_tp_lax: int = 0
    r_fp_lax: int = 0

    def add(self, other: BeadCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def strict_precision(self) -> float:
        return _ratio(self.p_tp_strict, self.p_tp_strict + self.p_fp_strict)

    @property
    def strict_recall(self) -> float:
        return _ratio(self.r_tp_strict, self.r_tp_strict + self.r_fp_strict)

    @property
    def lax_precision(self) -> float:
        return _ratio(self.p_tp_lax, self.p_tp_lax + self.p_fp_lax)

    @property
    def lax_recall(self) -> float:
        return _ratio(self.r_tp_lax, self.r_tp_lax + self.r_fp_lax)

    @property
    def strict_f1(self) -> float:
        return _f1(self.strict_precision, self.strict_recall)

    @property
    def lax_f1(self) -> float:
        return _f1(self.lax_precision, self.lax_recall)


def _match(reference: Iterable[Bead], candidates: Iterable[Bead]) -> tuple[int, int, int, int]:
    """(tp strict, fp strict, tp lax, fp lax) of `candidates` against `reference`."""
    reference = {(tuple(a), tuple(b)) for a, b in reference if a or b}
    candidates = {(tuple(a), tuple(b)) for a, b in candidates if a or b}
    partners: dict[int, set[int]] = defaultdict(set)
    for left, right in reference:
        for i in left:
            partners[i].update(right)
    tp_strict = fp_strict = tp_lax = fp_lax = 0
    for left, right in candidates:
        if (left, right) in reference:
            tp_strict += 1
            tp_lax += 1
            continue
        fp_strict += 1
        shared = set().union(*(partners[i] for i in left)) & set(right) if left else set()
        if shared:
            tp_lax += 1
        else:
            fp_lax += 1
    return tp_strict, fp_strict, tp_lax, fp_lax


def bead_counts(gold: Sequence[Bead], predicted: Sequence[Bead]) -> BeadCounts:
    """Strict and lax counts of one document's predicted beads against its gold beads."""
    precision = _match(gold, predicted)
    recall = _match(
        [b for b in predicted if b[0] and b[1]], [b for b in gold if b[0] and b[1]]
    )
    return BeadCounts(*precision, *recall)


def beads_of_links(
    links: Iterable[tuple[Sequence[int], Sequence[int]]],
    left_ids: Iterable[int],
    right_ids: Iterable[int],
) -> list[Bead]:
    """Predicted beads from an aligner's links: each link, plus a 1-0 / 0-1 bead for every id
    of `left_ids` / `right_ids` (the segments that could be aligned) in no link."""
    beads: list[Bead] = [(tuple(a), tuple(b)) for a, b in links]
    linked_left = {i for a, _ in beads for i in a}
    linked_right = {j for _, b in beads for j in b}
    beads += [((i,), ()) for i in left_ids if i not in linked_left]
    beads += [((), (j,)) for j in right_ids if j not in linked_right]
    return beads
