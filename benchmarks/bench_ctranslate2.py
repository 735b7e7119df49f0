"""Translation throughput and memory: CTranslate2 against transformers, same inputs, one run.

Four systems decode the same random token ids with the same random-weight checkpoint:

* naive: `model.generate` once per sentence (bench_translate.run_naive);
* transformers engine: `TransformersEngine.generate_ids` (bench_translate.run_engine);
* ct2 engine: `CTranslate2Engine.generate_ids`, int8, the code `translate_batch` runs;
* ct2 raw: `ctranslate2.Translator.translate_batch` on the same converted model, called once
  with all inputs, with the engine's thread layout (inter/intra threads) and number of
  batches and CTranslate2 sorting the inputs and splitting them into equal counts: the floor
  the engine's own overhead (token ids to strings and back, batch planning, futures) is
  measured against. The engine cuts its batches to equal estimated work instead
  (xlcompare/batching.py), so it can beat this floor.

Every system runs in a subprocess of its own, so that its peak resident memory (VmHWM, which
covers the C++ allocations tracemalloc cannot see) is its own. Every output is forced to
exactly 24 tokens (transformers min_new_tokens = max_new_tokens; CTranslate2
min_decoding_length = max_decoding_length) and the counts are checked. Greedy and 4 beams.
Before timing, each system warms up at each beam size on other inputs of the same count
(the naive loop on two of them), so that what is timed is steady decoding, not a batched
system's first kernels and allocations.
With `--repeat N` the systems run in N rounds, each round running every system once; the
table takes each system's fastest round. Each target is judged on those fastest rounds and
on the median of the ratio taken within each round, whose spread shows what a shared machine
does to it.

The checkpoint is saved with `save_pretrained` together with a real tokenizer, so the
CTranslate2 engine goes through its real path: hub lookup, conversion into the cache, loading.
Time to first output (engine construction, conversion when the cache is cold, one translation)
is measured with a cold and a warm conversion cache.

Architectures: `opus-mt-hi-en` (MarianConfig d_model 512, 6+6 layers, 8 heads, FFN 2048,
vocabulary 61950; 64 inputs of 10-60 tokens) and `nllb-600m` (M2M100Config d_model 1024,
12+12 layers, 16 heads, FFN 4096, vocabulary 256206).

FLOP-bound limit. The machine's float32 peak is measured with a large matrix product
(torch and numpy, the faster counts). The work of a run is estimated from the architecture
(d: d_model, f: FFN width, V: vocabulary, Le/Ld: encoder/decoder layers, S: source length,
T: output length, k: beams), counting a multiply-add as 2 FLOPs:

    encoder, per sentence:        Le * (S * (8 d^2 + 4 d f) + 4 d S^2)
    cross-attention keys/values:  Ld * 4 d^2 S                       (once per sentence)
    decoder, per output token t:  k * (Ld * (12 d^2 + 4 d f + 4 d t + 4 d S) + 2 d V)

(8 d^2: the four self-attention projections; 12 d^2 adds the cross-attention query and
output projections; 4 d f: the two FFN matrices; 4 d t and 4 d S: attention scores and
weighted sums; 2 d V: the output projection.) Achieved GFLOP/s = estimated FLOPs / seconds;
"of its peak" = achieved / the measured peak of the arithmetic the system runs: float32 for
transformers, int8 (int8 x int8 products accumulated in int32, measured with a dynamically
quantised torch Linear) for the CTranslate2 systems, whose int8 products run 1.5-1.8x faster
than float32 ones on this AVX2 CPU. The FLOP count is an estimate and the peaks come from
large square products, so the share says how near the bound decoding runs, not an exact
ceiling.

    python benchmarks/bench_ctranslate2.py                          # opus-mt-hi-en, 64 inputs
    python benchmarks/bench_ctranslate2.py --arch nllb-600m --inputs 16
    python benchmarks/bench_ctranslate2.py --quick                  # small model: a smoke run
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START = time.perf_counter()
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

from bench_translate import OPUS_MT_HI_EN, QUICK, build_model, make_inputs, run_engine, run_naive  # noqa: E402

TARGET_GREEDY_SPEEDUP = 25.0  # ct2 engine over the naive loop
TARGET_RAW_SHARE = 0.85  # ct2 engine throughput over raw translate_batch

NLLB_600M = dict(
    vocab_size=256206,
    d_model=1024,
    encoder_layers=12,
    decoder_layers=12,
    encoder_attention_heads=16,
    decoder_attention_heads=16,
    encoder_ffn_dim=4096,
    decoder_ffn_dim=4096,
    max_position_embeddings=1024,
)
ARCHITECTURES = {
    "opus-mt-hi-en": ("marian", OPUS_MT_HI_EN),
    "nllb-600m": ("nllb", NLLB_600M),
    "quick": ("marian", QUICK),
}
SYSTEMS = ["naive", "transformers", "ct2-engine", "ct2-raw"]
INT8_SYSTEMS = {"ct2-engine", "ct2-raw"}
LABELS = {
    "naive": "transformers, naive loop",
    "transformers": "transformers engine",
    "ct2-engine": "CTranslate2 engine (int8)",
    "ct2-raw": "raw translate_batch (int8)",
}
FIRST_SENTENCE = "ताजिकिस्तान और चीन ने आतंकवाद से निबटने के लिए सहयोग को मजबूत करने की आवश्यकता पर बल दिया।"


# --- building the checkpoint ------------------------------------------------------------------


def save_checkpoint(directory: Path, family: str, dimensions: dict, seed: int) -> None:
    """A random-weight checkpoint with a working tokenizer, as save_pretrained writes it.

    The tokenizers come from small SentencePiece models (tests/tiny_models.py): the work of
    decoding depends on the model's vocabulary size, not on the tokenizer's. Marian's vocab.json
    is filled up to the model's vocabulary with placeholder tokens; for NLLB the converter pads
    the vocabulary with "madeupword" tokens, as for the real checkpoint.
    """
    import torch
    from tiny_models import build_nllb_tokenizer, write_marian_tokenizer

    directory.mkdir(parents=True, exist_ok=True)
    if family == "marian":
        model = build_model(dimensions, seed)
        # vocab.json filled with placeholders; <pad> = vocab_size - 1, the model's pad and
        # decoder start token.
        tokenizer, _ = write_marian_tokenizer(directory, vocab_size=dimensions["vocab_size"])
    else:
        from transformers import M2M100Config, M2M100ForConditionalGeneration

        tokenizer = build_nllb_tokenizer(directory.parent / (directory.name + "-spm"))
        config = M2M100Config(
            pad_token_id=tokenizer.pad_token_id,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            decoder_start_token_id=tokenizer.eos_token_id,
            scale_embedding=True,
            **dimensions,
        )
        torch.manual_seed(seed)
        model = M2M100ForConditionalGeneration(config).eval()
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)


# --- measurements inside one worker process ------------------------------------------------------


def memory_mb() -> dict[str, float]:
    """Resident memory now and its high-water mark, from /proc (Linux)."""
    values = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        values = {"VmRSS": peak, "VmHWM": peak}
    return {"rss_mb": round(values.get("VmRSS", 0.0), 1), "peak_mb": round(values.get("VmHWM", 0.0), 1)}


def worker_build(config: dict) -> dict:
    started = time.perf_counter()
    save_checkpoint(Path(config["model_dir"]), config["family"], config["dimensions"], config["seed"])
    return {"seconds": time.perf_counter() - started, **memory_mb()}


def worker_peak(config: dict) -> dict:
    """Float32 matrix-multiply throughput: the best of a few large products."""
    import torch

    torch.set_num_threads(config["threads"])
    n = config.get("matmul_size", 3072)
    results = {}
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    best = min(_timed(lambda: torch.mm(a, b)) for _ in range(5))
    results["torch_gflops"] = 2 * n**3 / best / 1e9
    x, y = a.numpy(), b.numpy()
    x @ y
    best = min(_timed(lambda: x @ y) for _ in range(5))
    results["numpy_gflops"] = 2 * n**3 / best / 1e9
    results["gflops"] = max(results["torch_gflops"], results["numpy_gflops"])
    results["size"] = n
    results["int8_gops"] = _int8_peak(n)
    return results


def _int8_peak(n: int) -> float | None:
    """int8 x int8 -> int32 products (fbgemm/oneDNN through a dynamically quantised Linear,
    the same kind of kernel CTranslate2 runs with int8 weights); None where torch lacks it."""
    import warnings

    import torch

    with warnings.catch_warnings():
        # torch.ao.quantization is deprecated but still present; it is only a measuring tool here.
        warnings.simplefilter("ignore")
        try:
            from torch.ao.quantization import quantize_dynamic

            linear = torch.nn.Sequential(torch.nn.Linear(n, n, bias=False))
            quantized = quantize_dynamic(linear, {torch.nn.Linear}, dtype=torch.qint8)
        except (ImportError, RuntimeError, AttributeError):
            return None
    x = torch.randn(n, n)
    with torch.inference_mode():
        quantized(x)
        best = min(_timed(lambda: quantized(x)) for _ in range(5))
    return 2 * n**3 / best / 1e9


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def worker_first_output(config: dict) -> dict:
    """Process start to the first translation: imports, model lookup, conversion (cold cache)
    or cached conversion (warm), loading, one sentence."""
    engine_name = config["engine"]
    if engine_name == "ctranslate2":
        from xlcompare.translation.ctranslate2_engine import CTranslate2Engine

        engine = CTranslate2Engine(
            config["model_dir"], source_lang="hi", beams=4, max_new_tokens=config["out_tokens"],
            threads=config["threads"], converted_root=Path(config["converted_root"]),
        )
        conversion = engine.conversion.to_dict()
    else:
        import torch

        from xlcompare.translation.transformers_engine import TransformersEngine

        torch.set_num_threads(config["threads"])
        engine = TransformersEngine(config["model_dir"], source_lang="hi", beams=4, max_new_tokens=config["out_tokens"])
        conversion = None
    loaded = time.perf_counter()
    output = engine.translate_batch([FIRST_SENTENCE], "hi")[0]
    done = time.perf_counter()
    return {
        "total_s": done - START,
        "load_s": loaded - START,
        "translate_s": done - loaded,
        "output_tokens": output.output_tokens,
        "conversion": conversion,
        **memory_mb(),
    }


def worker_throughput(config: dict) -> dict:
    system = config["system"]
    threads, out_tokens = config["threads"], config["out_tokens"]
    inputs = make_inputs(config["inputs"], config["dimensions"]["vocab_size"], config["seed"])
    # Import what the system needs before the baseline, so that "model + decoding" memory
    # excludes the libraries themselves.
    if system in ("naive", "transformers"):
        import torch
        import transformers  # noqa: F401

        from xlcompare.translation.transformers_engine import TransformersEngine

        torch.set_num_threads(threads)
    elif system == "ct2-engine":
        import ctranslate2  # noqa: F401
        import transformers  # noqa: F401

        from xlcompare.translation.ctranslate2_engine import CTranslate2Engine
    else:
        import ctranslate2
    baseline = memory_mb()
    started = time.perf_counter()
    if system in ("naive", "transformers"):
        engine = TransformersEngine(config["model_dir"], source_lang="hi", max_new_tokens=out_tokens)
        runner = run_naive if system == "naive" else run_engine
        batch_tokens = engine.batch_tokens

        def run(beams: int, items: list[list[int]]) -> tuple[float, list[list[int]]]:
            return runner(engine, items, beams, out_tokens)
    elif system == "ct2-engine":
        engine = CTranslate2Engine(
            config["model_dir"], source_lang="hi", threads=threads, batch_tokens=config.get("batch_tokens"),
            converted_root=Path(config["converted_root"]),
        )
        batch_tokens = engine.batch_tokens

        def run(beams: int, items: list[list[int]]) -> tuple[float, list[list[int]]]:
            begin = time.perf_counter()
            generated = engine.generate_ids(items, beams=beams, min_new_tokens=out_tokens, max_new_tokens=out_tokens)
            return time.perf_counter() - begin, [g.token_ids for g in generated]
    else:
        from xlcompare.batching import plan_parallel_batches
        from xlcompare.translation.ctranslate2_engine import DEFAULT_BATCH_TOKENS, split_threads

        # The engine's thread layout (parallel single-threaded workers on a few cores) and its
        # number of batches, with CTranslate2 sorting the inputs and splitting them into equal
        # counts itself.
        inter_threads, intra_threads = split_threads(threads)
        translator = ctranslate2.Translator(
            config["converted_path"], device="cpu", compute_type="int8",
            inter_threads=inter_threads, intra_threads=intra_threads,
        )
        vocabulary = json.loads((Path(config["converted_path"]) / "shared_vocabulary.json").read_text(encoding="utf-8"))
        token_ids = {token: i for i, token in enumerate(vocabulary)}
        batch_tokens = config.get("batch_tokens") or DEFAULT_BATCH_TOKENS["cpu"]

        def run(beams: int, items: list[list[int]]) -> tuple[float, list[list[int]]]:
            # Token strings in and out are part of CTranslate2's API, so they are timed.
            begin = time.perf_counter()
            plan = plan_parallel_batches([len(ids) for ids in items], batch_tokens // beams, inter_threads)
            results = translator.translate_batch(
                [[vocabulary[i] for i in ids] for ids in items],
                max_batch_size=-(-len(items) // len(plan)),
                beam_size=beams,
                min_decoding_length=out_tokens,
                max_decoding_length=out_tokens,
                max_input_length=0,
            )
            outputs = [[token_ids[t] for t in r.hypotheses[0]] for r in results]
            return time.perf_counter() - begin, outputs
    load_s = time.perf_counter() - started
    loaded = memory_mb()
    # Warm-up, untimed, on other inputs of the same count: a batched system's first pass in a
    # fresh process also builds oneDNN kernels and grows its allocations (the CTranslate2
    # engine's first pass ran about 15% slower than its next ones; warming on different
    # inputs removed that). The naive loop feeds one sentence at a time and was as fast on
    # its first pass as on later ones, so two sentences warm it.
    warmup = make_inputs(config["inputs"], config["dimensions"]["vocab_size"], config["seed"] + 1)
    warm_count = 2 if system == "naive" else len(warmup)
    runs = {}
    for beams in config["beams"]:
        run(beams, warmup[:warm_count])
        # Best of `repeat`: on a shared machine the fastest run is the least disturbed one.
        timings = []
        for _ in range(config.get("repeat", 1)):
            seconds, outputs = run(beams, inputs)
            timings.append(seconds)
        runs[str(beams)] = {"seconds": min(timings), "all_seconds": timings, "outputs": outputs}
    return {
        "load_s": load_s,
        "batch_tokens": batch_tokens,
        "baseline_rss_mb": baseline["rss_mb"],
        "loaded_rss_mb": loaded["rss_mb"],
        "runs": runs,
        **memory_mb(),
    }


def _verdict(value: float, threshold: float) -> str:
    return "met" if value >= threshold else "NOT met"


def merge_rounds(runs: list[dict]) -> dict:
    """One system's rounds as one result: the fastest time per beam size (the least disturbed
    run), every round's time kept, and the highest memory."""
    merged = dict(runs[0])
    merged["runs"] = {}
    for beams, first in runs[0]["runs"].items():
        seconds = [r["runs"][beams]["seconds"] for r in runs]
        merged["runs"][beams] = {"seconds": min(seconds), "all_seconds": seconds, "outputs": first["outputs"]}
    merged["peak_mb"] = max(r["peak_mb"] for r in runs)
    return merged


WORKERS = {
    "build": worker_build,
    "peak": worker_peak,
    "first-output": worker_first_output,
    "throughput": worker_throughput,
}


# --- the orchestrating process ------------------------------------------------------------------


def run_worker(kind: str, config: dict, timeout: float = 3600) -> dict:
    """Run one measurement in a fresh Python process; its last stdout line is JSON."""
    completed = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--config", json.dumps(config)],
        capture_output=True, text=True, timeout=timeout, env=dict(os.environ, TOKENIZERS_PARALLELISM="false"),
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr[-4000:])
        raise SystemExit(f"worker {kind} {config.get('system', '')} failed (exit {completed.returncode})")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def estimate_flops(dimensions: dict, source_lengths: list[int], out_tokens: int, beams: int) -> float:
    """FLOPs a run needs at least (see the module docstring for the formula)."""
    d, f, vocab = dimensions["d_model"], dimensions["decoder_ffn_dim"], dimensions["vocab_size"]
    encoder_layers, decoder_layers = dimensions["encoder_layers"], dimensions["decoder_layers"]
    encoder_ffn = dimensions["encoder_ffn_dim"]
    total = 0.0
    for s in source_lengths:
        total += encoder_layers * (s * (8 * d * d + 4 * d * encoder_ffn) + 4 * d * s * s)
        total += decoder_layers * 4 * d * d * s
        for t in range(1, out_tokens + 1):
            total += beams * (decoder_layers * (12 * d * d + 4 * d * f + 4 * d * t + 4 * d * s) + 2 * d * vocab)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="opus-mt-hi-en")
    parser.add_argument("--quick", action="store_true", help="the small 'quick' model and 16 inputs")
    parser.add_argument("--inputs", type=int, default=None, help="number of inputs (default 64; 16 with --quick)")
    parser.add_argument("--out-tokens", type=int, default=24)
    parser.add_argument("--beams", default="1,4", help="comma-separated beam sizes (default 1,4)")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"subset of {','.join(SYSTEMS)}")
    parser.add_argument("--threads", type=int, default=None, help="threads per system (default: all cores)")
    parser.add_argument("--batch-tokens", type=int, default=None, help="CTranslate2 token budget (engine and raw)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the checkpoint here between runs")
    parser.add_argument(
        "--repeat", type=int, default=1,
        help="rounds (every system once per round); the fastest round of each system counts",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        result = WORKERS[args.worker](json.loads(args.config))
        print(json.dumps(result))
        return 0

    from xlcompare.batching import available_cores

    arch = "quick" if args.quick else args.arch
    family, dimensions = ARCHITECTURES[arch]
    count = args.inputs or (16 if args.quick else 64)
    beam_sizes = [int(b) for b in args.beams.split(",")]
    systems = [s for s in args.systems.split(",") if s]
    threads = args.threads or available_cores()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="xlc-bench-ct2-"))
    model_dir = workdir / arch
    converted_root = workdir / "converted"
    common = dict(
        model_dir=str(model_dir), family=family, dimensions=dimensions, seed=args.seed, threads=threads,
        out_tokens=args.out_tokens, converted_root=str(converted_root), repeat=args.repeat,
    )

    if not (model_dir / "config.json").is_file():
        print(f"building the {arch} checkpoint in {model_dir} ...", file=sys.stderr)
        built = run_worker("build", common)
        print(f"  built in {built['seconds']:.0f} s", file=sys.stderr)
    print("measuring the float32 matrix-multiply peak ...", file=sys.stderr)
    peak = run_worker("peak", common)

    print("time to first output (cold and warm conversion cache) ...", file=sys.stderr)
    shutil.rmtree(converted_root, ignore_errors=True)
    first = {
        "ct2 cold": run_worker("first-output", dict(common, engine="ctranslate2")),
        "ct2 warm": run_worker("first-output", dict(common, engine="ctranslate2")),
        "transformers": run_worker("first-output", dict(common, engine="transformers")),
    }
    converted_path = first["ct2 cold"]["conversion"]["path"]

    # Rounds, not back-to-back repeats: each round runs every system once, so that a slow
    # spell of a shared machine slows all of them rather than one, and each round gives a
    # ratio of its own.
    rounds: list[dict[str, dict]] = []
    for round_index in range(args.repeat):
        rounds.append({})
        for system in systems:
            print(f"throughput, round {round_index + 1}/{args.repeat}: {LABELS[system]} ...", file=sys.stderr)
            rounds[-1][system] = run_worker(
                "throughput",
                dict(common, system=system, inputs=count, beams=beam_sizes, batch_tokens=args.batch_tokens,
                     converted_path=converted_path, repeat=1),
            )
    results = {system: merge_rounds([r[system] for r in rounds]) for system in systems}

    import ctranslate2
    import torch
    import transformers

    inputs = make_inputs(count, dimensions["vocab_size"], args.seed)
    lengths = [len(ids) for ids in inputs]
    tokens = count * args.out_tokens
    print(f"# Translation throughput: {arch} architecture, random weights")
    print(
        f"{count} inputs of {min(lengths)}-{max(lengths)} tokens, {args.out_tokens} output tokens each, "
        f"best of {args.repeat} round(s); "
        f"{threads} threads, {platform.processor() or platform.machine()} ({os.cpu_count()} cores); "
        f"torch {torch.__version__}, transformers {transformers.__version__}, ctranslate2 {ctranslate2.__version__}; "
        f"float32 matmul peak {peak['gflops']:.0f} GFLOP/s (torch {peak['torch_gflops']:.0f}, "
        f"numpy {peak['numpy_gflops']:.0f}, n={peak['size']}); "
        + (f"int8 matmul peak {peak['int8_gops']:.0f} GOP/s" if peak.get("int8_gops") else "int8 matmul peak not measured")
    )
    print()
    print("| system | decoding | tokens/s | vs naive | GFLOP/s | of its peak | peak RSS (MB) | model + decoding (MB) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    rates: dict[tuple[str, int], float] = {}
    for beams in beam_sizes:
        flops = estimate_flops(dimensions, lengths, args.out_tokens, beams)
        for system in systems:
            run = results[system]["runs"][str(beams)]
            produced = {len(o) for o in run["outputs"]}
            if produced != {args.out_tokens} or len(run["outputs"]) != count:
                raise SystemExit(f"{system} produced {produced} tokens per output, expected {args.out_tokens}")
            rates[system, beams] = tokens / run["seconds"]
        for system in systems:
            rate = rates[system, beams]
            naive = rates.get(("naive", beams))
            achieved = flops / results[system]["runs"][str(beams)]["seconds"] / 1e9
            r = results[system]
            label = "greedy" if beams == 1 else f"{beams} beams"
            limit = peak.get("int8_gops") if system in INT8_SYSTEMS else peak["gflops"]
            share = f"{achieved / limit:.0%}" if limit else "-"
            print(
                f"| {LABELS[system]} | {label} | {rate:.1f} | {f'{rate / naive:.1f}x' if naive else '-'} | "
                f"{achieved:.1f} | {share} | {r['peak_mb']:.0f} | "
                f"{r['peak_mb'] - r['baseline_rss_mb']:.0f} |"
            )
    print()
    print("| time to first output | total (s) | of which conversion (s) | peak RSS (MB) |")
    print("|---|---:|---:|---:|")
    for name, result in first.items():
        conversion = result["conversion"]["seconds"] if result.get("conversion") else 0.0
        print(f"| {name} | {result['total_s']:.1f} | {conversion:.1f} | {result['peak_mb']:.0f} |")
    print()
    print("Agreement on the same inputs (identical outputs):")
    for beams in beam_sizes:
        pairs = [("naive", "transformers"), ("ct2-engine", "ct2-raw"), ("transformers", "ct2-engine")]
        # The last pair compares float32 with int8: random weights make that divergence large.
        parts = []
        for a, b in pairs:
            if a in results and b in results:
                same = sum(x == y for x, y in zip(results[a]["runs"][str(beams)]["outputs"], results[b]["runs"][str(beams)]["outputs"]))
                note = " (float32 vs int8)" if (a, b) == ("transformers", "ct2-engine") else ""
                parts.append(f"{a} = {b}{note}: {same}/{count}")
        print(f"  beams {beams}: " + "; ".join(parts))
    budgets = {s: results[s]["batch_tokens"] for s in systems if s != "naive"}
    print(f"Token budgets per batch (divided by beams): {budgets}")
    print()
    if ("ct2-engine", 1) in rates and arch == "opus-mt-hi-en":
        # Each target is judged twice: on the fastest rounds (the table), and, with several
        # rounds, on the median of the ratio taken within each round, which a lucky round
        # cannot carry.
        def judge(target: str, a: str, b: str, beams: int, threshold: float, show) -> None:
            best = rates[a, beams] / rates[b, beams]
            print(f"Target ({target}): fastest rounds {show(best)}, {_verdict(best, threshold)}.")
            if args.repeat > 1:
                per_round = [
                    b_s / a_s
                    for a_s, b_s in zip(
                        results[a]["runs"][str(beams)]["all_seconds"], results[b]["runs"][str(beams)]["all_seconds"]
                    )
                ]
                median = statistics.median(per_round)
                print(
                    "  within each round: " + ", ".join(show(r) for r in per_round)
                    + f"; median {show(median)}, {_verdict(median, threshold)}."
                )

        if ("naive", 1) in rates:
            judge(
                f"ct2 engine >= {TARGET_GREEDY_SPEEDUP:.0f}x naive at greedy", "ct2-engine", "naive", 1,
                TARGET_GREEDY_SPEEDUP, lambda r: f"{r:.1f}x",
            )
        for beams in beam_sizes:
            if ("ct2-raw", beams) in rates:
                judge(
                    f"ct2 engine within 15% of raw translate_batch, beams {beams}", "ct2-engine", "ct2-raw", beams,
                    TARGET_RAW_SHARE, lambda r: f"{r:.0%} of raw",
                )
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
