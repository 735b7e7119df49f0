"""Segments in, one Translation per segment out: the pipeline on the seed articles."""
from __future__ import annotations

from dataclasses import replace

import pytest

from xlcompare.segments.model import Segment
from xlcompare.translation.cache import TranslationCache
from xlcompare.translation.model import FLAG_SPLIT, FLAG_TRUNCATED, Translation
from xlcompare.translation.pipeline import load_engine, translate_segments, translation_signature
from xlcompare.translation.transformers_engine import TransformersEngine

# Where page furniture starts in each seed (see shared/README.md).
FURNITURE = {"hi": "popular post", "fa": "دیگر خبرهای این بخش"}


class CountingEngine:
    def __init__(self, engine):
        self.engine = engine
        self.name = engine.name
        self.max_input_tokens = engine.max_input_tokens
        self.texts: list[str] = []

    def count_tokens(self, text, source_lang):
        return self.engine.count_tokens(text, source_lang)

    def translate_batch(self, texts, source_lang, target_lang="en"):
        self.texts += texts
        return self.engine.translate_batch(texts, source_lang, target_lang)

    def signature(self):
        return self.engine.signature()


@pytest.fixture(scope="module")
def engines(tiny_marian_dir, tiny_nllb_dir):
    return {
        "marian": TransformersEngine(str(tiny_marian_dir), source_lang="hi", beams=2, max_new_tokens=4),
        "nllb": TransformersEngine(str(tiny_nllb_dir), source_lang="hi", beams=2, max_new_tokens=4),
    }


@pytest.fixture(scope="module")
def seed_segments(seed_texts, simple_segmenter):
    """seed_segments(lang): the seed article's segments, page furniture marked boilerplate."""

    def segments_of(lang):
        segments = simple_segmenter(seed_texts[lang], boilerplate_after=FURNITURE[lang])
        assert any(s.boilerplate for s in segments) and not all(s.boilerplate for s in segments)
        return segments

    return segments_of


@pytest.mark.parametrize("family", ["marian", "nllb"])
@pytest.mark.parametrize("lang", ["hi", "fa"])
def test_one_translation_per_segment_on_the_seeds(engines, seed_segments, family, lang):
    segments = seed_segments(lang)
    translations = translate_segments(engines[family], segments, lang)
    content = {s.id for s in segments if not s.boilerplate}
    assert set(translations) == content
    for segment_id, translation in translations.items():
        assert isinstance(translation, Translation)
        assert translation.segment_id == segment_id
        assert translation.pieces >= 1
        assert (FLAG_SPLIT in translation.flags) == (translation.pieces > 1)
        assert translation.cached is False
        assert translation.to_dict()["flags"] == list(translation.flags)


def test_boilerplate_translated_only_on_request(engines, seed_segments):
    segments = seed_segments("fa")
    translations = translate_segments(engines["marian"], segments, "fa", include_boilerplate=True)
    assert set(translations) == {s.id for s in segments}


def test_long_segment_is_split_and_rejoined(engines, seed_texts):
    engine = CountingEngine(engines["nllb"])
    body = " ".join(line for line in seed_texts["hi"].splitlines()[1:6] if line.strip())
    assert engine.count_tokens(body, "hi") > engine.max_input_tokens
    segments = [Segment(0, 0, len(body), body), Segment(1, len(body) + 1, len(body) + 6, "नमस्ते")]
    translations = translate_segments(engine, segments, "hi")
    long = translations[0]
    assert long.pieces > 1 and long.flags[0] == FLAG_SPLIT
    assert translations[1].pieces == 1 and FLAG_SPLIT not in translations[1].flags
    # Every piece went to the model, each within its limit, and together they are the segment.
    assert len(engine.texts) == long.pieces + 1
    pieces = [t for t in engine.texts if t != "नमस्ते"]
    assert all(engine.count_tokens(p, "hi") <= engine.max_input_tokens for p in pieces)
    # The engine sees inputs sorted by length; in text order they make up the segment.
    in_text_order = sorted(pieces, key=body.index)
    assert "".join(in_text_order).replace(" ", "") == body.replace(" ", "")
    assert long.text.strip()


def test_generation_limit_is_flagged(tiny_marian_dir, seed_segments):
    engine = TransformersEngine(str(tiny_marian_dir), source_lang="hi", beams=1, max_new_tokens=2)
    eos = next(iter(engine.eos_token_ids))
    engine.model.final_logits_bias[0, eos] = -1e4  # a model that never stops by itself
    segments = [s for s in seed_segments("hi") if not s.boilerplate][:5]
    translations = translate_segments(engine, segments, "hi")
    assert all(FLAG_TRUNCATED in t.flags for t in translations.values())


def test_progress_reports_every_chunk(engines, seed_segments):
    segments = seed_segments("hi")
    calls = []
    translate_segments(engines["marian"], segments, "hi", progress=lambda d, t: calls.append((d, t)), chunk_size=4)
    total = calls[0][1]
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) == 1 + -(-total // 4)


def test_blank_segment_gets_an_empty_translation_without_the_model(engines):
    engine = CountingEngine(engines["marian"])
    translations = translate_segments(engine, [Segment(0, 0, 3, " \n ")], "hi")
    assert translations == {0: Translation(segment_id=0, text="")}
    assert engine.texts == []


def test_rerun_through_the_cache_is_served_from_disk(engines, seed_segments, tmp_path):
    counting = CountingEngine(engines["nllb"])
    segments = seed_segments("fa")
    first = translate_segments(TranslationCache(counting, tmp_path), segments, "fa")
    sent = len(counting.texts)
    second = translate_segments(TranslationCache(counting, tmp_path), segments, "fa")
    assert len(counting.texts) == sent  # nothing new reached the model
    assert all(t.cached for t in second.values())
    assert {k: replace(t, cached=False) for k, t in second.items()} == first


def test_load_engine_wraps_the_engine_in_a_cache(tiny_marian_dir, tmp_path):
    cached = load_engine(str(tiny_marian_dir), source_lang="fa", beams=1, max_new_tokens=2, cache_dir=tmp_path)
    assert isinstance(cached, TranslationCache) and isinstance(cached.inner, TransformersEngine)
    assert cached.directory == tmp_path
    bare = load_engine(str(tiny_marian_dir), source_lang="fa", beams=1, cache=False)
    assert isinstance(bare, TransformersEngine)
    signature = translation_signature(cached)
    assert {"engine", "model", "revision", "splitter", "xlcompare"} <= set(signature)
