"""The interface every translation engine implements, and the registry that finds them.

Engines are imported lazily: importing torch or ctranslate2 costs seconds, and a user who only
compares with `--no-translate` should never pay for it.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from xlcompare.errors import XlcompareError


@dataclass(frozen=True)
class EngineOutput:
    """What an engine returns for one input string."""

    text: str
    hit_max_length: bool = False  # generation stopped because it reached the length limit
    output_tokens: int = 0
    cached: bool = False  # served from a TranslationCache, not generated in this run


@dataclass(frozen=True)
class GeneratedIds:
    """One generated sequence, as the engines' token-id cores return it: the tokens after the
    decoder start token, up to (not including) the first end-of-sequence token."""

    token_ids: list[int]
    hit_max_length: bool  # no end-of-sequence token before the length limit


@runtime_checkable
class TranslationEngine(Protocol):
    """Translates batches of short texts (sentences) from one language into English.

    Engines do no sentence splitting or caching of their own: the pipeline
    (`xlcompare.translation.pipeline`) splits long inputs with `count_tokens` and
    `max_input_tokens`, and caching is a wrapper (`TranslationCache`) around any engine.
    """

    name: str
    max_input_tokens: int

    def count_tokens(self, text: str, source_lang: str) -> int: ...

    def translate_batch(
        self, texts: list[str], source_lang: str, target_lang: str = "en"
    ) -> list[EngineOutput]: ...

    def signature(self) -> dict[str, Any]: ...


# name -> "module:factory"; factories take (model, **options) and return an engine.
ENGINES: dict[str, str] = {
    "transformers": "xlcompare.translation.transformers_engine:TransformersEngine",
    "ctranslate2": "xlcompare.translation.ctranslate2_engine:CTranslate2Engine",
}


def engine_class(name: str) -> Any:
    try:
        target = ENGINES[name]
    except KeyError:
        raise XlcompareError(
            f"Unknown translation engine {name!r}. Choose one of: {', '.join(ENGINES)}."
        ) from None
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)
