"""The CTranslate2 engine against the transformers engine, on tiny random-weight checkpoints.

Equivalence is checked on token ids, never on text: with float32 compute and greedy search both
engines must produce the same ids (the forced NLLB language token included) and agree on
whether each output stopped at the end token or at the length limit. The tiny models of
tiny_models.py never choose the end token in 20 steps, which would leave the end-token and
`hit_max_length` paths untested, so these tests use copies whose end token gets a logit bonus
(`eos_prone_copy`): some outputs then stop after 0 to 5 tokens, others run to the limit.
"""
from __future__ import annotations

import json
import logging
import shutil
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2", reason="the ctranslate2 engine needs the [fast] extra")

from xlcompare.errors import (  # noqa: E402
    InputError,
    LanguageError,
    MissingDependencyError,
    ModelLoadError,
    ModelNotFoundError,
)
from xlcompare.translation import convert  # noqa: E402
from xlcompare.batching import plan_parallel_batches  # noqa: E402
from xlcompare.translation.ctranslate2_engine import CTranslate2Engine, split_threads  # noqa: E402
from xlcompare.translation.engine import EngineOutput, TranslationEngine  # noqa: E402
from xlcompare.translation.hub import LocalModel  # noqa: E402
from xlcompare.translation.presets import NLLB_CODE_PATTERN  # noqa: E402
from xlcompare.translation.transformers_engine import TransformersEngine  # noqa: E402

MAX_NEW_TOKENS = 20
# Tiny models gain nothing from threads, and on a busy machine spinning OpenMP threads make a
# call many times slower (see conftest._one_torch_thread).
ONE_THREAD = {"threads": 1}
MIN_AGREEMENT = 0.95
# Logit bonus for the end token: with it about half of the outputs of either tiny model end
# early (measured: Marian 21/48, NLLB 31/48), so both ways of stopping are compared.
EOS_BONUS = 20.0


def eos_prone_copy(source: Path, target: Path, bonus: float = EOS_BONUS) -> Path:
    """A copy of a tiny checkpoint whose end-of-sequence token scores `bonus` higher.

    Marian has an output bias (final_logits_bias); M2M100 has none, so its final layer norm
    is shifted along the end token's (tied) output embedding, which raises that token's logit
    by exactly `bonus` and moves the others by a fraction of it.
    """
    import torch
    from transformers import AutoModelForSeq2SeqLM

    shutil.copytree(source, target)
    model = AutoModelForSeq2SeqLM.from_pretrained(source)
    eos = model.config.eos_token_id
    with torch.no_grad():
        if model.config.model_type == "marian":
            model.final_logits_bias[0, eos] += bonus
        else:
            direction = model.lm_head.weight[eos]
            model.model.decoder.layer_norm.bias += bonus * direction / direction.dot(direction)
    model.save_pretrained(target, safe_serialization=True)
    return target


@pytest.fixture(scope="module")
def converted_root(tmp_path_factory):
    return tmp_path_factory.mktemp("converted")


@pytest.fixture(scope="module")
def eos_prone_dirs(tiny_marian_dir, tiny_nllb_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("eos-prone")
    return {
        "marian": eos_prone_copy(tiny_marian_dir, root / "marian"),
        "nllb": eos_prone_copy(tiny_nllb_dir, root / "nllb"),
    }


@pytest.fixture(scope="module")
def source_lines(seed_texts):
    """Every line of both seeds, cut to fit the tiny models' 128 input positions."""
    lines = [line.strip() for text in seed_texts.values() for line in text.splitlines() if line.strip()]
    return [line[:120] for line in lines]


def _greedy_pair(directory: Path, compute_type: str, converted_root: Path):
    ct2 = CTranslate2Engine(
        str(directory), source_lang="hi", beams=1, max_new_tokens=MAX_NEW_TOKENS,
        compute_type=compute_type, converted_root=converted_root, **ONE_THREAD,
    )
    reference = TransformersEngine(str(directory), source_lang="hi", beams=1, max_new_tokens=MAX_NEW_TOKENS)
    return ct2, reference


def _generate_both(ct2, reference, lines):
    """Both engines on the same token ids (from the same tokenizer), target English."""
    reference._prepare_source("hi")
    input_ids = [ids for ids in reference.tokenizer(lines)["input_ids"] if len(ids) <= reference.max_input_tokens]
    ours = ct2.generate_ids(input_ids, target_prefix_id=ct2._target_language_id("en"))
    theirs = reference.generate_ids(input_ids, forced_bos_token_id=reference._target_language_id("en"))
    assert len(ours) == len(theirs) == len(input_ids) >= 40
    return ours, theirs


@pytest.mark.parametrize("family", ["marian", "nllb"])
def test_float32_greedy_gives_the_same_token_ids_as_transformers(family, eos_prone_dirs, source_lines, converted_root):
    ct2, reference = _greedy_pair(eos_prone_dirs[family], "float32", converted_root)
    ours, theirs = _generate_both(ct2, reference, source_lines)

    # Both ways of stopping occur, so the comparison covers end-token handling and the limit.
    assert any(r.hit_max_length for r in theirs) and not all(r.hit_max_length for r in theirs)
    if family == "nllb":
        english = reference.tokenizer.convert_tokens_to_ids("eng_Latn")
        assert all(r.token_ids[:1] == [english] for r in ours)
    identical = [
        (a.token_ids, a.hit_max_length) == (b.token_ids, b.hit_max_length) for a, b in zip(ours, theirs)
    ]
    share = sum(identical) / len(identical)
    print(f"{family}: float32 greedy, {sum(identical)}/{len(identical)} identical to transformers")
    assert share >= MIN_AGREEMENT
    for result in ours:
        assert len(result.token_ids) <= MAX_NEW_TOKENS
        assert result.hit_max_length == (len(result.token_ids) == MAX_NEW_TOKENS)


@pytest.mark.parametrize("family", ["marian", "nllb"])
def test_int8_divergence_from_transformers_is_measured(family, eos_prone_dirs, source_lines, converted_root):
    ct2, reference = _greedy_pair(eos_prone_dirs[family], "int8", converted_root)
    assert ct2.signature()["quantization"] == "int8"
    ours, theirs = _generate_both(ct2, reference, source_lines)
    identical = sum(a == b for a, b in zip(ours, theirs))
    share = identical / len(ours)
    # Random weights make tiny models chaotic: one flipped argmax changes the rest of the
    # output. The share is reported, not asserted; real checkpoints diverge far less.
    print(f"{family}: int8 greedy, {identical}/{len(ours)} ({share:.0%}) identical to transformers float32")
    assert 0.0 <= share <= 1.0
    assert all(len(r.token_ids) <= MAX_NEW_TOKENS for r in ours)


def test_parallel_workers_return_outputs_in_input_order(eos_prone_dirs, source_lines, converted_root):
    """Two workers decode several batches at once; results must land at their inputs."""
    engines = [
        CTranslate2Engine(
            str(eos_prone_dirs["marian"]), source_lang="hi", beams=1, max_new_tokens=MAX_NEW_TOKENS,
            compute_type="float32", converted_root=converted_root, threads=threads,
        )
        for threads in (1, 2)
    ]
    assert [e.signature()["threads"] for e in engines] == ["1x1", "2x1"]
    input_ids = [engines[0].tokenizer(line)["input_ids"] for line in source_lines[:48]]
    assert len(plan_parallel_batches([len(i) for i in input_ids], 4096, 2)) == 2
    single, parallel = (e.generate_ids(input_ids) for e in engines)
    assert parallel == single


def test_batches_are_planned_for_the_beams_decoded(marian, monkeypatch):
    """Beam search generates `beams` hypotheses per input: the planner must weigh that."""
    from xlcompare.translation import ctranslate2_engine

    planned = []

    def spy(*args, **kwargs):
        planned.append((args[1], kwargs.get("beams", 1)))
        return plan_parallel_batches(*args, **kwargs)

    monkeypatch.setattr(ctranslate2_engine, "plan_parallel_batches", spy)
    input_ids = [marian.tokenizer(line)["input_ids"] for line in ["नमस्ते दुनिया", "भारत और चीन"]]
    marian.generate_ids(input_ids)
    marian.generate_ids(input_ids, beams=3)
    assert planned == [(marian.batch_tokens // 2, 2), (marian.batch_tokens // 3, 3)]


@pytest.mark.parametrize(("threads", "expected"), [(1, (1, 1)), (2, (2, 1)), (4, (4, 1)), (16, (8, 2))])
def test_split_threads(threads, expected):
    assert split_threads(threads) == expected


@pytest.fixture(scope="module")
def marian(tiny_marian_dir, converted_root):
    return CTranslate2Engine(str(tiny_marian_dir), source_lang="hi", beams=2, max_new_tokens=8, converted_root=converted_root, **ONE_THREAD)


@pytest.fixture(scope="module")
def nllb(tiny_nllb_dir, converted_root):
    return CTranslate2Engine(str(tiny_nllb_dir), source_lang="hi", beams=2, max_new_tokens=8, converted_root=converted_root, **ONE_THREAD)


@pytest.mark.parametrize("which", ["marian", "nllb"])
def test_engine_protocol_and_signature(request, which, source_lines):
    engine = request.getfixturevalue(which)
    assert isinstance(engine, TranslationEngine)
    assert engine.max_input_tokens == 128
    outputs = engine.translate_batch(source_lines[:12], "hi")
    assert len(outputs) == 12 and all(isinstance(o, EngineOutput) for o in outputs)
    assert all(0 <= o.output_tokens <= 8 for o in outputs)
    assert engine.translate_batch([], "hi") == []
    signature = engine.signature()
    assert signature["engine"] == "ctranslate2"
    assert signature["quantization"] == "int8"  # the CPU default
    assert signature["revision"].startswith("local-")
    assert signature["family"] == which and signature["beams"] == 2
    assert {"ctranslate2", "threads", "model", "length_penalty"} <= set(signature)


@pytest.mark.parametrize("which", ["marian", "nllb"])
def test_tokenizes_exactly_like_the_transformers_engine(request, which, source_lines):
    engine = request.getfixturevalue(which)
    directory = request.getfixturevalue(f"tiny_{which}_dir")
    reference = TransformersEngine(str(directory), source_lang="fa")
    for lang in ("fa", "hi"):
        assert [engine.count_tokens(line, lang) for line in source_lines[:8]] == [
            reference.count_tokens(line, lang) for line in source_lines[:8]
        ]
        engine._prepare_source(lang)
        reference._prepare_source(lang)
        assert engine.tokenizer(source_lines)["input_ids"] == reference.tokenizer(source_lines)["input_ids"]


def test_nllb_output_has_no_language_or_special_tokens(nllb, source_lines):
    codes = [t for t in nllb.tokenizer.get_vocab() if NLLB_CODE_PATTERN.match(t)]
    for output in nllb.translate_batch(source_lines[:12], "fa"):
        assert not any(code in output.text for code in codes)
        assert "</s>" not in output.text and "<pad>" not in output.text


@pytest.mark.parametrize(
    ("which", "call", "error"),
    [
        ("marian", lambda e: e.translate_batch(["क" * 400], "hi"), InputError),
        ("marian", lambda e: e.translate_batch(["x"], "hi", "fr"), LanguageError),
        ("nllb", lambda e: e.translate_batch(["x"], "hi", "xx"), LanguageError),
    ],
    ids=["too-long-input", "marian-other-target", "nllb-unknown-language"],
)
def test_bad_requests_raise_clear_errors(request, which, call, error):
    with pytest.raises(error):
        call(request.getfixturevalue(which))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"device": "mps"}, "cpu or cuda"),
        ({"device": "cpu", "compute_type": "int3"}, "cannot compute in int3"),
    ],
    ids=["mps-device", "unknown-compute-type"],
)
def test_settings_ctranslate2_cannot_run_are_refused(tiny_marian_dir, tmp_path, options, message):
    with pytest.raises(ModelLoadError, match=message):
        CTranslate2Engine(str(tiny_marian_dir), source_lang="hi", converted_root=tmp_path, **options)
    assert not any(tmp_path.iterdir())  # refused before converting anything


# --- the conversion cache ------------------------------------------------------------------


def _counting(monkeypatch):
    calls = []
    real = convert.convert_checkpoint

    def counted(source, output, quantization):
        calls.append(quantization)
        real(source, output, quantization)

    monkeypatch.setattr(convert, "convert_checkpoint", counted)
    return calls


def test_a_model_is_converted_once_and_reused(tiny_marian_dir, tmp_path, monkeypatch):
    calls = _counting(monkeypatch)
    first = CTranslate2Engine(str(tiny_marian_dir), source_lang="hi", converted_root=tmp_path, **ONE_THREAD)
    model_file = first.conversion.path / "model.bin"
    modified = model_file.stat().st_mtime_ns
    second = CTranslate2Engine(str(tiny_marian_dir), source_lang="hi", converted_root=tmp_path, **ONE_THREAD)
    assert calls == ["int8"]
    assert (first.conversion.fresh, second.conversion.fresh) == (True, False)
    assert second.conversion.path == first.conversion.path
    assert model_file.stat().st_mtime_ns == modified
    metadata = json.loads((first.conversion.path / convert.METADATA_NAME).read_text())
    assert metadata["quantization"] == "int8" and metadata["revision"] == first.spec.revision
    # Another quantisation is another conversion, next to the first.
    CTranslate2Engine(str(tiny_marian_dir), source_lang="hi", compute_type="float32", converted_root=tmp_path, **ONE_THREAD)
    assert calls == ["int8", "float32"]
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 2


def test_the_default_cache_is_under_the_xlcompare_cache_dir(tiny_nllb_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("XLCOMPARE_CACHE_DIR", str(tmp_path))
    engine = CTranslate2Engine(str(tiny_nllb_dir), source_lang="fa", **ONE_THREAD)
    assert engine.conversion.path.parent == tmp_path / "converted"


def test_an_interrupted_conversion_leaves_nothing_behind(tmp_path):
    local = LocalModel("some/model", tmp_path / "unused", "abc123")
    root = tmp_path / "converted"

    def crashing(source, output, quantization):
        (output / "model.bin").write_bytes(b"half a model")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        convert.ensure_converted(local, "int8", root=root, converter=crashing)
    assert [p.name for p in root.iterdir() if p.is_dir()] == []

    def working(source, output, quantization):
        (output / "model.bin").write_bytes(b"a whole model")

    converted = convert.ensure_converted(local, "int8", root=root, converter=working)
    assert converted.fresh and convert.is_complete(converted.path)
    assert [p.name for p in root.iterdir() if p.is_dir()] == [converted.path.name]


def test_concurrent_conversions_of_one_model_convert_once(tmp_path):
    local = LocalModel("some/model", tmp_path / "unused", "abc123")
    calls = []
    started = threading.Event()

    def slow(source, output, quantization):
        calls.append(output)
        started.set()
        threading.Event().wait(0.3)  # the other thread now waits on the lock
        (output / "model.bin").write_bytes(b"model")

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(convert.ensure_converted(local, "int8", root=tmp_path, converter=slow)))
        for _ in range(2)
    ]
    threads[0].start()
    started.wait(5)
    threads[1].start()
    for thread in threads:
        thread.join(10)
    assert len(calls) == 1
    assert sorted(r.fresh for r in results) == [False, True]
    assert results[0].path == results[1].path


# --- errors and automatic selection --------------------------------------------------------


def test_offline_without_a_cached_model_names_the_model(tmp_path):
    with pytest.raises(ModelNotFoundError, match="Helsinki-NLP/opus-mt-hi-en"):
        CTranslate2Engine("Helsinki-NLP/opus-mt-hi-en", source_lang="hi", offline=True, converted_root=tmp_path)
    assert not any(tmp_path.iterdir())


def test_missing_ctranslate2_says_how_to_install_it(tiny_marian_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # makes `import ctranslate2` fail
    with pytest.raises(MissingDependencyError, match=r"\[fast\] extra"):
        CTranslate2Engine(str(tiny_marian_dir), source_lang="hi")


def test_auto_engine_prefers_ctranslate2(tiny_marian_dir):
    from xlcompare.translation.pipeline import load_engine

    engine = load_engine(str(tiny_marian_dir), engine="auto", source_lang="hi", cache=False, **ONE_THREAD)
    assert engine.name == "ctranslate2"


def test_auto_engine_falls_back_to_transformers(tiny_marian_dir, monkeypatch, caplog):
    from xlcompare.translation.pipeline import load_engine

    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    with caplog.at_level(logging.INFO, logger="xlcompare.translation.pipeline"):
        engine = load_engine(
            str(tiny_marian_dir), engine="auto", source_lang="hi", cache=False, compute_type="int8", max_new_tokens=4, **ONE_THREAD
        )
    assert engine.name == "transformers"
    assert "[fast] extra" in caplog.text


# --- through the library API, as the CLI runs it --------------------------------------------


def test_api_translate_with_the_ctranslate2_engine(tiny_marian_dir, shared_embedder):
    import xlcompare.api as api
    from xlcompare.segments.model import Segment

    article = api.load_article(Path(__file__).resolve().parents[1] / "seeds" / "hi_tajikistan_china_counterterrorism.txt")
    first = api.translate(article, model=str(tiny_marian_dir), engine="ctranslate2", max_new_tokens=12, **ONE_THREAD)
    segments: list[Segment] = first.segments
    content = [s.id for s in segments if not s.boilerplate]
    assert content and sorted(first.translations) == content
    assert first.signature["engine"] == "ctranslate2"
    assert first.signature["quantization"] == "int8"
    assert not any(t.cached for t in first.translations.values())
    # The translation cache wraps this engine as any other: a rerun translates nothing.
    second = api.translate(article, model=str(tiny_marian_dir), engine="ctranslate2", max_new_tokens=12, **ONE_THREAD)
    segment_text = {s.id: s.text for s in segments}
    assert all(t.cached for t in second.translations.values() if segment_text[t.segment_id].strip())
    assert [t.text for t in second.translations.values()] == [t.text for t in first.translations.values()]
