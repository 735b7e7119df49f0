"""The tokenizer side of a Hugging Face translation checkpoint, shared by both engines.

The transformers and CTranslate2 engines decode differently but must agree on everything around
decoding: which language codes a checkpoint knows, which token starts an NLLB translation, which
ids never reach the English text, how long an input may be, and that an over-long input is
refused rather than truncated. Keeping those rules in one place keeps the engines' outputs
comparable token for token (tests/test_ctranslate2_engine.py).
"""
from __future__ import annotations

from typing import Any

from xlcompare.errors import InputError, LanguageError
from xlcompare.translation.presets import (
    M2M100_TOKEN_PATTERN,
    NLLB_CODE_PATTERN,
    ModelSpec,
    language_code,
)

# NLLB-200 was trained on inputs of at most 512 tokens (model card), although its position
# table has 1024 entries; longer inputs degrade, so they are split instead.
NLLB_TRAINED_MAX_TOKENS = 512
# Tokenizers without a limit report a huge sentinel (about 1e30) as model_max_length.
_UNSET_TOKENIZER_LIMIT = 1_000_000


def model_input_limit(positions: int, tokenizer: Any, family: str) -> int:
    """Longest input in tokens: the position table, the tokenizer's own limit where it sets
    one, and NLLB's trained length."""
    limits = [positions]
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < _UNSET_TOKENIZER_LIMIT:
        limits.append(tokenizer_limit)
    if family == "nllb":
        limits.append(NLLB_TRAINED_MAX_TOKENS)
    return min(limits)


class TokenizerRules:
    """Mixed into an engine that sets `tokenizer`, `family`, `spec` and `max_input_tokens`."""

    tokenizer: Any
    family: str
    spec: ModelSpec
    max_input_tokens: int

    def count_tokens(self, text: str, source_lang: str) -> int:
        """Model input length of `text`, special tokens included."""
        self._prepare_source(source_lang)
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    def _encode_within_limit(self, texts: list[str], source_lang: str) -> list[list[int]]:
        self._prepare_source(source_lang)
        encoded = self.tokenizer(list(texts), add_special_tokens=True)["input_ids"]
        for text, ids in zip(texts, encoded):
            if len(ids) > self.max_input_tokens:
                # Position embeddings would overflow or the model would see text it was never
                # trained on; splitting is the pipeline's job (splitting.py), never truncation.
                raise InputError(
                    f"A text of {len(ids)} tokens exceeds the model's input limit of "
                    f"{self.max_input_tokens} ({text[:40]!r}...). Translate through "
                    f"xlcompare.translation.pipeline.translate_segments, which splits long segments."
                )
        return encoded

    def _target_language_id(self, target_lang: str) -> int | None:
        """The token an NLLB/M2M100 translation starts with: its target language's code
        (transformers forces it as the first generated token, CTranslate2 takes it as a
        target prefix). Marian has none."""
        if self.family == "marian":
            return None
        code = language_code(self.family, target_lang)
        if self.family == "m2m100":
            return int(self.tokenizer.get_lang_id(code))
        return int(self.tokenizer.convert_tokens_to_ids(code))

    def _prepare_source(self, source_lang: str) -> None:
        if self.family in ("nllb", "m2m100"):
            code = language_code(self.family, source_lang or self.spec.source_lang)
            if self.tokenizer.src_lang != code:
                # The tokenizer prepends the source language's code to every input.
                self.tokenizer.src_lang = code

    def _check_languages(self, source_lang: str, target_lang: str) -> None:
        if self.family == "marian":
            if target_lang != self.spec.target_lang:
                raise LanguageError(
                    f"{self.spec.model_id} translates into {self.spec.target_lang!r} only, not {target_lang!r}."
                )
            if source_lang and self.spec.source_lang and source_lang != self.spec.source_lang:
                if not self._multilingual_source():
                    raise LanguageError(
                        f"{self.spec.model_id} translates from {self.spec.source_lang!r}, not "
                        f"{source_lang!r}. Load an engine for {source_lang!r} (the opus-mt preset "
                        f"picks the right checkpoint) or use nllb-600m."
                    )
            return
        for lang in (source_lang, target_lang):
            if not lang:
                continue
            code = language_code(self.family, lang)
            if self.family == "m2m100":
                known = code in getattr(self.tokenizer, "lang_code_to_token", {})
            else:
                token_id = self.tokenizer.convert_tokens_to_ids(code)
                known = token_id is not None and token_id != self.tokenizer.unk_token_id
            if not known:
                raise LanguageError(
                    f"{self.spec.model_id} has no language token for {lang!r} ({code}); "
                    f"choose a language the model supports."
                )

    def _multilingual_source(self) -> bool:
        declared = getattr(self.tokenizer, "source_lang", None)
        return declared in (None, "", "mul") or "-mul-" in self.spec.model_id

    def _language_and_special_ids(self) -> set[int]:
        """Ids never to appear in the English text: special tokens and language codes (NLLB's
        target code comes back as the first generated token)."""
        if self.tokenizer is None:
            return set()
        ids = set(self.tokenizer.all_special_ids)
        if self.family in ("nllb", "m2m100"):
            pattern = NLLB_CODE_PATTERN if self.family == "nllb" else M2M100_TOKEN_PATTERN
            ids.update(i for token, i in self.tokenizer.get_vocab().items() if pattern.match(token))
        ids.discard(self.tokenizer.unk_token_id)
        return ids


__all__ = ["NLLB_TRAINED_MAX_TOKENS", "TokenizerRules", "model_input_limit"]
