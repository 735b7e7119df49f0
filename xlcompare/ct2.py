"""CTranslate2 models converted once into a cache, shared by the translation engine and the
e5-ct2 embedder.

Converted models live in one folder per model id, revision and quantisation (by default under
`settings.converted_models_dir()`). A conversion is written into a temporary sibling folder and
renamed into place only when complete, so a crash or Ctrl-C never leaves a half-converted model
that a later run would load; concurrent runs wait on a lock file instead of converting twice.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from xlcompare import settings
from xlcompare.errors import MissingDependencyError, ModelLoadError, install_hint
from xlcompare.locks import exclusive

log = logging.getLogger(__name__)

# Written last into a conversion: a folder without it is not a finished conversion.
METADATA_NAME = "xlcompare-conversion.json"
# Quantisations the converter can store; the Translator may compute in another type.
QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")
_TEMP_MARK = ".tmp-"


class ModelSource(Protocol):
    """What a conversion is made from and keyed by (translation.hub.LocalModel is one)."""

    @property
    def model_id(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def revision(self) -> str: ...


Converter = Callable[[Path, Path, str], None]


@dataclass(frozen=True)
class ConvertedModel:
    """A CTranslate2 model directory and where it came from."""

    path: Path
    model_id: str
    revision: str
    quantization: str
    fresh: bool  # converted by this call, not found in the cache
    seconds: float  # conversion time when fresh, else 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = str(self.path)
        return d


def import_ctranslate2(needs: str = "The ctranslate2 engine", alternative: str = "use --engine transformers") -> Any:
    """ctranslate2, or a MissingDependencyError that says who `needs` it, how to install it and
    what else to use (`alternative`)."""
    try:
        import ctranslate2
    except ImportError as exc:
        raise MissingDependencyError(
            f"{needs} needs the optional package ctranslate2: {install_hint('fast')} "
            f"(or {alternative})."
        ) from exc
    return ctranslate2


def conversion_directory(model_id: str, revision: str, quantization: str, root: Path | None = None) -> Path:
    """Where the conversion of `model_id` at `revision` with `quantization` is kept.

    The folder name starts with a readable slug of the model id and ends with a hash of the
    full key, since a local model's id is an absolute path and two paths may share a name.
    The converter's major version is part of the key: the format changes between majors.
    """
    ctranslate2 = import_ctranslate2()
    major = ctranslate2.__version__.split(".")[0]
    key = json.dumps([model_id, revision, quantization, f"ct2-{major}"])
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "--", model_id.strip("/\\")).strip("-.")[-60:] or "model"
    root = root if root is not None else settings.converted_models_dir()
    return root / f"{slug}-{quantization}-{digest}"


def is_complete(directory: Path) -> bool:
    return (directory / METADATA_NAME).is_file() and (directory / "model.bin").is_file()


def ensure_converted(
    local: ModelSource,
    quantization: str,
    *,
    converter: Converter,
    root: Path | None = None,
) -> ConvertedModel:
    """The converted model for `local`, converting it first if the cache has none.

    `converter(source, output_dir, quantization)` writes the CTranslate2 model into the empty
    folder `output_dir`.
    """
    if quantization not in QUANTIZATIONS:
        raise ModelLoadError(f"Unknown quantisation {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}.")
    target = conversion_directory(local.model_id, local.revision, quantization, root)
    if is_complete(target):
        return ConvertedModel(target, local.model_id, local.revision, quantization, fresh=False, seconds=0.0)
    try:
        return _convert_into(target, local, quantization, converter)
    except OSError as exc:
        # Most often a cache folder too small for the converted weights (ENOSPC).
        raise ModelLoadError(
            f"Cannot convert {local.model_id} for CTranslate2 into {target.parent} "
            f"({exc.strerror or exc}); free space there (a conversion is about as large as the "
            "model) or point XLCOMPARE_CACHE_DIR at a larger disk."
        ) from exc


def _convert_into(target: Path, local: ModelSource, quantization: str, converter: Converter) -> ConvertedModel:
    target.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(target.with_name(target.name + ".lock")):
        # Another run may have finished the same conversion while this one waited.
        if is_complete(target):
            return ConvertedModel(target, local.model_id, local.revision, quantization, fresh=False, seconds=0.0)
        _remove_leftovers(target)
        started = time.perf_counter()
        temporary = Path(tempfile.mkdtemp(prefix=target.name + _TEMP_MARK, dir=target.parent))
        try:
            log.info("Converting %s to CTranslate2 (%s) into %s; this happens once.", local.model_id, quantization, target)
            converter(local.path, temporary, quantization)
            seconds = time.perf_counter() - started
            metadata = {
                "model_id": local.model_id,
                "revision": local.revision,
                "quantization": quantization,
                "source": str(local.path),
                "ctranslate2": import_ctranslate2().__version__,
                "converted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "seconds": round(seconds, 3),
            }
            (temporary / METADATA_NAME).write_text(json.dumps(metadata, indent=2), encoding="utf-8")
            os.replace(temporary, target)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    log.info("Converted %s in %.1f s.", local.model_id, seconds)
    return ConvertedModel(target, local.model_id, local.revision, quantization, fresh=True, seconds=seconds)


def discard(converted: ConvertedModel) -> None:
    """Remove a conversion that turned out unusable, so that the next run converts again."""
    with exclusive(converted.path.with_name(converted.path.name + ".lock")):
        shutil.rmtree(converted.path, ignore_errors=True)


def _remove_leftovers(target: Path) -> None:
    """Temporary folders of interrupted conversions of this key (we hold its lock, so none
    is in progress), and an incomplete folder at the target from a foreign tool."""
    for leftover in target.parent.glob(target.name + _TEMP_MARK + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
    if target.exists():
        shutil.rmtree(target, ignore_errors=True)
