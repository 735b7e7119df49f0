"""Finding, downloading and loading checkpoints: the only module that talks to the Hub.

Models live in the standard Hugging Face cache (``HF_HUB_CACHE``, else ``HF_HOME/hub``, else
``~/.cache/huggingface/hub``), so a model fetched by any other tool is reused. The cache
location and offline mode are read from the environment at call time, not at import time as
huggingface_hub does, so a test or a notebook can change them.

Transformers is only ever given a local directory: this module first resolves a Hub id to a
snapshot folder (downloading it when allowed), which keeps every network call, and every way
one can fail, in one place.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from xlcompare import settings
from xlcompare.errors import DownloadError, MissingDependencyError, ModelLoadError, ModelNotFoundError
from xlcompare.translation.presets import PRESETS, ModelSpec, detect_family

log = logging.getLogger(__name__)

# Everything a Marian/NLLB/M2M100 checkpoint needs; TensorFlow, Flax, ONNX and Rust weights
# in the same repositories are never downloaded.
_CONFIG_FILES = ["config.json", "generation_config.json"]
_TOKENIZER_FILES = [
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "sentencepiece.bpe.model",
    "spm.model",
    "source.spm",
    "target.spm",
    "vocab.json",
    "target_vocab.json",
]
_SAFETENSORS_FILES = ["*.safetensors", "model.safetensors.index.json"]
_BIN_FILES = ["pytorch_model*.bin", "pytorch_model.bin.index.json"]

DEFAULT_HUB_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class LocalModel:
    """A checkpoint on disk and the revision it came from."""

    model_id: str
    path: Path
    revision: str  # a Hub commit hash, or "local-<fingerprint>" for a directory

    def to_dict(self) -> dict[str, Any]:
        return {"model_id": self.model_id, "path": str(self.path), "revision": self.revision}


@dataclass(frozen=True)
class PresetStatus:
    name: str
    model_ids: list[str]
    licence: str
    description: str
    cached: bool  # every checkpoint of the preset is in the cache

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LoadedModel:
    model: Any  # a transformers PreTrainedModel, in eval mode, on its device
    tokenizer: Any
    spec: ModelSpec  # family, revision and language codes filled in
    path: Path


def cache_directory() -> Path:
    """The Hugging Face Hub cache, as huggingface_hub would compute it right now."""
    explicit = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get("HF_HOME")
    if home:
        return Path(home).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "huggingface" / "hub"


def is_offline(offline: bool | None = None) -> bool:
    """An explicit argument wins; otherwise HF_HUB_OFFLINE decides."""
    return settings.hf_offline() if offline is None else offline


def cached_snapshot(model_id: str, revision: str | None = None) -> Path | None:
    """The snapshot folder of a cached model that has a config and weights, else None."""
    from huggingface_hub import try_to_load_from_cache

    cache = cache_directory()
    config = try_to_load_from_cache(model_id, "config.json", cache_dir=cache, revision=revision)
    if not isinstance(config, str):
        return None
    snapshot = Path(config).parent
    has_weights = any(snapshot.glob("*.safetensors")) or any(snapshot.glob("pytorch_model*.bin"))
    return snapshot if has_weights else None


def is_cached(model_id: str, revision: str | None = None) -> bool:
    return cached_snapshot(model_id, revision) is not None


def list_presets() -> list[PresetStatus]:
    return [
        PresetStatus(
            name=p.name,
            model_ids=p.model_ids,
            licence=p.licence,
            description=p.description,
            cached=all(is_cached(m) for m in p.model_ids),
        )
        for p in PRESETS.values()
    ]


def download(
    model: str, revision: str | None = None, *, source_langs: list[str] | None = None
) -> list[LocalModel]:
    """Fetch a Hub id, or the checkpoints of a preset, into the cache (`xlcompare models
    download NAME`). For a preset, `source_langs` limits the download to the checkpoints those
    languages use; by default all of them. Already cached files are not fetched again."""
    if model in PRESETS:
        preset = PRESETS[model]
        ids = (
            list(dict.fromkeys(preset.model_for(lang) for lang in source_langs))
            if source_langs
            else preset.model_ids
        )
    else:
        ids = [model]
    if is_offline():
        raise DownloadError(
            f"Cannot download {', '.join(repr(i) for i in ids)}: offline mode is on "
            "(HF_HUB_OFFLINE is set in the environment). Unset HF_HUB_OFFLINE to allow downloads."
        )
    return [_fetch(model_id, revision, name=model, downloading=True) for model_id in ids]


def locate(spec: ModelSpec, *, offline: bool | None = None) -> LocalModel:
    """A local directory for `spec`: the directory itself, the cached snapshot, or a fresh
    download when the Hub may be contacted."""
    if spec.local_path is not None:
        return LocalModel(spec.model_id, spec.local_path, local_revision(spec.local_path))
    if is_offline(offline):
        snapshot = cached_snapshot(spec.model_id, spec.revision)
        if snapshot is None:
            raise ModelNotFoundError(
                not_found_message(spec.model_id, spec.name, "offline mode is on (--offline or HF_HUB_OFFLINE=1)")
            )
        return LocalModel(spec.model_id, snapshot, snapshot.name)
    return _fetch(spec.model_id, spec.revision, name=spec.name)


def load(
    spec: ModelSpec,
    *,
    offline: bool | None = None,
    device: str = "cpu",
    dtype: Any = None,
) -> LoadedModel:
    """Load model and tokenizer for `spec` onto `device` (already resolved, see device.py)."""
    local = locate(spec, offline=offline)
    family = detect_family(local.path)
    spec = replace(spec, revision=local.revision).with_family(family)
    model, tokenizer = _load_from_directory(local.path, spec, device=device, dtype=dtype)
    return LoadedModel(model=model, tokenizer=tokenizer, spec=spec, path=local.path)


def not_found_message(model_id: str, name: str, reason: str) -> str:
    """One line: which model, where we looked, why it is missing, and the three fixes."""
    # A preset with one checkpoint downloads by its name; otherwise name the checkpoint, so the
    # fix does not fetch a preset's other languages too.
    single = name in PRESETS and len(PRESETS[name].model_ids) == 1
    download_name = name if single else model_id
    return (
        f"Model {model_id!r} is not in the Hugging Face cache ({cache_directory()}) and {reason}. "
        f"Fix: connect to the internet once to download it, run `xlcompare models download "
        f"{download_name}`, or pass --model /path/to/model."
    )


def local_revision(directory: Path) -> str:
    """A content fingerprint standing in for a commit hash.

    Configuration and tokenizer files are hashed whole; weight files (up to gigabytes) by size
    and their first and last MiB, which differ between any two trainings or conversions.
    """
    digest = hashlib.sha256()
    for name in _CONFIG_FILES + _TOKENIZER_FILES:
        path = directory / name
        if path.is_file():
            digest.update(name.encode())
            digest.update(path.read_bytes())
    for path in sorted(list(directory.glob("*.safetensors")) + list(directory.glob("*.bin"))):
        size = path.stat().st_size
        digest.update(f"{path.name}:{size}".encode())
        with path.open("rb") as f:
            digest.update(f.read(1 << 20))
            if size > 2 << 20:
                f.seek(-(1 << 20), os.SEEK_END)
                digest.update(f.read())
    return "local-" + digest.hexdigest()[:12]


def _hub_timeout() -> float:
    raw = os.environ.get("HF_HUB_ETAG_TIMEOUT", "")
    try:
        return float(raw) if raw else DEFAULT_HUB_TIMEOUT_S
    except ValueError:
        return DEFAULT_HUB_TIMEOUT_S


def _fetch(model_id: str, revision: str | None, *, name: str, downloading: bool = False) -> LocalModel:
    """Download what the checkpoint needs, preferring safetensors over pickled .bin weights.

    Any failure to reach the Hub turns into ModelNotFoundError at once (huggingface_hub does
    not retry metadata calls, and connection attempts are bounded by HF_HUB_ETAG_TIMEOUT); a
    previously cached snapshot is used instead when there is one. `downloading` (the
    `models download` command) raises DownloadError saying what failed instead, since the usual
    fix, "run xlcompare models download", is the command that just failed.
    """
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    endpoint = os.environ.get("HF_ENDPOINT") or None
    timeout = _hub_timeout()
    cache = cache_directory()
    try:
        info = HfApi(endpoint=endpoint).model_info(model_id, revision=revision, timeout=timeout)
        files = {s.rfilename for s in (info.siblings or [])}
        weights = _SAFETENSORS_FILES if any(f.endswith(".safetensors") for f in files) else _BIN_FILES
        if weights is _BIN_FILES:
            log.warning("%s has no safetensors weights; loading pickled .bin weights (weights_only).", model_id)
        path = snapshot_download(
            model_id,
            revision=revision,
            cache_dir=cache,
            allow_patterns=_CONFIG_FILES + _TOKENIZER_FILES + weights,
            etag_timeout=timeout,
            endpoint=endpoint,
        )
    except GatedRepoError as exc:
        raise ModelNotFoundError(
            f"Model {model_id!r} is gated on the Hugging Face Hub: accept its licence on the model "
            f"page and log in (`hf auth login`), or pass --model /path/to/model."
        ) from exc
    except RepositoryNotFoundError as exc:
        raise ModelNotFoundError(
            f"Model {model_id!r} does not exist on the Hugging Face Hub (or is private). Check the "
            f"id, use a preset ({', '.join(PRESETS)}), or pass --model /path/to/model."
        ) from exc
    except RevisionNotFoundError as exc:
        raise ModelNotFoundError(
            f"Model {model_id!r} has no revision {revision!r} on the Hugging Face Hub."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - network errors come from httpx, OSError, hub errors
        if downloading:
            raise DownloadError(download_failure_message(model_id, exc, cache, endpoint)) from exc
        snapshot = cached_snapshot(model_id, revision)
        if snapshot is not None:
            log.warning("Could not reach the Hub (%s); using the cached %s.", _short(exc), model_id)
            return LocalModel(model_id, snapshot, snapshot.name)
        raise ModelNotFoundError(
            not_found_message(model_id, name, f"the Hub could not be reached ({_short(exc)})")
        ) from exc
    snapshot = Path(path)
    return LocalModel(model_id, snapshot, snapshot.name)


def download_failure_message(model_id: str, exc: BaseException, cache: Path, endpoint: str | None) -> str:
    """One line: what failed while downloading (disk, permissions, network, the Hub) and its fix."""
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT):
            return (
                f"Could not download {model_id!r}: the disk holding the cache ({cache}) is full "
                f"({_short(cause)}). Free some space, or set HF_HUB_CACHE to a folder on a disk with room."
            )
        if isinstance(cause, OSError) and cause.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            where = cause.filename or cache
            return (
                f"Could not download {model_id!r}: no permission to write {where} ({_short(cause)}). "
                f"Make the cache folder writable, or set HF_HUB_CACHE to a folder you can write to."
            )
    status = getattr(getattr(exc, "response", None), "status_code", None)
    hub = endpoint or "https://huggingface.co"
    if status is not None:
        return (
            f"Could not download {model_id!r}: the Hugging Face Hub ({hub}) answered HTTP {status} "
            f"({_short(exc)}). The Hub may be down or limiting requests; try again later, or copy "
            f"the model folder from another machine and pass --model /path/to/model."
        )
    return (
        f"Could not download {model_id!r}: the network request to the Hugging Face Hub ({hub}) "
        f"failed ({_short(exc)}). Check the internet connection, a proxy (HTTPS_PROXY) or "
        f"HF_ENDPOINT; on a machine without internet, copy the model folder from another machine "
        f"and pass --model /path/to/model."
    )


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and the ones it was raised from (huggingface_hub and httpx wrap OSErrors)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _short(exc: BaseException) -> str:
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first_line}"[:200]


@contextlib.contextmanager
def _quiet_weight_loading() -> Iterator[None]:
    """No "Loading weights" progress bar: the files are already local, and a bar per load
    would clutter the CLI's stderr (downloads, which do take time, keep theirs)."""
    from transformers.utils import logging as transformers_logging

    enabled = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            transformers_logging.enable_progress_bar()


def _load_from_directory(path: Path, spec: ModelSpec, *, device: str, dtype: Any) -> tuple[Any, Any]:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    has_safetensors = any(path.glob("*.safetensors"))
    tokenizer_kwargs: dict[str, Any] = {"trust_remote_code": False}
    if spec.family in ("nllb", "m2m100") and spec.source_code:
        tokenizer_kwargs["src_lang"] = spec.source_code
        tokenizer_kwargs["tgt_lang"] = spec.target_code
    try:
        with warnings.catch_warnings():
            # MarianTokenizer warns on every load when the optional sacremoses package (Moses
            # punctuation normalisation, a small quality gain for OPUS-MT) is missing.
            warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
            tokenizer = AutoTokenizer.from_pretrained(str(path), **tokenizer_kwargs)
        with _quiet_weight_loading():
            model = AutoModelForSeq2SeqLM.from_pretrained(
                str(path),
                trust_remote_code=False,
                use_safetensors=has_safetensors,
                dtype=dtype,
            )
    except ImportError as exc:
        raise MissingDependencyError(
            f"Loading {spec.model_id!r} needs a package that is not installed ({_short(exc)}). "
            f"Reinstall xlcompare with its dependencies (pip install -e . in its clone)."
        ) from exc
    except (OSError, ValueError, KeyError, RuntimeError, TypeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(
            f"Could not load the {spec.family} model {spec.model_id!r} from {path}: {_short(exc)}. "
            f"Re-download it (`xlcompare models download {spec.name}`) or check the directory."
        ) from exc
    model.eval()
    model.to(device)
    return model, tokenizer
