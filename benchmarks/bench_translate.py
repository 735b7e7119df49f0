"""Translation throughput: the transformers engine against a naive per-sentence loop.

Same model object, same inputs, same decoding settings, one run:

* naive loop: `model.generate` once per sentence (what most scripts do);
* engine: `TransformersEngine.generate_ids`, the code `translate_batch` runs: inputs sorted by
  length, packed into batches under a padded-token budget, `torch.inference_mode()`.

The model is a random-weight MarianMTModel with opus-mt-hi-en's architecture (d_model 512,
6+6 layers, 8 heads, FFN 2048, vocabulary 61950): weights do not change the work, and no
download is needed. 64 inputs of 10 to 60 random token ids; every output is forced to exactly
24 tokens (min_new_tokens = max_new_tokens = 24), so both sides generate the same number of
tokens. Greedy and 4 beams. Target on a 2-core CPU: engine >= 6x the naive loop at greedy.

    python benchmarks/bench_translate.py            # the full benchmark (a few minutes)
    python benchmarks/bench_translate.py --quick    # a small model, 16 inputs: a smoke run
    python benchmarks/bench_translate.py --threads 1 --repeat 2   # less noise on a busy machine
    python benchmarks/bench_translate.py --threads 1 --clock cpu  # CPU time: ~an idle core
    python benchmarks/bench_translate.py --threads 2 --batch-tokens 8192

The engine tunes glibc's allocator when it runs on the CPU (device.tune_cpu_allocator); it is
built before either side runs, so the naive loop runs under the same allocator settings.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from xlcompare.translation.transformers_engine import (  # noqa: E402
    DEFAULT_BATCH_TOKENS,
    TransformersEngine,
)

TARGET_GREEDY_SPEEDUP = 6.0

OPUS_MT_HI_EN = dict(
    vocab_size=61950,
    d_model=512,
    encoder_layers=6,
    decoder_layers=6,
    encoder_attention_heads=8,
    decoder_attention_heads=8,
    encoder_ffn_dim=2048,
    decoder_ffn_dim=2048,
    max_position_embeddings=512,
)
QUICK = dict(OPUS_MT_HI_EN, vocab_size=8000, d_model=128, encoder_layers=2, decoder_layers=2,
             encoder_ffn_dim=512, decoder_ffn_dim=512)


def build_model(dimensions: dict, seed: int):
    import torch
    from transformers import MarianConfig, MarianMTModel

    pad = dimensions["vocab_size"] - 1
    config = MarianConfig(
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        **dimensions,
    )
    torch.manual_seed(seed)
    return MarianMTModel(config).eval()


def make_inputs(count: int, vocab_size: int, seed: int, shortest: int = 10, longest: int = 60) -> list[list[int]]:
    import random

    rng = random.Random(seed)
    inputs = []
    for _ in range(count):
        length = rng.randint(shortest, longest)
        # Ordinary tokens, then </s> (id 0) as Marian's tokenizer appends.
        inputs.append([rng.randint(2, vocab_size - 2) for _ in range(length - 1)] + [0])
    return inputs


clock = time.perf_counter  # --clock cpu switches to time.process_time


def run_naive(engine: TransformersEngine, inputs: list[list[int]], beams: int, out_tokens: int) -> tuple[float, list[list[int]]]:
    import torch

    config = engine._generation_config(
        beams=beams, max_new_tokens=out_tokens, min_new_tokens=out_tokens, forced_bos_token_id=None
    )
    outputs = []
    started = clock()
    for ids in inputs:
        tensor = torch.tensor([ids])
        sequences = engine.model.generate(
            input_ids=tensor, attention_mask=torch.ones_like(tensor), generation_config=config
        )
        outputs.append(sequences[0, 1:].tolist())
    return clock() - started, outputs


def run_engine(engine: TransformersEngine, inputs: list[list[int]], beams: int, out_tokens: int) -> tuple[float, list[list[int]]]:
    started = clock()
    generated = engine.generate_ids(inputs, beams=beams, min_new_tokens=out_tokens, max_new_tokens=out_tokens)
    return clock() - started, [g.token_ids for g in generated]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small model and 16 inputs: a smoke run")
    parser.add_argument("--inputs", type=int, default=None, help="number of inputs (default 64; 16 with --quick)")
    parser.add_argument("--out-tokens", type=int, default=24)
    parser.add_argument("--beams", default="1,4", help="comma-separated beam sizes (default 1,4)")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--batch-tokens", type=int, default=None,
                        help=f"engine token budget (default {DEFAULT_BATCH_TOKENS['cpu']} on CPU)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="report the best of N alternating runs (default 1)")
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="wall: elapsed time (default); cpu: this process's CPU time, which on a shared machine "
        "approximates an idle one (only meaningful with --threads 1)",
    )
    args = parser.parse_args(argv)

    import torch
    import transformers

    global clock
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.clock == "cpu":
        if torch.get_num_threads() != 1:
            parser.error("--clock cpu needs --threads 1: CPU time adds up all threads, spinning included")
        clock = time.process_time
    dimensions = QUICK if args.quick else OPUS_MT_HI_EN
    count = args.inputs or (16 if args.quick else 64)
    beam_sizes = [int(b) for b in args.beams.split(",")]

    model = build_model(dimensions, args.seed)
    engine = TransformersEngine.from_model(model, family="marian", batch_tokens=args.batch_tokens)
    inputs = make_inputs(count, dimensions["vocab_size"], args.seed)
    # Warm up both paths (first-call allocations, lazy initialisation) outside the timings.
    run_naive(engine, inputs[:1], 1, 2)
    run_engine(engine, inputs[:2], 1, 2)

    name = "quick model" if args.quick else "opus-mt-hi-en architecture, random weights"
    print(f"# Translation throughput: {name}")
    print(
        f"{count} inputs of 10-60 tokens, {args.out_tokens} output tokens each; "
        f"torch {torch.__version__}, transformers {transformers.__version__}, "
        f"{torch.get_num_threads()} threads, {platform.processor() or platform.machine()}, "
        f"engine batch budget {engine.batch_tokens} padded tokens (divided by beams), "
        f"best of {args.repeat} run(s), {args.clock}-clock time"
    )
    print()
    print("| decoding | naive loop (tok/s) | engine (tok/s) | speed-up | identical outputs |")
    print("|---|---:|---:|---:|---:|")
    speedups = {}
    for beams in beam_sizes:
        # Best of --repeat runs, the two sides alternating: on a shared machine other processes
        # slow down whichever side happens to run at the same time.
        naive_s = engine_s = float("inf")
        for _ in range(args.repeat):
            seconds, naive_out = run_naive(engine, inputs, beams, args.out_tokens)
            naive_s = min(naive_s, seconds)
            seconds, engine_out = run_engine(engine, inputs, beams, args.out_tokens)
            engine_s = min(engine_s, seconds)
        produced = [len(o) for o in engine_out]
        if any(n != args.out_tokens for n in produced):
            raise SystemExit(f"engine produced {set(produced)} tokens per output, expected {args.out_tokens}")
        tokens = count * args.out_tokens
        naive_rate, engine_rate = tokens / naive_s, tokens / engine_s
        speedups[beams] = engine_rate / naive_rate
        same = sum(a[: args.out_tokens] == b for a, b in zip(naive_out, engine_out))
        label = "greedy" if beams == 1 else f"{beams} beams"
        print(f"| {label} | {naive_rate:.1f} | {engine_rate:.1f} | {speedups[beams]:.1f}x | {same}/{count} |")
    print()
    if 1 in speedups and not args.quick:
        verdict = "met" if speedups[1] >= TARGET_GREEDY_SPEEDUP else "NOT met"
        print(f"Target (greedy speed-up >= {TARGET_GREEDY_SPEEDUP:.0f}x): {verdict}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
