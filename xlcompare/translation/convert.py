"""Converting Hugging Face translation checkpoints to CTranslate2's format, once, into a cache.

    converted = ensure_converted(local_model, "int8")   # a directory ctranslate2.Translator loads

The cache itself (one folder per model, revision and quantisation, written atomically under a
lock) is `xlcompare.ct2`, which the e5-ct2 embedder shares; this module adds the converter of
transformers checkpoints.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xlcompare.ct2 import (
    METADATA_NAME,
    ConvertedModel,
    Converter,
    conversion_directory,
    discard,
    import_ctranslate2,
    is_complete,
)
from xlcompare.ct2 import ensure_converted as _ensure_converted
from xlcompare.errors import MissingDependencyError, ModelLoadError
from xlcompare.translation.hub import LocalModel


def ensure_converted(
    local: LocalModel,
    quantization: str,
    *,
    root: Path | None = None,
    converter: Converter | None = None,
) -> ConvertedModel:
    """The converted model for `local`, converting it first if the cache has none.

    `converter(source_dir, output_dir, quantization)` does the conversion (default:
    `convert_checkpoint`); tests and benchmarks pass their own to count or time calls.
    """
    return _ensure_converted(local, quantization, converter=converter or convert_checkpoint, root=root)


def convert_checkpoint(source: Path, output: Path, quantization: str) -> None:
    """Run CTranslate2's transformers converter on a local checkpoint directory."""
    ctranslate2 = import_ctranslate2()
    try:
        import transformers
    except ImportError as exc:  # pragma: no cover - transformers is a core dependency
        raise MissingDependencyError(f"Converting a model needs transformers: pip install transformers ({exc}).") from exc
    converter = ctranslate2.converters.TransformersConverter(str(source), low_cpu_mem_usage=True)
    with _quiet_transformers(transformers):
        try:
            # force: `output` is an empty folder made by ensure_converted, not an old conversion.
            converter.convert(str(output), quantization=quantization, force=True)
        except OSError:
            raise  # a disk problem, not the model's: ensure_converted says what to do
        except (ValueError, NotImplementedError, KeyError, RuntimeError, TypeError) as exc:
            first_line = (str(exc).strip().splitlines() or [""])[0][:200]
            raise ModelLoadError(
                f"CTranslate2 could not convert {source}: {type(exc).__name__}: {first_line}. "
                f"Use --engine transformers for this model."
            ) from exc


@contextlib.contextmanager
def _quiet_transformers(transformers: Any) -> Iterator[None]:
    """The converter loads the model through transformers, whose progress bars would land on
    the user's terminal in the middle of ours."""
    hf_logging = transformers.utils.logging
    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


__all__ = [
    "METADATA_NAME", "ConvertedModel", "conversion_directory", "convert_checkpoint", "discard",
    "ensure_converted", "import_ctranslate2", "is_complete",
]
