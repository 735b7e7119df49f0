"""The per-segment disk cache around a real (tiny) engine."""
from __future__ import annotations

import logging
import sqlite3
from typing import Any

import pytest

from xlcompare import settings
from xlcompare.translation.cache import DATABASE_NAME, TranslationCache
from xlcompare.translation.engine import TranslationEngine
from xlcompare.translation.transformers_engine import TransformersEngine


class CountingEngine:
    """Passes everything to a real engine and records what reached it."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.name = engine.name
        self.max_input_tokens = engine.max_input_tokens
        self.calls: list[list[str]] = []
        self.signature_overrides: dict[str, Any] = {}

    def count_tokens(self, text: str, source_lang: str) -> int:
        return self.engine.count_tokens(text, source_lang)

    def translate_batch(self, texts, source_lang, target_lang="en"):
        self.calls.append(list(texts))
        return self.engine.translate_batch(texts, source_lang, target_lang)

    def signature(self) -> dict[str, Any]:
        return {**self.engine.signature(), **self.signature_overrides}

    @property
    def texts_translated(self) -> int:
        return sum(len(c) for c in self.calls)


@pytest.fixture(scope="module")
def tiny_engine(tiny_marian_dir):
    return TransformersEngine(str(tiny_marian_dir), source_lang="hi", beams=1, max_new_tokens=4)


@pytest.fixture
def counting(tiny_engine):
    return CountingEngine(tiny_engine)


@pytest.fixture
def texts(seed_texts):
    return [line.strip()[:80] for line in seed_texts["hi"].splitlines()[:6] if line.strip()]


def test_rerun_translates_nothing_new(counting, texts, tmp_path):
    first = TranslationCache(counting, tmp_path / "cache")
    assert isinstance(first, TranslationEngine)
    fresh = first.translate_batch(texts, "hi")
    assert counting.texts_translated == len(texts)
    assert first.stats.to_dict() == {"hits": 0, "misses": len(texts)}
    assert not any(o.cached for o in fresh)

    counting.calls.clear()
    second = TranslationCache(counting, tmp_path / "cache")  # a new run, same directory
    again = second.translate_batch(texts, "hi")
    assert counting.calls == []
    assert second.stats.to_dict() == {"hits": len(texts), "misses": 0}
    assert all(o.cached for o in again)
    assert [(o.text, o.hit_max_length, o.output_tokens) for o in again] == [
        (o.text, o.hit_max_length, o.output_tokens) for o in fresh
    ]


def test_only_misses_reach_the_engine(counting, texts, tmp_path):
    cache = TranslationCache(counting, tmp_path)
    cache.translate_batch(texts[:3], "hi")
    counting.calls.clear()
    cache.translate_batch(texts, "hi")
    assert counting.calls == [texts[3:]]
    assert cache.stats.hits == 3


def test_duplicates_in_a_batch_are_translated_once(counting, texts, tmp_path):
    cache = TranslationCache(counting, tmp_path)
    outputs = cache.translate_batch([texts[0], texts[1], texts[0]], "hi")
    assert counting.calls == [[texts[0], texts[1]]]
    assert outputs[0] == outputs[2]


@pytest.mark.parametrize(
    ("change", "reuses"),
    [
        ({"beams": 5}, False),
        ({"revision": "local-000000000000"}, False),
        ({"model": "another/model"}, False),
        ({"length_penalty": 1.2}, False),
        ({"device": "cuda"}, True),  # where it runs does not change what it says
        ({"dtype": "bfloat16", "batch_tokens": 1}, True),
        ({"transformers": "9.9.9", "torch": "9.9"}, True),
    ],
)
def test_key_covers_what_changes_a_translation(counting, texts, tmp_path, change, reuses):
    TranslationCache(counting, tmp_path).translate_batch(texts[:2], "hi")
    counting.calls.clear()
    counting.signature_overrides = change
    TranslationCache(counting, tmp_path).translate_batch(texts[:2], "hi")
    assert (counting.calls == []) is reuses


def test_key_covers_languages_and_text(counting):
    cache = TranslationCache(counting)
    keys = {
        cache.key("नमस्ते", "hi"),
        cache.key("नमस्ते", "fa"),
        cache.key("नमस्ते", "hi", "fr"),
        cache.key("नमस्ते ", "hi"),
    }
    assert len(keys) == 4


def test_directory_created_at_first_write_only(counting, texts, tmp_path):
    directory = tmp_path / "not-yet"
    cache = TranslationCache(counting, directory)
    cache.translate_batch([], "hi")
    assert cache._lookup({"0" * 64}) == {}
    assert not directory.exists()
    cache.translate_batch(texts[:1], "hi")
    assert (directory / DATABASE_NAME).is_file()


def test_default_location_is_the_xlcompare_cache(counting, texts):
    cache = TranslationCache(counting)
    assert cache.path == settings.translation_cache_dir() / DATABASE_NAME
    cache.translate_batch(texts[:1], "hi")
    assert cache.path.is_file()
    with sqlite3.connect(cache.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_caches_on_one_database_interleave(counting, texts, tmp_path):
    a = TranslationCache(counting, tmp_path)
    b = TranslationCache(counting, tmp_path)
    a.translate_batch(texts[:2], "hi")
    b.translate_batch(texts[2:4], "hi")
    counting.calls.clear()
    a.translate_batch(texts[:4], "hi")
    b.translate_batch(texts[:4], "hi")
    assert counting.calls == []


def test_unreadable_cache_degrades_to_translating(counting, texts, tmp_path, caplog):
    (tmp_path / DATABASE_NAME).write_bytes(b"this is not a database" * 100)
    cache = TranslationCache(counting, tmp_path)
    with caplog.at_level(logging.WARNING):
        outputs = cache.translate_batch(texts[:2], "hi")
    assert len(outputs) == 2
    assert counting.texts_translated == 2
    assert "cache" in caplog.text
