"""Model names, families, language codes, the Hugging Face cache and offline behaviour."""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from xlcompare.errors import LanguageError, ModelLoadError, ModelNotFoundError
from xlcompare.translation import hub
from xlcompare.translation.presets import PRESETS, detect_family, language_code, resolve_model

NLLB_600M = "facebook/nllb-200-distilled-600M"

# Failing to find a model must not wait on retries or timeouts.
FAST_FAILURE_S = 5.0


@pytest.mark.parametrize(
    ("model", "lang", "model_id", "family", "source_code", "target_code"),
    [
        ("nllb-600m", "hi", NLLB_600M, "nllb", "hin_Deva", "eng_Latn"),
        ("nllb-600m", "fa", NLLB_600M, "nllb", "pes_Arab", "eng_Latn"),
        ("nllb-600m", "ur", NLLB_600M, "nllb", "urd_Arab", "eng_Latn"),
        ("nllb-600m", "ar", NLLB_600M, "nllb", "arb_Arab", "eng_Latn"),
        ("nllb-600m", "hin_Deva", NLLB_600M, "nllb", "hin_Deva", "eng_Latn"),
        ("opus-mt", "hi", "Helsinki-NLP/opus-mt-hi-en", "marian", None, None),
        ("opus-mt", "fa", "Helsinki-NLP/opus-mt-mul-en", "marian", None, None),
        ("opus-mt", "tg", "Helsinki-NLP/opus-mt-mul-en", "marian", None, None),
        ("Helsinki-NLP/opus-mt-ur-en", "ur", "Helsinki-NLP/opus-mt-ur-en", "marian", None, None),
        ("facebook/nllb-200-1.3B", "fa", "facebook/nllb-200-1.3B", "nllb", "pes_Arab", "eng_Latn"),
        ("facebook/m2m100_418M", "fa", "facebook/m2m100_418M", "m2m100", "fa", "en"),
        ("someone/custom-translator", "hi", "someone/custom-translator", None, None, None),
    ],
)
def test_resolve_model_names(model, lang, model_id, family, source_code, target_code):
    spec = resolve_model(model, lang)
    assert (spec.model_id, spec.family, spec.source_code, spec.target_code) == (
        model_id,
        family,
        source_code,
        target_code,
    )
    assert spec.local_path is None


def test_presets_state_their_licences():
    assert "CC-BY-NC-4.0" in PRESETS["nllb-600m"].licence
    assert "Apache-2.0" in PRESETS["opus-mt"].licence
    assert resolve_model("nllb-600m", "hi").licence == PRESETS["nllb-600m"].licence


@pytest.mark.parametrize(("family", "lang"), [("nllb", "xx"), ("nllb", "klingon"), ("m2m100", "zzz_Latn")])
def test_unknown_language_is_a_language_error(family, lang):
    with pytest.raises(LanguageError, match=lang):
        language_code(family, lang)


def test_local_directories_resolve_by_their_config(tiny_marian_dir, tiny_nllb_dir):
    marian = resolve_model(str(tiny_marian_dir), "hi")
    nllb = resolve_model(str(tiny_nllb_dir), "fa")
    assert (marian.family, marian.local_path) == ("marian", tiny_marian_dir.resolve())
    assert (nllb.family, nllb.source_code) == ("nllb", "pes_Arab")


def _write_checkpoint_files(directory: Path, config: dict, tokenizer_config: dict | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(config), encoding="utf-8")
    if tokenizer_config is not None:
        (directory / "tokenizer_config.json").write_text(json.dumps(tokenizer_config), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("config", "tokenizer_config", "family"),
    [
        ({"model_type": "marian"}, None, "marian"),
        ({"model_type": "m2m_100"}, {"tokenizer_class": "NllbTokenizerFast"}, "nllb"),
        ({"model_type": "m2m_100"}, {"tokenizer_class": "M2M100Tokenizer"}, "m2m100"),
        ({"model_type": "m2m_100"}, {"additional_special_tokens": ["hin_Deva", "eng_Latn"]}, "nllb"),
        ({"model_type": "m2m_100"}, {}, "m2m100"),
        ({"model_type": "nllb-moe"}, None, "nllb"),
    ],
)
def test_detect_family(tmp_path, config, tokenizer_config, family):
    assert detect_family(_write_checkpoint_files(tmp_path / "m", config, tokenizer_config)) == family


@pytest.mark.parametrize(
    ("config", "message"),
    [({"model_type": "t5"}, "t5"), (None, "config.json")],
)
def test_unsupported_or_incomplete_directory_is_a_load_error(tmp_path, config, message):
    directory = tmp_path / "m"
    directory.mkdir()
    if config is not None:
        _write_checkpoint_files(directory, config)
    with pytest.raises(ModelLoadError, match=message):
        resolve_model(str(directory), "hi")


def test_missing_directory_is_reported_as_a_path(tmp_path):
    with pytest.raises(ModelLoadError, match="does not exist"):
        resolve_model(str(tmp_path / "no-such-model") + "/", "hi")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HF_HUB_CACHE": "/x/hub-cache", "HF_HOME": "/y"}, "/x/hub-cache"),
        ({"HF_HOME": "/y"}, "/y/hub"),
        ({"XDG_CACHE_HOME": "/z"}, "/z/huggingface/hub"),
    ],
)
def test_cache_directory_follows_the_environment(monkeypatch, env, expected):
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert hub.cache_directory() == Path(expected)


def _fake_cached_snapshot(model_id: str, source: Path, commit: str = "a" * 40) -> Path:
    """Lay out a checkpoint the way huggingface_hub caches it (refs/main -> snapshots/<commit>)."""
    repo = hub.cache_directory() / ("models--" + model_id.replace("/", "--"))
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    shutil.copytree(source, snapshot)
    return snapshot


def test_cached_hub_model_is_found_offline_with_its_commit(tiny_marian_dir):
    assert not hub.is_cached("Helsinki-NLP/opus-mt-hi-en")
    snapshot = _fake_cached_snapshot("Helsinki-NLP/opus-mt-hi-en", tiny_marian_dir)
    assert hub.is_cached("Helsinki-NLP/opus-mt-hi-en")
    local = hub.locate(resolve_model("opus-mt", "hi"), offline=True)
    assert (local.path, local.revision) == (snapshot, "a" * 40)
    statuses = {s.name: s for s in hub.list_presets()}
    # opus-mt has several checkpoints; one cached is not the whole preset.
    assert statuses["opus-mt"].cached is False
    assert statuses["nllb-600m"].cached is False
    assert "Helsinki-NLP/opus-mt-hi-en" in statuses["opus-mt"].model_ids


def test_preset_cached_when_all_its_checkpoints_are(tiny_nllb_dir):
    _fake_cached_snapshot(NLLB_600M, tiny_nllb_dir)
    statuses = {s.name: s for s in hub.list_presets()}
    assert statuses["nllb-600m"].cached is True
    assert statuses["nllb-600m"].to_dict()["licence"].startswith("CC-BY-NC")


def test_snapshot_without_weights_is_not_cached(tiny_marian_dir, tmp_path):
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(tiny_marian_dir / "config.json", partial / "config.json")
    _fake_cached_snapshot("Helsinki-NLP/opus-mt-hi-en", partial)
    assert not hub.is_cached("Helsinki-NLP/opus-mt-hi-en")


def _assert_clear_not_found(error: ModelNotFoundError, model_id: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert model_id in message
    assert str(hub.cache_directory()) in message
    assert "xlcompare models download" in message
    assert "--model /path/to/model" in message


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_offline_missing_model_fails_fast_and_writes_nothing(how, monkeypatch):
    if how == "argument":
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        offline = True
    else:
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
        offline = None
    started = time.monotonic()
    with pytest.raises(ModelNotFoundError) as caught:
        hub.locate(resolve_model("nllb-600m", "hi"), offline=offline)
    assert time.monotonic() - started < FAST_FAILURE_S
    _assert_clear_not_found(caught.value, NLLB_600M)
    assert "offline" in str(caught.value)
    assert not hub.cache_directory().exists()


def test_unreachable_hub_fails_fast_when_not_offline(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    # Port 9 (discard) on this machine: connections are refused at once, as on a machine
    # without network; the test never depends on the real Hub.
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_HUB_ETAG_TIMEOUT", "2")
    started = time.monotonic()
    with pytest.raises(ModelNotFoundError) as caught:
        hub.locate(resolve_model("xlcompare-tests/no-such-model", "hi"), offline=None)
    assert time.monotonic() - started < FAST_FAILURE_S
    _assert_clear_not_found(caught.value, "xlcompare-tests/no-such-model")
    assert "could not be reached" in str(caught.value)
    assert not any(hub.cache_directory().glob("models--*/snapshots/*"))


def test_engine_honours_hf_hub_offline(monkeypatch):
    from xlcompare.translation.transformers_engine import TransformersEngine

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotFoundError, match="opus-mt-mul-en"):
        TransformersEngine("opus-mt", source_lang="fa")


def test_local_revision_is_a_content_fingerprint(tiny_marian_dir, tmp_path):
    first = hub.local_revision(tiny_marian_dir)
    assert first.startswith("local-") and first == hub.local_revision(tiny_marian_dir)
    copy = tmp_path / "copy"
    shutil.copytree(tiny_marian_dir, copy)
    assert hub.local_revision(copy) == first  # the same checkpoint elsewhere
    config = json.loads((copy / "config.json").read_text())
    config["d_model_note"] = "changed"
    (copy / "config.json").write_text(json.dumps(config))
    assert hub.local_revision(copy) != first


def test_pickled_weights_load_only_without_safetensors(tiny_marian_dir, tmp_path):
    import torch
    from safetensors.torch import load_file

    from xlcompare.translation.transformers_engine import TransformersEngine

    legacy = tmp_path / "legacy"
    shutil.copytree(tiny_marian_dir, legacy)
    state = load_file(legacy / "model.safetensors")
    (legacy / "model.safetensors").unlink()
    torch.save(state, legacy / "pytorch_model.bin")
    engine = TransformersEngine(str(legacy), source_lang="hi", beams=1, max_new_tokens=4)
    reference = TransformersEngine(str(tiny_marian_dir), source_lang="hi", beams=1, max_new_tokens=4)
    ids = [[5, 6, 7, 0]]
    assert engine.generate_ids(ids) == reference.generate_ids(ids)


@pytest.mark.parametrize(
    ("model", "lang", "fix"),
    [
        ("nllb-600m", "hi", "xlcompare models download nllb-600m"),
        # opus-mt has a checkpoint per language: the fix names the one needed, not all.
        ("opus-mt", "fa", "xlcompare models download Helsinki-NLP/opus-mt-mul-en"),
        ("Helsinki-NLP/opus-mt-ur-en", "ur", "xlcompare models download Helsinki-NLP/opus-mt-ur-en"),
    ],
)
def test_not_found_message_names_the_download_that_fixes_it(model, lang, fix):
    with pytest.raises(ModelNotFoundError) as caught:
        hub.locate(resolve_model(model, lang), offline=True)
    assert fix in str(caught.value)


def test_download_of_a_preset_can_be_limited_to_languages(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(ModelNotFoundError, match="opus-mt-mul-en"):
        hub.download("opus-mt", source_langs=["fa"])
