"""The comparable pass: links that stand on their own, in any order.

What the ordered pass leaves (reordered paragraphs, statements two reports share, everything in
a pair that is not parallel) is linked here, among the segments still unlinked, as bitext
mining does: each link must clear the ratio margin and the global floor itself.

1. Mutual best pairs by margin that are strong are linked.
2. Competitive linking: the remaining strong pairs, best margin first.
3. Each 1:1 link grows into 2:1 / 1:2 with an adjacent unlinked segment when the joined text
   (embedded, as Bertalign's overlapping windows) is closer to the other side than the single
   segment was, or about as close with a better length ratio. Growing only after all 1:1 links
   are made keeps a growth from taking a segment that has a partner of its own.
4. Runs of consecutive unlinked segments are joined against an unlinked segment of the other
   side, for merged sentences whose halves were each too weak a match alone.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from xlcompare.alignment.margin import ratio_margin
from xlcompare.alignment.side import AlignmentSide, Unit

if TYPE_CHECKING:
    from xlcompare.alignment.state import Aligner, Candidates, Link

# A 1:1 link grows into 2:1 / 1:2 with an adjacent unlinked segment when the joined text is a
# strong link itself, its cosine is at most GROW_TOLERANCE below the single segment's, and
# either its cosine beats the single segment's by `grow_min_gain` (a merely related neighbour
# dilutes the joined vector and lowers the cosine, the missing half of a merged sentence raises
# it), or the lengths fit better: the joined text's length ratio to the other side is closer
# to the article pair's typical ratio than the single's (when one half of a merged sentence is
# a very close match, adding the other half can lower the cosine of a small model a little, but
# the length gap of the 1:1 link gives the merge away: Gale & Church 1993). Neighbours less
# related to the other side than an average pair are not tried, which spares embedding most
# windows.
GROW_TOLERANCE = 0.01
# Longer runs across reordered paragraphs are guesses; the ordered pass makes 3:1 and 1:3
# links where order supports them.
MAX_GROUP = 2


class ComparablePass:
    """Runs the comparable pass on an aligner's state (sides, scores, links)."""

    def __init__(self, aligner: Aligner, grow_min_gain: float) -> None:
        self.aligner = aligner
        self.left, self.right = aligner.left, aligner.right
        self.grow_min_gain = grow_min_gain
        self.max_group = min(aligner.max_group, MAX_GROUP)

    def run(self, cand: Candidates) -> None:
        self.link_mutual_best(cand)
        self.compete(cand)
        self.grow()
        if self.max_group > 1:
            self.join_free()

    def link_mutual_best(self, cand: Candidates) -> None:
        aligner = self.aligner
        for row in aligner.mutual_best(cand):
            a, b = int(cand.a[row]), int(cand.b[row])
            if aligner.used_left[a] or aligner.used_right[b]:
                continue
            if aligner.strong(float(cand.margin[row]), float(cand.cos[row])):
                aligner.accept((a, 1), (b, 1), float(cand.margin[row]), float(cand.cos[row]),
                               note="comparable: mutual best")

    def compete(self, cand: Candidates) -> None:
        aligner = self.aligner
        strong = np.flatnonzero((cand.margin >= aligner.threshold) & (cand.cos >= aligner.min_cosine))
        order = strong[np.lexsort((cand.b[strong], cand.a[strong], -cand.margin[strong]))]
        for row in order.tolist():
            a, b = int(cand.a[row]), int(cand.b[row])
            if not aligner.used_left[a] and not aligner.used_right[b]:
                aligner.accept((a, 1), (b, 1), float(cand.margin[row]), float(cand.cos[row]),
                               note="comparable: competitive")

    # -- growth ---------------------------------------------------------------------------
    def growths(self, link: Link) -> list[tuple[str, Unit]]:
        """The units one adjacent free segment larger, as (side to grow, new unit), where the
        added segment is closer to the link's other side than an average pair."""
        options: list[tuple[str, Unit]] = []
        for name, side, unit, other_unit in (
            ("left", self.left, link.left, link.right),
            ("right", self.right, link.right, link.left),
        ):
            # Only 1:n and n:1 shapes: a 2:2 link is two 1:1 links more often than not.
            if other_unit[1] != 1 or unit[1] >= self.max_group:
                continue
            start, size = unit
            for new, added in (((start - 1, size + 1), start - 1), ((start, size + 1), start + size)):
                if side.is_window(*new) and self.aligner.free(side, (added, 1)):
                    if self.added_cosine(name, link, new) >= self.aligner.related_cosine:
                        options.append((name, new))
        return options

    def added_cosine(self, name: str, link: Link, unit: Unit) -> float:
        """Cosine between the segment a growth adds and the link's (single) other side."""
        if name == "left":
            side, old, other = self.left, link.left, self.right.unit(link.right).vector
        else:
            side, old, other = self.right, link.right, self.left.unit(link.left).vector
        added = unit[0] if unit[0] < old[0] else unit[0] + unit[1] - 1
        return float(side.singles[added] @ other)

    def growth_wins(self, link: Link, name: str, unit: Unit, cos: float, margin: float) -> bool:
        """Whether growing `link` into `unit` on side `name` (joined cosine `cos`) is better."""
        aligner = self.aligner
        if not aligner.strong(margin, cos) or cos < link.cosine - GROW_TOLERANCE:
            return False
        if cos >= link.cosine + self.grow_min_gain:
            return True
        grown = (unit, link.right) if name == "left" else (link.left, unit)
        return aligner.length_misfit(*grown) < aligner.length_misfit(link.left, link.right)

    def grow(self) -> None:
        aligner = self.aligner
        mine = [link for link in aligner.links if not link.ordered]
        while True:
            wanted: dict[str, set[Unit]] = {"left": set(), "right": set()}
            for link in mine:
                for name, unit in self.growths(link):
                    wanted[name].add(unit)
            if not wanted["left"] and not wanted["right"]:
                return
            aligner.embed_windows_of_both(wanted["left"], wanted["right"])
            grown_any = False
            for link in sorted(mine, key=lambda x: (-x.margin, x.left, x.right)):
                best: tuple[float, float, str, Unit] | None = None
                for name, unit in self.growths(link):
                    grown = (unit, link.right) if name == "left" else (link.left, unit)
                    cos, margin, _ = aligner.pair_scores(*grown)
                    if not self.growth_wins(link, name, unit, cos, margin):
                        continue
                    if best is None or (cos, margin) > (best[0], best[1]):
                        best = (cos, margin, name, unit)
                if best is None:
                    continue
                cos, margin, name, unit = best
                aligner.grow(link, name, unit, margin, cos)
                grown_any = True
            if not grown_any:
                return

    def runs_with_a_partner(self, side: AlignmentSide, partners: np.ndarray, block: int = 512) -> set[Unit]:
        """The free runs of 2..max_group segments of `side` with a partner (a row of
        `partners`) that every segment of the run relates to. `join_free` links a run only to
        such a partner, so the other runs are not embedded: on the seeds that spares 7 of 18
        (0.2 s), and it never changes a link. The cosines are taken a block of rows at a time
        (two 5,000-segment articles would need 50 MB at once)."""
        aligner, runs = self.aligner, set[Unit]()
        floor = aligner.related_cosine
        for first in range(0, len(side), block):
            rows = side.singles[first : first + block + self.max_group - 1]
            related = rows @ partners.T >= floor
            for start in range(first, min(first + block, len(side))):
                for size in range(2, self.max_group + 1):
                    unit = (start, size)
                    if (side.is_window(*unit) and aligner.free(side, unit)
                            and related[start - first : start - first + size].all(axis=0).any()):
                        runs.add(unit)
        return runs

    def join_free(self) -> None:
        """Link runs of consecutive unlinked segments to one unlinked segment on the other side.

        This finds the merges that growth cannot: when each half of a merged sentence is too
        weak a match for its whole to make a 1:1 link, only the joined halves are.
        """
        aligner = self.aligner
        options: list[tuple[float, float, str, Unit, int]] = []
        sides = (("left", self.left, self.right, aligner.used_right),
                 ("right", self.right, self.left, aligner.used_left))
        free = {name: [p for p in range(len(other)) if not other_used[p]] for name, _, other, other_used in sides}
        runs = {name: self.runs_with_a_partner(side, other.singles[free[name]]) if free[name] else set()
                for name, side, other, _ in sides}
        aligner.embed_windows_of_both(runs["left"], runs["right"])
        for name, side, other, _ in sides:
            free_others = free[name]
            if not free_others:
                continue
            candidates = other.singles[free_others]
            for unit in sorted(runs[name]):
                window = side.windows[unit]
                cosines = candidates @ window.vector
                best = int(np.argmax(cosines))
                partner, cos = free_others[best], float(cosines[best])
                margin = float(ratio_margin(cos, window.neighbourhood, other.single_means[partner]))
                parts = side.singles[unit[0] : unit[0] + unit[1]] @ other.singles[partner]
                if aligner.strong(margin, cos) and float(parts.min()) >= aligner.related_cosine:
                    options.append((margin, cos, name, unit, partner))
        for margin, cos, name, unit, partner in sorted(options, key=lambda o: (-o[0], o[2:])):
            single = (partner, 1)
            left, right = (unit, single) if name == "left" else (single, unit)
            if aligner.free(self.left, left) and aligner.free(self.right, right):
                aligner.accept(left, right, margin, cos, note="comparable: joined run")
