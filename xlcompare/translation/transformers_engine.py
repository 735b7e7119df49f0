"""Translation with Hugging Face transformers: Marian (OPUS-MT), NLLB-200 and M2M100.

The engine's core is `generate_ids`, which takes token ids and returns token ids: it sorts
inputs by length, packs them into batches under a token budget, runs `model.generate` under
`torch.inference_mode()` and restores the input order. `translate_batch` only tokenizes around
it, and the benchmark drives `generate_ids` directly with random ids, so the numbers measured
are those of the code users run.
"""
from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from typing import Any

from xlcompare.batching import MAX_BATCH_SIZE, plan_batches
from xlcompare.translation.device import dtype_name, pick_device, pick_dtype, tune_cpu_allocator
from xlcompare.translation.engine import EngineOutput, GeneratedIds
from xlcompare.translation.presets import ModelSpec, resolve_model
from xlcompare.translation.tokenizer_rules import TokenizerRules, model_input_limit

log = logging.getLogger(__name__)

# Padded source tokens per batch, divided by the number of beams. On a CPU, greedy decoding gains
# up to about 64 sentences per batch (the vocabulary projection becomes an efficient matrix
# product), while beam search is fastest with about 20 sentences (x4 beams): its per-step work on
# [rows, vocabulary] tensors outgrows the cache. 4096 gives both (benchmarks/bench_translate.py).
# A GPU wants larger batches to stay busy.
DEFAULT_BATCH_TOKENS = {"cpu": 4096, "gpu": 32768}
# The encoder runs in smaller groups of similar length within a decoding batch (see _encode).
ENCODER_BATCH_TOKENS = {"cpu": 1024, "gpu": 32768}


class TransformersEngine(TokenizerRules):
    """A `TranslationEngine` around one seq2seq checkpoint (see engine.py for the protocol).

    `model` is a preset name, a Hub id or a local directory (presets.resolve_model).
    `max_new_tokens=None` lets each batch generate up to twice its longest input plus 16 tokens
    (capped by the decoder's positions): generous for real translations, so that reaching it
    means a runaway output, which is flagged rather than cut silently.
    """

    name = "transformers"

    def __init__(
        self,
        model: str,
        *,
        source_lang: str,
        target_lang: str = "en",
        device: str = "auto",
        beams: int = 4,
        max_new_tokens: int | None = None,
        length_penalty: float = 1.0,
        batch_tokens: int | None = None,
        half: bool | None = None,
        offline: bool | None = None,
        max_input_tokens: int | None = None,
    ) -> None:
        from xlcompare.translation import hub

        spec = resolve_model(model, source_lang, target_lang)
        resolved_device = pick_device(device)
        dtype = pick_dtype(resolved_device, half)
        loaded = hub.load(spec, offline=offline, device=resolved_device, dtype=dtype)
        self._setup(
            loaded.model,
            loaded.tokenizer,
            loaded.spec,
            device=resolved_device,
            beams=beams,
            max_new_tokens=max_new_tokens,
            length_penalty=length_penalty,
            batch_tokens=batch_tokens,
            max_input_tokens=max_input_tokens,
        )

    @classmethod
    def from_model(
        cls,
        model: Any,
        tokenizer: Any = None,
        *,
        family: str = "marian",
        source_lang: str = "",
        target_lang: str = "en",
        model_id: str = "in-memory",
        revision: str = "in-memory",
        beams: int = 4,
        max_new_tokens: int | None = None,
        length_penalty: float = 1.0,
        batch_tokens: int | None = None,
        max_input_tokens: int | None = None,
    ) -> TransformersEngine:
        """An engine around an already loaded model (benchmarks, notebooks). Without a
        tokenizer only `generate_ids` works."""
        engine = cls.__new__(cls)
        spec = ModelSpec(
            name=model_id,
            model_id=model_id,
            revision=revision,
            source_lang=source_lang,
            target_lang=target_lang,
        ).with_family(family)
        device = str(next(model.parameters()).device)
        engine._setup(
            model,
            tokenizer,
            spec,
            device=device,
            beams=beams,
            max_new_tokens=max_new_tokens,
            length_penalty=length_penalty,
            batch_tokens=batch_tokens,
            max_input_tokens=max_input_tokens,
        )
        return engine

    def _setup(
        self,
        model: Any,
        tokenizer: Any,
        spec: ModelSpec,
        *,
        device: str,
        beams: int,
        max_new_tokens: int | None,
        length_penalty: float,
        batch_tokens: int | None,
        max_input_tokens: int | None,
    ) -> None:
        if beams < 1:
            raise ValueError(f"beams must be at least 1, got {beams}")
        self.model = model
        self.tokenizer = tokenizer
        self.spec = spec
        self.family = spec.family or "marian"
        self.device = device
        self.beams = beams
        self.max_new_tokens = max_new_tokens
        self.length_penalty = length_penalty
        on_gpu = not device.startswith("cpu")
        if not on_gpu:
            tune_cpu_allocator()
        self.batch_tokens = batch_tokens or DEFAULT_BATCH_TOKENS["gpu" if on_gpu else "cpu"]
        self.encoder_batch_tokens = ENCODER_BATCH_TOKENS["gpu" if on_gpu else "cpu"]
        # transformers fills every unset (None) generation setting from model.generation_config,
        # so settings to switch off must be switched off there. Marian configs force EOS at the
        # last position, which would make an output that ran out of room look finished; without
        # it, a missing EOS tells us the limit was hit. max_length is replaced by max_new_tokens.
        base = copy.deepcopy(model.generation_config)
        base.forced_eos_token_id = None
        base.max_length = None
        model.generation_config = base
        config = model.config
        self.pad_token_id = _first(config.pad_token_id, getattr(tokenizer, "pad_token_id", None), 0)
        eos = model.generation_config.eos_token_id
        if eos is None:
            eos = config.eos_token_id
        self.eos_token_ids = set(eos if isinstance(eos, list) else [eos])
        # Decoder positions: one goes to the start token; keep one spare.
        positions = int(getattr(config, "max_position_embeddings", 512) or 512)
        self.max_decoder_tokens = max(1, positions - 2)
        limit = model_input_limit(positions, tokenizer, self.family)
        self.max_input_tokens = min(limit, max_input_tokens) if max_input_tokens else limit
        self._strip_ids = self._language_and_special_ids()
        if tokenizer is not None:
            self._check_languages(spec.source_lang, spec.target_lang)

    # --- the TranslationEngine protocol -------------------------------------------------

    def translate_batch(
        self, texts: list[str], source_lang: str, target_lang: str = "en"
    ) -> list[EngineOutput]:
        if not texts:
            return []
        self._check_languages(source_lang, target_lang)
        encoded = self._encode_within_limit(texts, source_lang)
        generated = self.generate_ids(encoded, forced_bos_token_id=self._target_language_id(target_lang))
        outputs = []
        for result in generated:
            kept = [t for t in result.token_ids if t not in self._strip_ids]
            text = self.tokenizer.decode(kept, skip_special_tokens=True).strip()
            outputs.append(
                EngineOutput(text=text, hit_max_length=result.hit_max_length, output_tokens=len(kept))
            )
        return outputs

    def signature(self) -> dict[str, Any]:
        import torch
        import transformers

        return {
            "engine": self.name,
            "model": self.spec.model_id,
            "preset": self.spec.preset,
            "revision": self.spec.revision,
            "family": self.family,
            "device": self.device,
            "dtype": dtype_name(next(self.model.parameters()).dtype),
            "beams": self.beams,
            "max_new_tokens": self.max_new_tokens,
            "length_penalty": self.length_penalty,
            "max_input_tokens": self.max_input_tokens,
            "batch_tokens": self.batch_tokens,
            "transformers": transformers.__version__,
            "torch": torch.__version__,
        }

    # --- the batching core ---------------------------------------------------------------

    def generate_ids(
        self,
        input_ids: Sequence[Sequence[int]],
        *,
        forced_bos_token_id: int | None = None,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
        beams: int | None = None,
    ) -> list[GeneratedIds]:
        """Generate for every input, in input order, batching by length."""
        beams = beams or self.beams
        results: list[GeneratedIds | None] = [None] * len(input_ids)
        for batch in plan_batches([len(ids) for ids in input_ids], self.batch_tokens // beams, MAX_BATCH_SIZE):
            generated = self._generate_batch(
                [input_ids[i] for i in batch],
                forced_bos_token_id=forced_bos_token_id,
                max_new_tokens=max_new_tokens,
                min_new_tokens=min_new_tokens,
                beams=beams,
            )
            for index, result in zip(batch, generated):
                results[index] = result
        return [r for r in results if r is not None]

    def _generate_batch(
        self,
        batch: list[Sequence[int]],
        *,
        forced_bos_token_id: int | None,
        max_new_tokens: int | None,
        min_new_tokens: int | None,
        beams: int,
    ) -> list[GeneratedIds]:
        import torch

        longest = max(len(ids) for ids in batch)
        limit = max_new_tokens or self.max_new_tokens or 2 * longest + 16
        limit = min(limit, self.max_decoder_tokens)
        input_tensor = torch.full((len(batch), longest), self.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(batch), longest), dtype=torch.long)
        for row, ids in enumerate(batch):
            # Right padding: the encoder masks it, and the decoder never sees the source positions.
            input_tensor[row, : len(ids)] = torch.as_tensor(list(ids), dtype=torch.long)
            mask[row, : len(ids)] = 1
        config = self._generation_config(
            beams=beams,
            max_new_tokens=limit,
            min_new_tokens=min_new_tokens,
            forced_bos_token_id=forced_bos_token_id,
        )
        input_tensor, mask = input_tensor.to(self.device), mask.to(self.device)
        try:
            with torch.inference_mode():
                encoder_outputs = self._encode(input_tensor, mask, [len(ids) for ids in batch])
                sequences = self.model.generate(
                    input_ids=input_tensor,
                    attention_mask=mask,
                    encoder_outputs=encoder_outputs,
                    generation_config=config,
                )
        except torch.OutOfMemoryError:
            if len(batch) == 1:
                raise
            # A GPU that cannot hold this batch can hold half of it: retry smaller, not fail.
            half = len(batch) // 2
            log.warning("Out of memory on a batch of %d; retrying in two halves.", len(batch))
            kwargs = dict(
                forced_bos_token_id=forced_bos_token_id,
                max_new_tokens=max_new_tokens,
                min_new_tokens=min_new_tokens,
                beams=beams,
            )
            return self._generate_batch(batch[:half], **kwargs) + self._generate_batch(batch[half:], **kwargs)
        return [self._trim(row) for row in sequences.tolist()]

    def _encode(self, input_tensor: Any, mask: Any, lengths: list[int]) -> Any:
        """Run the encoder in smaller length-sorted groups, then pad the states to the batch.

        A decoding batch is best large (the output projection over the whole vocabulary
        dominates each step), but one encoder pass over it would also compute every padding
        position of its shorter inputs: up to half the encoder's work for mixed lengths. Padded
        states are zeros and masked out in cross-attention, so the result is the same.
        """
        from transformers.modeling_outputs import BaseModelOutput

        encoder = self.model.get_encoder()
        groups = plan_batches(lengths, self.encoder_batch_tokens, MAX_BATCH_SIZE)
        if len(groups) == 1:
            return BaseModelOutput(last_hidden_state=encoder(input_ids=input_tensor, attention_mask=mask).last_hidden_state)
        states = None
        for rows in groups:
            longest = max(lengths[r] for r in rows)
            index = input_tensor.new_tensor(rows)
            out = encoder(input_ids=input_tensor[index, :longest], attention_mask=mask[index, :longest]).last_hidden_state
            if states is None:
                states = out.new_zeros((input_tensor.shape[0], input_tensor.shape[1], out.shape[-1]))
            states[index, :longest] = out
        return BaseModelOutput(last_hidden_state=states)

    def _generation_config(
        self,
        *,
        beams: int,
        max_new_tokens: int,
        min_new_tokens: int | None,
        forced_bos_token_id: int | None,
    ) -> Any:
        config = copy.deepcopy(self.model.generation_config)
        config.do_sample = False
        config.num_beams = beams
        config.num_return_sequences = 1
        config.max_new_tokens = max_new_tokens
        # A minimum length as min_length, which counts the decoder start token, rather than
        # min_new_tokens: transformers would apply both (each a full pass over batch x
        # vocabulary per step) when min_new_tokens is set.
        config.min_new_tokens = None
        config.min_length = min_new_tokens + 1 if min_new_tokens else 0
        config.length_penalty = self.length_penalty if beams > 1 else 1.0
        config.early_stopping = True if beams > 1 else False
        # NLLB's decoder starts with the target language's code and then writes in that
        # language; without forcing it, the model picks a language itself (often the source
        # language, or any of 200). Marian models are bound to one target and need no such token.
        config.forced_bos_token_id = forced_bos_token_id
        return config

    def _trim(self, row: list[int]) -> GeneratedIds:
        generated = row[1:]  # the decoder start token is not generated
        for position, token in enumerate(generated):
            if token in self.eos_token_ids:
                return GeneratedIds(generated[:position], hit_max_length=False)
        while generated and generated[-1] == self.pad_token_id:
            generated.pop()
        return GeneratedIds(generated, hit_max_length=True)


def _first(*values: Any) -> Any:
    return next(v for v in values if v is not None)


__all__ = ["TransformersEngine", "GeneratedIds"]
