"""Comparable-article alignment cases built from NTREX-128 (Hindi and Persian), with gold.

NTREX-128 line i of hin.txt and of fas.txt translate the same English line, and doc_ids.tsv
groups the 1,997 lines into 123 news documents. A case imitates two comparable reports:

* `shared_docs` documents appear on both sides, `unique_docs` more on each side only;
* each side drops every line independently with probability `drop_rate` (content one report
  has and the other lacks);
* some pairs of adjacent lines (both present on both sides) are merged into one sentence on one
  side, with probability `merge_rate` per pair: a 2:1 link in the gold;
* each side is written as prose: a document's headline is a paragraph of its own, the body is
  cut into paragraphs of `paragraph_sizes` sentences joined by spaces (never between the two
  halves of a pair merged on the other side, so the gold 2:1 stays reachable), and the
  paragraphs of all documents are shuffled.

Gold is at the level of NTREX line ids: a line present on both sides is a gold pair with every
line of the sentence that holds it on the other side (so a 2:1 merge of lines a, b gives the pairs
a-a, a-b, b-a, b-b), and a line present on one side only is unique to that side. Predicted
segments are mapped to lines by character overlap (`lines_of_segments`), so any segmenter's
output can be scored (`score_case`).
"""
from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

NTREX_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ntrex128"
LANGUAGE_FILES = {"hi": "hin.txt", "fa": "fas.txt", "en": "eng.txt"}

# Sentence-final punctuation, possibly followed by closing quotes or brackets.
_FINAL = re.compile(r"[.!?।॥؟]+([\"'”’»)\]]*)\s*$")
_COMMA = {"hi": ",", "fa": "،", "en": ","}


@dataclass(frozen=True)
class NtrexCorpus:
    lines: dict[str, list[str]]  # language -> lines
    documents: list[tuple[str, list[int]]]  # (doc id, line ids in order)


def load_ntrex(data_dir: Path = NTREX_DIR, languages: Sequence[str] = ("hi", "fa")) -> NtrexCorpus:
    lines = {
        lang: (data_dir / LANGUAGE_FILES[lang]).read_text(encoding="utf-8").splitlines()
        for lang in languages
    }
    doc_ids = (data_dir / "doc_ids.tsv").read_text(encoding="utf-8").splitlines()
    if any(len(v) != len(doc_ids) for v in lines.values()):
        raise ValueError(f"{data_dir}: files are not line-aligned")
    documents: list[tuple[str, list[int]]] = []
    for line_id, doc in enumerate(doc_ids):
        doc = doc.split("\t")[0]
        if not documents or documents[-1][0] != doc:
            documents.append((doc, []))
        documents[-1][1].append(line_id)
    return NtrexCorpus(lines, documents)


@dataclass(frozen=True)
class GoldSentence:
    """One sentence of a side's text: the NTREX lines it holds (2 when merged) and its span."""

    lines: tuple[int, ...]
    start: int
    end: int


@dataclass(frozen=True)
class CaseSide:
    language: str
    text: str
    sentences: list[GoldSentence]

    @property
    def line_ids(self) -> set[int]:
        return {line for s in self.sentences for line in s.lines}


@dataclass(frozen=True)
class AlignmentCase:
    seed: int
    left: CaseSide
    right: CaseSide
    shared_docs: list[str]
    left_only_docs: list[str]
    right_only_docs: list[str]
    merges: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def gold_pairs(self) -> set[tuple[int, int]]:
        right_sentence = {line: s for s in self.right.sentences for line in s.lines}
        pairs: set[tuple[int, int]] = set()
        for sentence in self.left.sentences:
            for line in sentence.lines:
                if line in right_sentence:
                    pairs.update((a, b) for a in sentence.lines for b in right_sentence[line].lines)
        return pairs

    def gold_unique(self, side: str) -> set[int]:
        this, other = (self.left, self.right) if side == "left" else (self.right, self.left)
        return this.line_ids - other.line_ids


def _is_final(text: str) -> bool:
    return bool(_FINAL.search(text))


def _merge_texts(first: str, second: str, language: str) -> str:
    # Replace the first sentence's final stop by a comma so that no segmenter splits them again.
    joined = _FINAL.sub(lambda m: m.group(1), first.rstrip())
    return f"{joined}{_COMMA.get(language, ',')} {second.lstrip()}"


def _write_side(
    rng: random.Random,
    corpus: NtrexCorpus,
    language: str,
    docs: list[list[int]],
    kept: set[int],
    merged_here: set[tuple[int, int]],
    merged_there: set[tuple[int, int]],
    paragraph_sizes: tuple[int, int],
) -> CaseSide:
    lines = corpus.lines[language]
    merge_first = {a: b for a, b in merged_here}
    no_break_after = {a for a, _ in merged_there}
    paragraphs: list[list[tuple[tuple[int, ...], str]]] = []
    for doc in docs:
        units: list[tuple[tuple[int, ...], str]] = []
        skip = set()
        for line in doc:
            if line not in kept or line in skip:
                continue
            if line in merge_first:
                second = merge_first[line]
                units.append(((line, second), _merge_texts(lines[line], lines[second], language)))
                skip.add(second)
            else:
                units.append(((line,), lines[line]))
        if units and units[0][0][0] == doc[0]:
            paragraphs.append([units.pop(0)])  # the headline: no final stop, a paragraph alone
        paragraph: list[tuple[tuple[int, ...], str]] = []
        target = rng.randint(*paragraph_sizes)
        for unit in units:
            paragraph.append(unit)
            # A sentence without a final stop (a sub-heading) ends its paragraph, as it would
            # in a real page; a segmenter could not split it from the next sentence otherwise.
            full = len(paragraph) >= target and unit[0][-1] not in no_break_after
            if full or not _is_final(unit[1]):
                paragraphs.append(paragraph)
                paragraph, target = [], rng.randint(*paragraph_sizes)
        if paragraph:
            paragraphs.append(paragraph)
    rng.shuffle(paragraphs)

    parts: list[str] = []
    sentences: list[GoldSentence] = []
    offset = 0
    for p_index, paragraph in enumerate(paragraphs):
        if p_index:
            parts.append("\n\n")
            offset += 2
        for s_index, (line_ids, text) in enumerate(paragraph):
            if s_index:
                parts.append(" ")
                offset += 1
            text = text.strip()
            sentences.append(GoldSentence(line_ids, offset, offset + len(text)))
            parts.append(text)
            offset += len(text)
    return CaseSide(language, "".join(parts), sentences)


def build_case(
    corpus: NtrexCorpus,
    seed: int,
    *,
    languages: tuple[str, str] = ("hi", "fa"),
    shared_docs: int = 3,
    unique_docs: int = 1,
    drop_rate: float = 0.15,
    merge_rate: float = 0.10,
    paragraph_sizes: tuple[int, int] = (2, 5),
) -> AlignmentCase:
    rng = random.Random(seed)
    chosen = rng.sample(range(len(corpus.documents)), shared_docs + 2 * unique_docs)
    shared = chosen[:shared_docs]
    left_only = chosen[shared_docs : shared_docs + unique_docs]
    right_only = chosen[shared_docs + unique_docs :]
    doc_lines = [corpus.documents[i][1] for i in range(len(corpus.documents))]

    def keep(doc_indices: list[int]) -> set[int]:
        return {line for d in doc_indices for line in doc_lines[d] if rng.random() >= drop_rate}

    kept_left = keep(shared + left_only)
    kept_right = keep(shared + right_only)

    merges: dict[str, list[tuple[int, int]]] = {"left": [], "right": []}
    text_of = corpus.lines[languages[0]]
    for d in shared:
        lines = doc_lines[d]
        previous_merged = False
        for a, b in zip(lines[1:], lines[2:]):  # lines[0] is the headline
            both = {a, b} <= kept_left and {a, b} <= kept_right
            if both and not previous_merged and _is_final(text_of[a]) and rng.random() < merge_rate:
                merges[rng.choice(("left", "right"))].append((a, b))
                previous_merged = True
            else:
                previous_merged = False

    sides = []
    for name, language, docs, kept in (
        ("left", languages[0], shared + left_only, kept_left),
        ("right", languages[1], shared + right_only, kept_right),
    ):
        other = "right" if name == "left" else "left"
        side_docs = [doc_lines[d] for d in docs]
        sides.append(
            _write_side(
                rng, corpus, language, side_docs, kept,
                set(merges[name]), set(merges[other]), paragraph_sizes,
            )
        )
    names = [corpus.documents[i][0] for i in range(len(corpus.documents))]
    return AlignmentCase(
        seed=seed,
        left=sides[0],
        right=sides[1],
        shared_docs=[names[i] for i in shared],
        left_only_docs=[names[i] for i in left_only],
        right_only_docs=[names[i] for i in right_only],
        merges=merges,
    )


def build_cases(corpus: NtrexCorpus, count: int, seed: int, **options) -> list[AlignmentCase]:
    return [build_case(corpus, seed + i, **options) for i in range(count)]


# -- scoring ---------------------------------------------------------------------------------


def lines_of_segments(
    side: CaseSide, spans: Sequence[tuple[int, int]]
) -> list[set[int]]:
    """For each predicted span, the gold lines it covers: those of every gold sentence that it
    overlaps by more than half of the span or of the sentence (so a fragment split off by the
    segmenter still maps to its sentence, and an unsplit pair maps to both)."""
    out: list[set[int]] = []
    for start, end in spans:
        covered: set[int] = set()
        for sentence in side.sentences:
            overlap = min(end, sentence.end) - max(start, sentence.start)
            if overlap <= 0:
                continue
            if 2 * overlap > (end - start) or 2 * overlap > (sentence.end - sentence.start):
                covered.update(sentence.lines)
        out.append(covered)
    return out


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _counts(predicted: set, gold: set) -> Counts:
    return Counts(len(predicted & gold), len(predicted - gold), len(gold - predicted))


def score_case(
    case: AlignmentCase,
    left_spans: Sequence[tuple[int, int]],
    right_spans: Sequence[tuple[int, int]],
    links: Sequence[tuple[Sequence[int], Sequence[int]]],
) -> tuple[Counts, Counts]:
    """(pair counts, unique-sentence counts) of predicted `links` (lists of indices into the
    span lists) against the case's gold."""
    left_lines = lines_of_segments(case.left, left_spans)
    right_lines = lines_of_segments(case.right, right_spans)
    predicted_pairs: set[tuple[int, int]] = set()
    for left_ids, right_ids in links:
        lefts = set().union(*(left_lines[i] for i in left_ids))
        rights = set().union(*(right_lines[j] for j in right_ids))
        predicted_pairs.update((a, b) for a in lefts for b in rights)
    pairs = _counts(predicted_pairs, case.gold_pairs())

    unique = Counts()
    for name, side, lines_per_span, linked in (
        ("left", case.left, left_lines, {i for l, _ in links for i in l}),
        ("right", case.right, right_lines, {j for _, r in links for j in r}),
    ):
        aligned_lines = {line for i, lines in enumerate(lines_per_span) if i in linked for line in lines}
        predicted_unique = {line for line in side.line_ids if line not in aligned_lines}
        unique.add(_counts(predicted_unique, case.gold_unique(name)))
    return pairs, unique
