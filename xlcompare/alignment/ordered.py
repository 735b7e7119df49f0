"""The ordered pass: where two articles run in parallel, align them in order, n:m.

Anchors (mutual best pairs by margin that stand out from their own backgrounds) are chained
where they follow each other on both sides (`chains.py`). Whether order can be trusted is
decided per article pair and per region:

* a chain of `min_chain` anchors (or of anchors for half the shorter article) is trusted whole;
  a shorter one only between its anchors that clear the global floor on their own (in a
  report on a single topic true pairs miss that floor but follow each other; in reordered
  reports a weak anchor next to a true one is mostly a pair of unrelated sentences);
* an article pair is *parallel* when trusted long chains cover `parallel_share` of its
  segments (a translation, an agency release in two languages, a translated story with
  additions); then every trusted chain is aligned, and between a long chain's anchors a link
  needs only to stand out from its two segments' own backgrounds (`min_contrast`), not the
  global floor. In a pair that is not parallel overall (reordered, partly shared reports) only
  a run of `region_chain` anchors is aligned here, as a translated passage; everything else is
  left to the comparable pass, whose links must stand on their own.

Each aligned chain gets a dynamic programme over beads (`beads.py`) in a band around its
anchors, from `edge` segments before its first anchor to `edge` after its last. A bead's gain
is its contrast above the floor, less the prior cost of its shape, less the misfit of its
lengths (Gale & Church); leaving a segment out between anchors costs what the chain's own rate
of left-out segments says it should. Last, in a parallel pair, one segment a side left alone
between two consecutive links is linked when it stands out at all (`gap_contrast`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from xlcompare.alignment.beads import BEAD_SHAPES, Band, band_from_boxes, best_beads
from xlcompare.alignment.chains import Anchor, chain_anchors
from xlcompare.alignment.side import Unit, stands_out

if TYPE_CHECKING:
    from xlcompare.alignment.state import Aligner, Candidates


@dataclass(frozen=True)
class OrderedSettings:
    """The ordered pass's parameters (see the module docstring). Contrasts are in standard
    deviations of a unit's background (`side.contrast`). The defaults were tuned with e5-ct2
    by coordinate search on the NTREX-128 benchmarks' tuning seeds (benchmarks/bench_align.py)."""

    anchor_margin: float = 1.0  # an anchor is a mutual best pair with at least this margin
    anchor_contrast: float = 1.0  # ... and at least this contrast
    max_gap: int = 4  # segments allowed between two anchors of a chain, on each side
    max_skew: int = 2  # how much those two gaps may differ
    min_chain: int = 4  # a chain this long is trusted whole
    end_outlier: float = 5.0  # an end anchor this many spreads below the chain's median cosine
    parallel_share: float = 0.5  # share of segments in long chains that makes a pair parallel
    # In a pair that is not parallel overall, order is used only in a run of this many anchors
    # (a translated passage); shorter chains there are left to the comparable pass.
    region_chain: int = 8
    slack: int = 1  # how far the band reaches beyond the boxes between anchors
    edge: int = 5  # segments before a chain's first anchor and after its last
    # One segment on each side left between two consecutive ordered links of a parallel pair:
    # order all but pairs them, so a weaker contrast suffices (a sentence whose names the
    # embedder reads poorly). Not at the start or end of the texts, which order pins on one
    # side only, and where each report often adds a sentence of its own.
    gap_contrast: float = 0.5
    min_contrast: float = 1.25  # a link between a long chain's anchors
    edge_contrast: float = 2.0  # a link beyond a chain's first or last anchor
    edge_margin: float = 1.0  # ... which must also be about as close as its neighbours
    window_contrast: float = -0.5  # each segment of a joined window, with the other unit
    contrast_weight: float = 2.5  # gain per unit of contrast above the floor
    # Prior costs, as in Gale & Church: beads other than 1-1 are rarer than 1-1 beads.
    two_one_cost: float = 1.75  # 2-1 and 1-2
    two_two_cost: float = 2.5
    three_one_cost: float = 1.0  # 3-1 and 1-3
    # Leaving a segment out between anchors (`OrderedPass.skip_cost`): the chain's rate of
    # left-out segments, drawn towards skip_rate by skip_rate_weight segments.
    skip_rate: float = 0.25
    skip_rate_weight: float = 10.0
    # Lengths (`OrderedPass.length_cost`): the log of a bead's length ratio over the typical
    # one is about normal, with spread sqrt(length_spread^2 * 100 / length + length_floor^2).
    length_spread: float = 0.22  # at 100 characters, beyond length_floor
    length_floor: float = 0.1
    length_huber: float = 3.0  # beyond this many spreads the cost grows linearly


DEFAULT_ORDERED = OrderedSettings()


class OrderedPass:
    """Runs the ordered pass on an aligner's state (sides, scores, links)."""

    def __init__(self, aligner: Aligner, settings: OrderedSettings) -> None:
        self.aligner = aligner
        self.settings = settings
        self.left, self.right = aligner.left, aligner.right
        self.shapes = [s for s in BEAD_SHAPES if max(s) <= aligner.max_group]
        self.shape_cost = {
            (1, 1): 0.0, (2, 1): settings.two_one_cost, (1, 2): settings.two_one_cost,
            (2, 2): settings.two_two_cost, (3, 1): settings.three_one_cost,
            (1, 3): settings.three_one_cost,
        }
        self.parallel = False

    # -- anchors and chains -------------------------------------------------------------
    def find_anchors(self, cand: Candidates) -> list[Anchor]:
        """Mutual best pairs by margin that stand out from their own backgrounds."""
        aligner, settings = self.aligner, self.settings
        anchors = []
        for row in aligner.mutual_best(cand):
            a, b = int(cand.a[row]), int(cand.b[row])
            margin, cos = float(cand.margin[row]), float(cand.cos[row])
            if margin < settings.anchor_margin:
                continue
            score = aligner.pair_scores((a, 1), (b, 1))[2]
            if score >= settings.anchor_contrast:
                anchors.append(Anchor(a, b, score, aligner.strong(margin, cos), cos))
        return anchors

    def long_chain(self, chain: list[Anchor]) -> bool:
        """Long enough for order to vouch for it: `min_chain` anchors, or (two articles of a
        few sentences) anchors for half the segments of the shorter one."""
        shorter = min(len(self.left), len(self.right))
        return len(chain) >= min(self.settings.min_chain, max(2, math.ceil(shorter / 2)))

    def trusted_part(self, chain: list[Anchor]) -> list[Anchor]:
        """The whole of a long chain; of a short one, the part between its first and last
        strong anchors (nothing without one)."""
        chain = self.without_outlying_ends(chain)
        if self.long_chain(chain):
            return chain
        strong = [k for k, anchor in enumerate(chain) if anchor.strong]
        return chain[strong[0] : strong[-1] + 1] if strong else []

    def without_outlying_ends(self, chain: list[Anchor]) -> list[Anchor]:
        """A chain without end anchors whose cosine lies far below the chain's others. Two
        sentences each text adds at the same end (of a short text above all) are each other's
        best match by elimination, and their contrast against a few others can be high; their
        cosine gives them away against the true pairs of the chain."""
        limit = self.settings.end_outlier
        while len(chain) >= 3:
            cosines = sorted(a.cosine for a in chain)
            median = cosines[len(cosines) // 2]
            spread = max(sorted(abs(c - median) for c in cosines)[len(cosines) // 2], 0.01)
            if chain[-1].cosine < median - limit * spread:
                chain = chain[:-1]
            elif chain[0].cosine < median - limit * spread:
                chain = chain[1:]
            else:
                break
        return chain

    def run(self, anchors: list[Anchor]) -> None:
        settings, stats = self.settings, self.aligner.stats
        chains = [
            self.trusted_part(c)
            for c in chain_anchors(anchors, max_gap=settings.max_gap, max_skew=settings.max_skew)
        ]
        chains = [c for c in chains if c]
        covered = sum(c[-1].left - c[0].left + c[-1].right - c[0].right + 2
                      for c in chains if self.long_chain(c))
        share = covered / max(len(self.left) + len(self.right), 1)
        self.parallel = share >= settings.parallel_share
        stats["anchors"] = len(anchors)
        stats["parallel_share"] = round(min(share, 1.0), 3)
        for chain in chains:
            if self.parallel or len(chain) >= settings.region_chain:
                stats["chains"] += 1
                self.align_chain(chain)
        if self.parallel:
            self.fill_single_gaps()

    def fill_single_gaps(self) -> None:
        """Link the one segment a side left between two consecutive ordered links, when the
        pair stands out at all from its backgrounds (`gap_contrast`)."""
        aligner = self.aligner
        links = sorted((link for link in aligner.links if link.ordered), key=lambda link: link.left)
        for before, after in zip(links, links[1:]):
            left = (before.left[0] + before.left[1], 1)
            right = (before.right[0] + before.right[1], 1)
            if after.left[0] != left[0] + 1 or after.right[0] != right[0] + 1:
                continue
            if not (aligner.free(self.left, left) and aligner.free(self.right, right)):
                continue
            cos, margin, score = aligner.pair_scores(left, right)
            if score >= self.settings.gap_contrast and cos >= aligner.related_cosine:
                aligner.accept(left, right, margin, cos, note="ordered: single gap")

    # -- one chain ----------------------------------------------------------------------
    def band(self, chain: list[Anchor]) -> Band:
        n_left, n_right = len(self.left), len(self.right)
        s, e = self.settings.slack, self.settings.edge

        def box(r0: int, r1: int, c0: int, c1: int) -> tuple[int, int, int, int]:
            return (max(r0, 0), min(r1, n_left), max(c0, 0), min(c1, n_right))

        first, last = chain[0], chain[-1]
        boxes = [box(first.left - e, first.left + 1 + s, first.right - e, first.right + 1 + s)]
        for p, q in zip(chain, chain[1:]):
            boxes.append(box(p.left - s, q.left + 1 + s, p.right - s, q.right + 1 + s))
        boxes.append(box(last.left - s, last.left + 1 + e, last.right - s, last.right + 1 + e))
        return band_from_boxes(boxes)

    def skip_cost(self, chain: list[Anchor]) -> float:
        """The cost of leaving a segment out between the chain's anchors, from how often the
        texts leave something out there: between two anchors, the two gaps differ by at least
        the number of segments one side has and the other lacks (or merges). The rate of that
        imbalance over the chain, drawn towards `skip_rate`, gives -log(rate / (1 - rate)), as
        a prior would: a close translation (rate ~0.05) makes leaving out dear, a partial one
        (~0.3) cheap."""
        settings = self.settings
        imbalance = sum(abs((q.left - p.left) - (q.right - p.right)) for p, q in zip(chain, chain[1:]))
        span = (chain[-1].left - chain[0].left) + (chain[-1].right - chain[0].right) + 2
        rate = (imbalance + settings.skip_rate_weight * settings.skip_rate) / (
            span + settings.skip_rate_weight)
        rate = min(max(rate, 0.01), 0.5)
        return math.log((1 - rate) / rate)

    def length_cost(self, left: Unit, right: Unit) -> float:
        """-log of how likely the bead's length ratio is, up to a constant: its log misfit is
        about normal, with a spread that shrinks with length as in Gale & Church (a headline's
        ratio varies more than a long sentence's), and linear beyond `length_huber` spreads
        (translations have heavy tails)."""
        settings, aligner = self.settings, self.aligner
        mean_length = (self.left.length(left) + self.right.length(right) / aligner.length_ratio) / 2
        spread = math.sqrt(settings.length_spread ** 2 * 100.0 / max(mean_length, 1.0)
                           + settings.length_floor ** 2)
        z = aligner.length_misfit(left, right) / spread
        h = settings.length_huber
        return 0.5 * z * z if z <= h else h * (z - 0.5 * h)

    def align_chain(self, chain: list[Anchor]) -> None:
        aligner, settings = self.aligner, self.settings
        band = self.band(chain)
        aligner.stats["band_cells"] += band.cells()
        inside = (chain[0].left, chain[-1].left + 1, chain[0].right, chain[-1].right + 1)
        singles = _BandContrasts(aligner, band)
        self.embed_windows(band, singles)
        skip_cost = self.skip_cost(chain)
        # Only where order vouches for the region may a link miss the global floor.
        local_floor = self.parallel and self.long_chain(chain) or len(chain) >= settings.region_chain

        def gain(i: int, p: int, j: int, q: int) -> float | None:
            if p == 0:
                return -skip_cost if inside[2] <= j < inside[3] else 0.0
            if q == 0:
                return -skip_cost if inside[0] <= i < inside[1] else 0.0
            left, right = (i, p), (j, q)
            if not (aligner.free(self.left, left) and aligner.free(self.right, right)):
                return None
            if not (self.left.has(left) and self.right.has(right)):
                return None
            cos, margin, score = aligner.pair_scores(left, right)
            between = inside[0] <= i and i + p <= inside[1] and inside[2] <= j and j + q <= inside[3]
            floor = settings.min_contrast if between else settings.edge_contrast
            if score < floor or (not between and margin < settings.edge_margin):
                return None
            if not local_floor and cos < aligner.min_cosine:
                return None
            return (settings.contrast_weight * (score - floor) - self.shape_cost[p, q]
                    - self.length_cost(left, right))

        for i, p, j, q in best_beads(band, gain, self.shapes):
            if p and q:
                cos, margin, _ = aligner.pair_scores((i, p), (j, q))
                between = (inside[0] <= i and i + p <= inside[1] and inside[2] <= j
                           and j + q <= inside[3])
                note = f"{'between anchors' if between else 'chain end'} of {len(chain)}"
                aligner.accept((i, p), (j, q), margin, cos, note=f"ordered: {note}")

    def embed_windows(self, band: Band, singles: _BandContrasts) -> None:
        """Embed the joined windows that a bead in the band could use: each segment of the
        window related (contrast >= window_contrast, from single vectors) to some segment of
        the unit on the other side."""
        aligner, floor = self.aligner, self.settings.window_contrast
        wanted: dict[str, set[Unit]] = {"left": set(), "right": set()}
        for k in range(len(band.low)):
            i = band.first_row + k
            for j in range(band.low[k], band.high[k] + 1):
                for p, q in self.shapes:
                    if p + q <= 2 or not band.contains(i + p, j + q):
                        continue
                    left, right = (i, p), (j, q)
                    if (p > 1 and left in self.left.windows or p == 1) and (
                            q > 1 and right in self.right.windows or q == 1):
                        continue
                    if not (self.left.is_window(*left) and self.right.is_window(*right)):
                        continue
                    if not (aligner.free(self.left, left) and aligner.free(self.right, right)):
                        continue
                    if singles.parts_related(left, right, floor):
                        if p > 1:
                            wanted["left"].add(left)
                        if q > 1:
                            wanted["right"].add(right)
        aligner.embed_windows_of_both(wanted["left"], wanted["right"])


class _BandContrasts:
    """Contrasts of single segments within reach of a band, computed a row at a time."""

    def __init__(self, aligner: Aligner, band: Band) -> None:
        left, right = aligner.left, aligner.right
        self.rows: dict[int, tuple[int, np.ndarray]] = {}
        reach = 3  # the most segments a bead takes on one side
        n_left, n_right = len(left), len(right)
        for k in range(len(band.low)):
            a = band.first_row + k
            if a >= n_left:
                continue
            low = max(band.low[max(k - reach, 0)] - reach, 0)
            high = min(band.high[min(k + reach, len(band.high) - 1)] + reach, n_right)
            if high <= low:
                continue
            cos = right.singles[low:high].astype(np.float64) @ left.singles[a].astype(np.float64)
            z_left = stands_out(cos, left.single_background[a],
                                left.single_background_square[a], n_right)
            z_right = stands_out(cos, right.single_background[low:high],
                                 right.single_background_square[low:high], n_left)
            self.rows[a] = (low, (z_left + z_right) / 2)

    def get(self, a: int, b: int) -> float:
        row = self.rows.get(a)
        if row is None or not row[0] <= b < row[0] + len(row[1]):
            return -math.inf
        return float(row[1][b - row[0]])

    def parts_related(self, left: Unit, right: Unit, floor: float) -> bool:
        """Whether every segment of each unit has a segment of the other unit it relates to."""
        lefts = range(left[0], left[0] + left[1])
        rights = range(right[0], right[0] + right[1])
        scores = {(a, b): self.get(a, b) for a in lefts for b in rights}
        return all(max(scores[a, b] for b in rights) >= floor for a in lefts) and all(
            max(scores[a, b] for a in lefts) >= floor for b in rights)

