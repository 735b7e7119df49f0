"""Align the segments of two articles in different languages, from close translations to
loosely related reports.

Two reports of the same story can be anything from a line-by-line translation (an agency's
release in two languages) through a translated wire story with paragraphs added, to two
reports that share a few statements in a different order. The aligner adapts per article pair
and per region, in two passes over the same candidates:

0. Every alignable segment is embedded (multilingual embeddings, English mixed in when given:
   `embed.py`) and finds its k nearest neighbours on the other side, block by block, along with
   the mean and spread of all its cosines there (`knn.py`); candidate pairs are scored by ratio
   margin (`margin.py`) and by contrast, how far each stands out from its own background
   (`side.py`).
1. **Ordered pass** (`ordered.py`): where anchors follow each other in the same order on both
   sides, the texts run in parallel; there a dynamic programme over 1-0, 0-1, 1-1, 2-1, 1-2,
   2-2, 3-1 and 1-3 beads aligns everything between and around the anchors, scoring joined
   windows with the embedder as Bertalign's second pass does, with a floor that order lowers.
2. **Comparable pass** (`comparable.py`): among the segments still unlinked, links that clear
   the ratio margin and a global floor on their own, in any order (bitext mining), growing into
   2:1 / 1:2 where the joined text matches better.

Whatever is left is unmatched: said by one side only. Boilerplate and segments without a
letter (bare numbers, bullets) are never aligned.

Cost, for n + m segments: every segment is embedded once; joined windows only where a bead
could use them (each of their segments related to the other unit), one to two texts per
segment in a parallel text and fewer in reordered reports (`AlignmentResult.stats` counts
them). Memory stays bounded: block_size x block_size similarity blocks, the band of each
chain's dynamic programme (about (gap + 2) cells per segment per side), the windows embedded,
never an n x m matrix.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict

from xlcompare.alignment.comparable import ComparablePass
from xlcompare.alignment.embedders.base import Embedder
from xlcompare.alignment.knn import DEFAULT_BLOCK_SIZE
from xlcompare.alignment.model import Alignment
from xlcompare.alignment.ordered import DEFAULT_ORDERED, OrderedPass, OrderedSettings
from xlcompare.alignment.result import AlignmentResult
from xlcompare.alignment.side import AlignmentSide, embed_together
from xlcompare.alignment.state import Aligner
from xlcompare.segments.model import Segment

log = logging.getLogger(__name__)

ALIGNMENT_METHOD = "chains-bead-dp+knn-ratio-margin/2"
DEFAULT_K = 4
# The defaults were tuned with e5-ct2 on the NTREX-128 benchmarks' tuning seeds
# (benchmarks/bench_align.py) and are reported on held-out seeds.
#
# Ratio margin a link must reach. E5 cosines are compressed (unrelated sentences ~0.8), so true
# pairs stand out from their neighbourhoods by a few percent, not by tens of percent.
DEFAULT_THRESHOLD = 1.01
# The margin is relative: two sentences that both have no counterpart, in documents the other
# article lacks, can be each other's best "least unrelated" match and stand out from equally
# unrelated neighbourhoods. So a link that order does not vouch for must also have a cosine that
# is an outlier against the background of the two articles: mean + min_z * standard deviation
# of all cross-article cosines except the mutual nearest neighbours (the potential
# counterparts). The moments are exact and need no matrix (`cosine_moments`).
DEFAULT_MIN_Z = 2.6
# See comparable.py: how much a joined window's cosine must gain to grow a link.
DEFAULT_GROW_MIN_GAIN = 0.01
DEFAULT_MAX_GROUP = 3

__all__ = ["DEFAULT_ORDERED", "OrderedSettings", "align_segments"]


def _alignable(segment: Segment) -> bool:
    # Bare numbers, dates or bullets embed close to any other number; they carry no content
    # that could be matched reliably (numbers are compared elsewhere, after digit folding).
    return not segment.boilerplate and any(ch.isalpha() for ch in segment.text)


def _run(aligner: Aligner, ordered: OrderedSettings | None, grow_min_gain: float) -> None:
    candidates = aligner.single_candidates()
    if ordered is not None:
        ordered_pass = OrderedPass(aligner, ordered)
        anchors = ordered_pass.find_anchors(candidates)
        aligner.set_length_ratio([(a.left, a.right) for a in anchors])
        ordered_pass.run(anchors)
    else:
        rows = [r for r in aligner.mutual_best(candidates)
                if aligner.strong(float(candidates.margin[r]), float(candidates.cos[r]))]
        aligner.set_length_ratio([(int(candidates.a[r]), int(candidates.b[r])) for r in rows])
    ComparablePass(aligner, grow_min_gain).run(candidates)


def align_segments(
    left: Sequence[Segment],
    right: Sequence[Segment],
    embedder: Embedder,
    *,
    left_english: dict[int, str] | None = None,
    right_english: dict[int, str] | None = None,
    max_group: int = DEFAULT_MAX_GROUP,
    k: int = DEFAULT_K,
    threshold: float = DEFAULT_THRESHOLD,
    min_z: float = DEFAULT_MIN_Z,
    grow_min_gain: float = DEFAULT_GROW_MIN_GAIN,
    block_size: int = DEFAULT_BLOCK_SIZE,
    ordered: OrderedSettings | None = DEFAULT_ORDERED,
) -> AlignmentResult:
    """Link segments of `left` to segments of `right` that say the same thing.

    Works on the source texts alone; `left_english` / `right_english` (segment id -> English)
    are mixed in when given (either side may lack them). Links join consecutive segment ids on
    each side: up to 3:1, 1:3 and 2:2 where the texts run in parallel, 2:1 / 1:2 elsewhere, at
    most `max_group` segments a side. `ordered=None` skips the ordered pass (every link must
    then stand on its own, in any order). See the module docstring for what it costs.
    """
    if max_group < 1:
        raise ValueError(f"max_group must be >= 1, got {max_group}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    use_english = left_english is not None or right_english is not None
    sides = []
    for segments, english in ((left, left_english), (right, right_english)):
        alignable = sorted((s for s in segments if _alignable(s)), key=lambda s: s.id)
        sides.append(AlignmentSide(alignable, (english or {}) if use_english else None))
    left_side, right_side = sides

    aligner = Aligner(
        left_side, right_side, embedder,
        k=k, threshold=threshold, min_z=min_z, max_group=max_group, block_size=block_size,
    )
    if left_side.segments and right_side.segments:
        # One call per article: an article's sentence vectors then never depend on what it
        # is compared with (a batch moves them in the last digits), so a corpus run, which
        # embeds each article once for all its pairs, writes the reports `compare` writes.
        for side in (left_side, right_side):
            (side.singles,) = embed_together([(side, [(i, 1) for i in range(len(side))])], embedder)
        _run(aligner, ordered, grow_min_gain)

    left_ids, right_ids = left_side.ids, right_side.ids
    alignments = sorted(
        (
            Alignment(
                left=tuple(left_ids[link.left[0] : link.left[0] + link.left[1]]),
                right=tuple(right_ids[link.right[0] : link.right[0] + link.right[1]]),
                score=link.margin,
                # With English mixed in this is the mean of the source and English cosines.
                cosine=link.cosine,
            )
            for link in aligner.links
        ),
        key=lambda a: (a.left, a.right),
    )
    linked_left = {i for a in alignments for i in a.left}
    linked_right = {i for a in alignments for i in a.right}
    content_left = [s.id for s in left if not s.boilerplate]
    content_right = [s.id for s in right if not s.boilerplate]
    log.debug("aligned %d links over %d x %d segments", len(alignments), len(left), len(right))
    return AlignmentResult(
        alignments=alignments,
        unmatched_left=sorted(i for i in content_left if i not in linked_left),
        unmatched_right=sorted(i for i in content_right if i not in linked_right),
        parameters={
            "method": ALIGNMENT_METHOD,
            "k": k,
            "threshold": threshold,
            "min_z": min_z,
            "grow_min_gain": grow_min_gain,
            "max_group": max_group,
            "ordered": None if ordered is None else asdict(ordered),
            "english": {"left": left_english is not None, "right": right_english is not None},
            "embedder": embedder.signature(),
        },
        stats={
            **aligner.stats,
            "segments": len(left_side) + len(right_side),
            "texts_embedded": left_side.texts_embedded + right_side.texts_embedded,
            "windows_embedded": len(left_side.windows) + len(right_side.windows),
            "ordered_links": sum(link.ordered for link in aligner.links),
        },
    )
