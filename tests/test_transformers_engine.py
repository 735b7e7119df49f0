"""The transformers engine on tiny random-weight Marian and NLLB checkpoints.

The weights are random, so outputs are junk: these tests check structure (order, lengths,
special tokens, flags), never wording.
"""
from __future__ import annotations

import random

import pytest

from xlcompare.errors import InputError, LanguageError, ModelLoadError
from xlcompare.translation.engine import EngineOutput, GeneratedIds, TranslationEngine
from xlcompare.translation.presets import NLLB_CODE_PATTERN
from xlcompare.translation.transformers_engine import TransformersEngine

MAX_NEW_TOKENS = 6


@pytest.fixture(scope="module")
def marian(tiny_marian_dir):
    return TransformersEngine(str(tiny_marian_dir), source_lang="hi", beams=2, max_new_tokens=MAX_NEW_TOKENS)


@pytest.fixture(scope="module")
def nllb(tiny_nllb_dir):
    return TransformersEngine(str(tiny_nllb_dir), source_lang="hi", beams=2, max_new_tokens=MAX_NEW_TOKENS)


@pytest.fixture(scope="module")
def sentences(seed_texts):
    lines = [line.strip() for text in seed_texts.values() for line in text.splitlines() if line.strip()]
    return [line[:120] for line in lines[:10]]


@pytest.mark.parametrize("which", ["marian", "nllb"])
def test_loads_a_local_checkpoint_through_the_real_path(request, which):
    engine = request.getfixturevalue(which)
    assert isinstance(engine, TranslationEngine)
    assert engine.family == which
    # min(max_position_embeddings=128, tokenizer limit 512/1024)
    assert engine.max_input_tokens == 128
    signature = engine.signature()
    assert signature["engine"] == "transformers"
    assert signature["revision"].startswith("local-")
    assert (signature["family"], signature["device"], signature["dtype"]) == (which, "cpu", "float32")
    assert (signature["beams"], signature["max_new_tokens"]) == (2, MAX_NEW_TOKENS)
    assert {"transformers", "torch", "length_penalty", "model"} <= set(signature)


def test_loading_a_local_checkpoint_draws_no_progress_bar(tiny_marian_dir, capfd):
    from transformers.utils import logging as transformers_logging

    assert transformers_logging.is_progress_bar_enabled()
    TransformersEngine(str(tiny_marian_dir), source_lang="hi", beams=1, max_new_tokens=MAX_NEW_TOKENS)
    assert "Loading weights" not in capfd.readouterr().err
    # The switch is put back: downloads and other callers keep their bars.
    assert transformers_logging.is_progress_bar_enabled()


@pytest.mark.parametrize("which", ["marian", "nllb"])
def test_translate_batch_returns_one_output_per_input(request, which, sentences):
    engine = request.getfixturevalue(which)
    outputs = engine.translate_batch(sentences, "hi")
    assert len(outputs) == len(sentences)
    for output in outputs:
        assert isinstance(output, EngineOutput)
        assert 0 <= output.output_tokens <= MAX_NEW_TOKENS
        assert output.cached is False
    assert engine.translate_batch([], "hi") == []


@pytest.mark.parametrize(("target", "code"), [("en", "eng_Latn"), ("ur", "urd_Arab")])
def test_nllb_forces_the_target_language_token(nllb, sentences, target, code):
    forced = nllb.tokenizer.convert_tokens_to_ids(code)
    nllb._prepare_source("hi")
    ids = [nllb.tokenizer(s)["input_ids"] for s in sentences]
    generated = nllb.generate_ids(ids, forced_bos_token_id=nllb._target_language_id(target))
    assert all(g.token_ids[0] == forced for g in generated)
    unforced = nllb.generate_ids(ids, forced_bos_token_id=None)
    assert not all(g.token_ids and g.token_ids[0] == forced for g in unforced)


def test_nllb_output_has_no_language_tokens(nllb, sentences):
    codes = [t for t in nllb.tokenizer.get_vocab() if NLLB_CODE_PATTERN.match(t)]
    assert "eng_Latn" in codes
    for output in nllb.translate_batch(sentences, "fa"):
        assert not any(code in output.text for code in codes)
        assert "</s>" not in output.text and "<pad>" not in output.text


@pytest.mark.parametrize(("lang", "code"), [("hi", "hin_Deva"), ("fa", "pes_Arab")])
def test_nllb_source_language_code_prefixes_the_input(nllb, lang, code):
    nllb.count_tokens("ताजिकिस्तान", lang)
    assert nllb.tokenizer("ताजिकिस्तान")["input_ids"][0] == nllb.tokenizer.convert_tokens_to_ids(code)


def test_marian_needs_no_forced_token(marian, sentences):
    assert marian._target_language_id("en") is None
    outputs = marian.translate_batch(sentences[:3], "fa")  # multilingual source, like opus-mt-mul-en
    assert len(outputs) == 3


@pytest.mark.parametrize("which", ["marian", "nllb"])
def test_batched_outputs_come_back_in_input_order(request, which, sentences):
    engine = request.getfixturevalue(which)
    engine._prepare_source("hi")
    ids = [engine.tokenizer(s)["input_ids"] for s in sentences]
    # Unsorted lengths, several batches: a budget of ~3 inputs per batch.
    shuffled = ids[:]
    random.Random(0).shuffle(shuffled)
    shuffled = [x[: random.Random(i).randint(3, len(x))] for i, x in enumerate(shuffled)]
    forced = engine._target_language_id("en")
    old_budget = engine.batch_tokens
    engine.batch_tokens = 3 * max(len(x) for x in shuffled) * engine.beams
    try:
        batched = engine.generate_ids(shuffled, forced_bos_token_id=forced)
    finally:
        engine.batch_tokens = old_budget
    one_by_one = [engine.generate_ids([x], forced_bos_token_id=forced)[0] for x in shuffled]
    assert batched == one_by_one
    # Random weights still depend on the input: otherwise this test could not see a mix-up.
    assert len({tuple(g.token_ids) for g in one_by_one}) > 1


def test_hit_max_length_when_the_limit_stops_generation(marian, sentences):
    marian._prepare_source("hi")
    ids = [marian.tokenizer(s)["input_ids"] for s in sentences[:4]]
    # min_new_tokens forbids EOS until the limit, so every output must run into it.
    generated = marian.generate_ids(ids, min_new_tokens=3, max_new_tokens=3)
    assert all(g.hit_max_length and len(g.token_ids) == 3 for g in generated)


def test_natural_end_of_sequence_is_not_a_hit(tiny_marian_dir, sentences):
    engine = TransformersEngine(str(tiny_marian_dir), source_lang="hi", beams=1, max_new_tokens=5)
    eos = next(iter(engine.eos_token_ids))
    engine.model.final_logits_bias[0, eos] = 1e4  # a model that always stops at once
    outputs = engine.translate_batch(sentences[:3], "hi")
    assert all(o == EngineOutput(text="", hit_max_length=False, output_tokens=0) for o in outputs)


def test_trim_cuts_at_the_first_end_of_sequence(marian):
    eos = next(iter(marian.eos_token_ids))
    pad = marian.pad_token_id
    start = pad  # Marian's decoder starts with the pad token
    assert marian._trim([start, 7, 8, eos, pad, pad]) == GeneratedIds([7, 8], hit_max_length=False)
    assert marian._trim([start, 7, 8, 9]) == GeneratedIds([7, 8, 9], hit_max_length=True)


def test_input_over_the_limit_is_refused_not_truncated(marian, seed_texts):
    too_long = " ".join(seed_texts["hi"].split()[:400])
    assert marian.count_tokens(too_long, "hi") > marian.max_input_tokens
    with pytest.raises(InputError, match="split"):
        marian.translate_batch([too_long], "hi")


def test_max_input_tokens_can_be_lowered(tiny_marian_dir):
    engine = TransformersEngine(str(tiny_marian_dir), source_lang="hi", max_input_tokens=40)
    assert engine.max_input_tokens == 40


def test_language_errors(marian, nllb, sentences):
    with pytest.raises(LanguageError, match="'de'"):
        marian.translate_batch(sentences[:1], "hi", target_lang="de")
    with pytest.raises(LanguageError, match="xx"):
        nllb.translate_batch(sentences[:1], "xx")
    # A language NLLB knows but this checkpoint's tokenizer lacks.
    with pytest.raises(LanguageError, match="rus_Cyrl"):
        nllb.translate_batch(sentences[:1], "ru")


def test_single_pair_marian_rejects_another_source(tiny_marian_dir, sentences, monkeypatch):
    engine = TransformersEngine(str(tiny_marian_dir), source_lang="hi", beams=1, max_new_tokens=2)
    monkeypatch.setattr(engine.tokenizer, "source_lang", "hi")  # as opus-mt-hi-en declares
    with pytest.raises(LanguageError, match="'fa'"):
        engine.translate_batch(sentences[:1], "fa")


def test_device_and_precision_choice():
    import torch

    from xlcompare.translation.device import dtype_name, pick_device, pick_dtype

    assert pick_dtype("cpu") == torch.float32
    assert pick_dtype("cpu", half=True) == torch.bfloat16
    assert pick_dtype("cuda", half=False) == torch.float32
    assert dtype_name(torch.float16) == "float16"
    if not torch.cuda.is_available():
        with pytest.raises(ModelLoadError, match="--device"):
            pick_device("cuda")
    with pytest.raises(ModelLoadError, match="tpu"):
        pick_device("tpu")
    assert pick_device("auto") in {"cuda", "mps", "cpu"}
