"""Parallel and partly parallel alignment cases built from NTREX-128, with gold beads.

NTREX-128's Hindi and Persian documents translate the same English documents line by line, so a
document pair is a parallel text with a known 1-1 alignment. Real parallel texts are not that
tidy: a translator merges two sentences or splits one, and each side leaves something out. The
cases here put that back, one whole document per case, as pre-split input (one segment per
line, as aligners are fed):

* **parallel** (`build_parallel_case`): per gold position, with the given probabilities, a
  line is deleted on one side (1-0 / 0-1 gold beads, about 5% per side), two lines are merged
  into one on one side (2-1 / 1-2), a line is split in two (1-2 / 2-1) or three (1-3 / 3-1) on
  one side, or two lines are re-cut at another point on one side (2-2: "a b | c" against
  "a | b c"). Splits fall on a clause boundary near the cut when there is one, else between
  words; merges replace the first sentence's final stop with a comma.
* **partly parallel** (`build_partly_parallel_case`): one side is the whole document; the other
  drops 30% of its lines and gets paragraphs (runs of 2-4 lines) of another document inserted
  between its lines. Gold: the dropped lines are unique to the whole side, the inserted lines to
  the other; the rest is 1-1.

Gold beads index the lines of each side's text (`left_lines`, `right_lines`); the text given to
xlcompare is those lines joined by newlines, segmented with `--split lines`.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from benchmarks.ntrex_cases import NtrexCorpus, _merge_texts

Bead = tuple[tuple[int, ...], tuple[int, ...]]

# Clause boundaries a split prefers: after a comma, Arabic comma, semicolon or colon.
_CLAUSE_END = re.compile(r"[,،;؛:]$")


@dataclass(frozen=True)
class ParallelCase:
    kind: str  # "parallel" | "partly-parallel"
    seed: int
    document: str
    left_lines: list[str]
    right_lines: list[str]
    gold: list[Bead]
    languages: tuple[str, str] = ("hi", "fa")

    @property
    def left_text(self) -> str:
        return "\n".join(self.left_lines) + "\n"

    @property
    def right_text(self) -> str:
        return "\n".join(self.right_lines) + "\n"

    def gold_unique(self) -> tuple[set[int], set[int]]:
        """Lines of each side with no counterpart on the other."""
        return (
            {i for a, b in self.gold if not b for i in a},
            {j for a, b in self.gold if not a for j in b},
        )

    def shapes(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for a, b in self.gold:
            shape = f"{len(a)}-{len(b)}"
            counts[shape] = counts.get(shape, 0) + 1
        return counts


def split_text(text: str, pieces: int, rng: random.Random) -> list[str] | None:
    """Cut a sentence into `pieces` parts of at least 3 words each, at clause boundaries near
    the even cut points where there are some; None when it is too short."""
    words = text.split()
    if len(words) < 3 * pieces:
        return None
    cuts: list[int] = []
    for k in range(1, pieces):
        target = round(len(words) * k / pieces + rng.uniform(-0.1, 0.1) * len(words))
        low = (cuts[-1] if cuts else 0) + 3
        high = len(words) - 3 * (pieces - k)
        target = min(max(target, low), high)
        clause = [c for c in range(low, high + 1) if _CLAUSE_END.search(words[c - 1])]
        near = [c for c in clause if abs(c - target) <= max(2, len(words) // 6)]
        cuts.append(min(near, key=lambda c: abs(c - target)) if near else target)
    bounds = [0, *cuts, len(words)]
    return [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:])]


def build_parallel_case(
    corpus: NtrexCorpus,
    seed: int,
    *,
    languages: tuple[str, str] = ("hi", "fa"),
    delete_rate: float = 0.05,
    merge_rate: float = 0.04,
    split_rate: float = 0.04,
    recut_rate: float = 0.03,
    split3_rate: float = 0.03,
) -> ParallelCase:
    """One whole NTREX document with simulated merges, splits, re-cuts and deletions."""
    rng = random.Random(seed)
    name, ids = corpus.documents[rng.randrange(len(corpus.documents))]
    texts = {lang: [corpus.lines[lang][i].strip() for i in ids] for lang in languages}
    out: dict[str, list[str]] = {lang: [] for lang in languages}
    gold: list[Bead] = []

    def emit(pieces: dict[str, list[str]]) -> None:
        bead = []
        for lang in languages:
            start = len(out[lang])
            out[lang].extend(pieces[lang])
            bead.append(tuple(range(start, len(out[lang]))))
        gold.append((bead[0], bead[1]))

    i = 0
    n = len(ids)
    while i < n:
        roll = rng.random()
        side, other = rng.sample(languages, 2)
        here = {lang: texts[lang][i] for lang in languages}
        thresholds = [delete_rate * 2, merge_rate, split_rate, recut_rate, split3_rate]
        edges = [sum(thresholds[: k + 1]) for k in range(len(thresholds))]
        if roll < edges[0]:  # deleted on one side
            emit({side: [], other: [here[other]]})
            i += 1
            continue
        if roll < edges[1] and 0 < i < n - 1:  # merged on one side (never the headline)
            nxt = {lang: texts[lang][i + 1] for lang in languages}
            emit({side: [_merge_texts(here[side], nxt[side], side)],
                  other: [here[other], nxt[other]]})
            i += 2
            continue
        if roll < edges[2] and i > 0:  # split in two on one side
            pieces = split_text(here[side], 2, rng)
            if pieces:
                emit({side: pieces, other: [here[other]]})
                i += 1
                continue
        if roll < edges[3] and 0 < i < n - 1:  # two lines re-cut at another point on one side
            nxt = {lang: texts[lang][i + 1] for lang in languages}
            moved = split_text(nxt[side] if rng.random() < 0.5 else here[side], 2, rng)
            if moved:
                if nxt[side].startswith(moved[0]):  # "a b1 | b2"
                    recut = [f"{here[side]} {moved[0]}", moved[1]]
                else:  # "a1 | a2 b"
                    recut = [moved[0], f"{moved[1]} {nxt[side]}"]
                emit({side: recut, other: [here[other], nxt[other]]})
                i += 2
                continue
        if roll < edges[4] and i > 0:  # split in three on one side
            pieces = split_text(here[side], 3, rng)
            if pieces:
                emit({side: pieces, other: [here[other]]})
                i += 1
                continue
        emit({lang: [here[lang]] for lang in languages})
        i += 1
    return ParallelCase("parallel", seed, name, out[languages[0]], out[languages[1]], gold,
                        languages)


def build_partly_parallel_case(
    corpus: NtrexCorpus,
    seed: int,
    *,
    languages: tuple[str, str] = ("hi", "fa"),
    drop_rate: float = 0.3,
    inserted_share: float = 0.3,
    paragraph_sizes: tuple[int, int] = (2, 4),
) -> ParallelCase:
    """A whole document against the same document with lines dropped and another document's
    paragraphs inserted; which side is whole is drawn per case."""
    rng = random.Random(seed)
    index = rng.randrange(len(corpus.documents))
    name, ids = corpus.documents[index]
    other_index = rng.choice([d for d in range(len(corpus.documents)) if d != index])
    _, other_ids = corpus.documents[other_index]
    whole, partial = rng.sample(languages, 2)

    kept = [i for i in range(len(ids)) if rng.random() >= drop_rate]
    # Paragraphs of the other document, inserted at random gaps between kept lines.
    budget = max(2, round(inserted_share * len(ids)))
    inserts: dict[int, list[str]] = {}
    start = 0
    while budget > 0 and start < len(other_ids):
        size = min(rng.randint(*paragraph_sizes), budget, len(other_ids) - start)
        gap = rng.randint(0, len(kept))
        inserts.setdefault(gap, []).extend(
            corpus.lines[partial][other_ids[k]].strip() for k in range(start, start + size)
        )
        start += size + rng.randint(0, 3)
        budget -= size

    whole_lines = [corpus.lines[whole][i].strip() for i in ids]
    partial_lines: list[str] = []
    gold: list[Bead] = []  # in (whole, partial) orientation first
    kept_set = set(kept)
    partial_of: dict[int, int] = {}
    for gap in range(len(kept) + 1):
        for text in inserts.get(gap, []):
            gold.append(((), (len(partial_lines),)))
            partial_lines.append(text)
        if gap < len(kept):
            partial_of[kept[gap]] = len(partial_lines)
            partial_lines.append(corpus.lines[partial][ids[kept[gap]]].strip())
    for i in range(len(ids)):
        gold.append(((i,), (partial_of[i],)) if i in kept_set else ((i,), ()))
    if whole == languages[0]:
        left, right, beads = whole_lines, partial_lines, gold
    else:
        left, right, beads = partial_lines, whole_lines, [(b, a) for a, b in gold]
    beads.sort(key=lambda bead: (min(bead[0], default=10**9), min(bead[1], default=10**9)))
    return ParallelCase("partly-parallel", seed, name, left, right, beads, languages)
