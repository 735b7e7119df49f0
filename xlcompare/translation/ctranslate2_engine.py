"""Translation with CTranslate2: the same checkpoints as the transformers engine, several times
faster on a CPU (int8 weights, a C++ decoder without Python in the loop).

The Hugging Face checkpoint is found exactly as the transformers engine finds it (hub.py, same
offline rules and errors), converted once into a cache (convert.py) and loaded with
`ctranslate2.Translator`. Tokenisation stays with the checkpoint's own Hugging Face tokenizer,
so both engines see identical input tokens; only decoding differs. With float32 compute and
greedy search the two produce the same tokens (tests/test_ctranslate2_engine.py).

Like `TransformersEngine.generate_ids`, the core `generate_ids` maps token ids to token ids;
`translate_batch` tokenizes around it and the benchmark drives it directly.
"""
from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from xlcompare.errors import ModelLoadError
from xlcompare.translation import convert
from xlcompare.batching import available_cores, expected_output_lengths, plan_parallel_batches
from xlcompare.translation.engine import EngineOutput, GeneratedIds
from xlcompare.translation.presets import ModelSpec, detect_family, read_json_object, resolve_model
from xlcompare.translation.tokenizer_rules import TokenizerRules, model_input_limit

log = logging.getLogger(__name__)

# Padded source tokens per translate_batch call, divided by the number of beams (see
# benchmarks/bench_ctranslate2.py): like the transformers engine, greedy decoding gains from
# large batches on a CPU, beam search from fewer sentences per batch.
DEFAULT_BATCH_TOKENS = {"cpu": 4096, "cuda": 32768}
# CPU: int8 weights and int8 matrix products, 4x less memory traffic than float32.
# GPU: int8 weights with float16 activations where the card supports it, else float16.
DEFAULT_COMPUTE_TYPES = {"cpu": ("int8", "float32"), "cuda": ("int8_float16", "float16", "float32")}


class CTranslate2Engine(TokenizerRules):
    """A `TranslationEngine` (engine.py) on CTranslate2; constructor as `TransformersEngine`.

    `compute_type=None` picks int8 on the CPU and int8_float16 (else float16) on a GPU; the
    model is converted with that quantisation. `threads=None` uses every core available to
    this process.
    """

    name = "ctranslate2"

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
        compute_type: str | None = None,
        offline: bool | None = None,
        batch_tokens: int | None = None,
        threads: int | None = None,
        max_input_tokens: int | None = None,
        converted_root: Path | None = None,
        half: bool | None = None,
    ) -> None:
        from xlcompare.translation import hub

        ctranslate2 = convert.import_ctranslate2()
        if beams < 1:
            raise ValueError(f"beams must be at least 1, got {beams}")
        spec = resolve_model(model, source_lang, target_lang)
        self.device, self.device_index = pick_ct2_device(device)
        self.compute_type = compute_type or default_compute_type(self.device, half)
        supported = ctranslate2.get_supported_compute_types(self.device)
        if self.compute_type not in supported:
            raise ModelLoadError(
                f"CTranslate2 cannot compute in {self.compute_type} on {self.device}; "
                f"choose one of {', '.join(sorted(supported))}."
            )
        local = hub.locate(spec, offline=offline)
        self.spec = replace(spec, revision=local.revision).with_family(detect_family(local.path))
        self.family = self.spec.family or "marian"
        self.beams = beams
        self.max_new_tokens = max_new_tokens
        self.length_penalty = length_penalty
        self.batch_tokens = batch_tokens or DEFAULT_BATCH_TOKENS["cpu" if self.device == "cpu" else "cuda"]
        self.threads = threads or available_cores()
        self.inter_threads, self.intra_threads = split_threads(self.threads) if self.device == "cpu" else (1, 0)
        self.tokenizer = _load_tokenizer(local.path, self.spec)
        self.conversion = convert.ensure_converted(local, self.compute_type, root=converted_root)
        self.translator = self._load_translator(ctranslate2, local, converted_root)

        config = read_json_object(local.path / "config.json")
        positions = int(config.get("max_position_embeddings") or 512)
        # Decoder positions: one goes to the start token; keep one spare (as TransformersEngine).
        self.max_decoder_tokens = max(1, positions - 2)
        limit = model_input_limit(positions, self.tokenizer, self.family)
        self.max_input_tokens = min(limit, max_input_tokens) if max_input_tokens else limit
        self._vocabulary = _read_vocabulary(self.conversion.path)
        self._token_ids = {token: i for i, token in enumerate(self._vocabulary)}
        self._end_token = str(read_json_object(self.conversion.path / "config.json").get("eos_token") or "</s>")
        self._tokenizer_size = len(self.tokenizer)
        self._unk_id = int(self.tokenizer.unk_token_id)
        self._strip_ids = self._language_and_special_ids()
        self._check_languages(self.spec.source_lang, self.spec.target_lang)

    def _load_translator(self, ctranslate2: Any, local: Any, converted_root: Path | None) -> Any:
        def load() -> Any:
            return ctranslate2.Translator(
                str(self.conversion.path),
                device=self.device,
                device_index=self.device_index,
                compute_type=self.compute_type,
                inter_threads=self.inter_threads,
                intra_threads=self.intra_threads,
            )

        try:
            return load()
        except (RuntimeError, ValueError) as exc:
            if self.conversion.fresh:
                raise ModelLoadError(
                    f"CTranslate2 could not load its conversion of {self.spec.model_id} "
                    f"({self.conversion.path}): {exc}. Use --engine transformers."
                ) from exc
            # A cached conversion damaged on disk or written by another build: redo it once.
            log.warning("Cached conversion %s does not load (%s); converting again.", self.conversion.path, exc)
            convert.discard(self.conversion)
            self.conversion = convert.ensure_converted(local, self.compute_type, root=converted_root)
            return load()

    # --- the TranslationEngine protocol -------------------------------------------------

    def translate_batch(
        self, texts: list[str], source_lang: str, target_lang: str = "en"
    ) -> list[EngineOutput]:
        if not texts:
            return []
        self._check_languages(source_lang, target_lang)
        encoded = self._encode_within_limit(texts, source_lang)
        generated = self.generate_ids(encoded, target_prefix_id=self._target_language_id(target_lang))
        outputs = []
        for result in generated:
            # NLLB's converted vocabulary is padded with "madeupword" tokens the tokenizer
            # lacks; a model that produces one gets <unk> in the text.
            kept = [
                t if t < self._tokenizer_size else self._unk_id
                for t in result.token_ids
                if t not in self._strip_ids
            ]
            text = self.tokenizer.decode(kept, skip_special_tokens=True).strip()
            outputs.append(EngineOutput(text=text, hit_max_length=result.hit_max_length, output_tokens=len(kept)))
        return outputs

    def signature(self) -> dict[str, Any]:
        import ctranslate2

        return {
            "engine": self.name,
            "model": self.spec.model_id,
            "preset": self.spec.preset,
            "revision": self.spec.revision,
            "family": self.family,
            "device": self.device if self.device == "cpu" else f"{self.device}:{self.device_index}",
            "quantization": self.compute_type,
            "beams": self.beams,
            "max_new_tokens": self.max_new_tokens,
            "length_penalty": self.length_penalty,
            "max_input_tokens": self.max_input_tokens,
            "batch_tokens": self.batch_tokens,
            "threads": f"{self.inter_threads}x{self.intra_threads}",
            "ctranslate2": ctranslate2.__version__,
        }

    # --- the batching core ---------------------------------------------------------------

    def generate_ids(
        self,
        input_ids: Sequence[Sequence[int]],
        *,
        target_prefix_id: int | None = None,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
        beams: int | None = None,
    ) -> list[GeneratedIds]:
        """Generate for every input, in input order.

        Returned ids follow `TransformersEngine.generate_ids`: the forced target-language
        token first (NLLB), then the generated tokens up to, not including, the end token.
        Length limits count the same tokens as transformers' `max_new_tokens` (the language
        token and the end token included).
        """
        beams = beams or self.beams
        # Batches are planned here rather than by CTranslate2's own max_batch_size so that,
        # as in the transformers engine, each batch's default length limit follows its own
        # longest input, and so that the batches decoded side by side carry equal work. All
        # are submitted at once: `inter_threads` of them run in parallel.
        lengths = [len(ids) for ids in input_ids]
        outputs = expected_output_lengths(lengths, min_new_tokens, max_new_tokens or self.max_new_tokens)
        batches = plan_parallel_batches(lengths, self.batch_tokens // beams, self.inter_threads, outputs, beams=beams)
        submitted = [
            (
                batch,
                self._submit([input_ids[i] for i in batch], target_prefix_id, max_new_tokens, min_new_tokens, beams),
            )
            for batch in batches
        ]
        results: list[GeneratedIds | None] = [None] * len(input_ids)
        for batch, pending in submitted:
            for index, future in zip(batch, pending):
                results[index] = self._trim(future.result().hypotheses[0])
        return [r for r in results if r is not None]

    def _submit(
        self,
        batch: list[Sequence[int]],
        target_prefix_id: int | None,
        max_new_tokens: int | None,
        min_new_tokens: int | None,
        beams: int,
    ) -> list[Any]:
        """Queue one batch on the translator's workers; returns one future per input."""
        longest = max(len(ids) for ids in batch)
        limit = max_new_tokens or self.max_new_tokens or 2 * longest + 16
        limit = min(limit, self.max_decoder_tokens)
        vocabulary = self._vocabulary
        source = [[vocabulary[i] for i in ids] for ids in batch]
        prefix = None
        if target_prefix_id is not None:
            prefix = [[vocabulary[target_prefix_id]]] * len(batch)
        return self.translator.translate_batch(
            source,
            target_prefix=prefix,
            beam_size=beams,
            length_penalty=self.length_penalty if beams > 1 else 1.0,
            max_decoding_length=limit,
            min_decoding_length=min_new_tokens or 0,
            # Inputs were checked against the model's limit; never truncate silently.
            max_input_length=0,
            # With the end token in the output, its absence means the limit was reached.
            return_end_token=True,
            asynchronous=True,
        )

    def _trim(self, tokens: list[str]) -> GeneratedIds:
        ids = [self._token_ids.get(token, self._unk_id) for token in tokens]
        if tokens and tokens[-1] == self._end_token:
            return GeneratedIds(ids[:-1], hit_max_length=False)
        return GeneratedIds(ids, hit_max_length=True)


# --- devices, threads, tokenizer --------------------------------------------------------------


def pick_ct2_device(requested: str = "auto") -> tuple[str, int]:
    """(device, index) for CTranslate2, which runs on CUDA or the CPU; `auto` takes the first
    GPU when CTranslate2 sees one. CTranslate2 finds GPUs itself, so this works with a
    CPU-only torch."""
    import ctranslate2

    base, _, index_text = (requested or "auto").lower().partition(":")
    index = int(index_text) if index_text.isdigit() else 0
    gpus = ctranslate2.get_cuda_device_count()
    if base == "auto":
        return ("cuda", 0) if gpus else ("cpu", 0)
    if base == "cpu":
        return "cpu", 0
    if base == "cuda":
        if index >= gpus:
            raise ModelLoadError(
                f"Device {requested!r} was requested but CTranslate2 sees {gpus} CUDA GPU(s). "
                f"Use --device cpu or --device auto."
            )
        return "cuda", index
    raise ModelLoadError(
        f"The ctranslate2 engine runs on cpu or cuda, not {requested!r}. Use --engine transformers for {base}."
    )


def default_compute_type(device: str, half: bool | None = None) -> str:
    """The first supported type of DEFAULT_COMPUTE_TYPES; `half=False` asks for float32."""
    import ctranslate2

    if half is False:
        return "float32"
    supported = ctranslate2.get_supported_compute_types(device)
    for compute_type in DEFAULT_COMPUTE_TYPES["cpu" if device == "cpu" else "cuda"]:
        if compute_type in supported:
            return compute_type
    return "float32"


def split_threads(threads: int) -> tuple[int, int]:
    """(inter_threads, intra_threads): batches decoded at once, and threads for each.

    A decoding step multiplies small matrices (one row per sentence), which parallelise badly
    inside one batch; independent batches on separate cores do not wait for each other. On 2
    cores with the opus-mt-sized model (64 inputs, int8, best of 4 interleaved rounds), two
    single-threaded workers decode 877 tokens/s greedy and 307 with 4 beams, against 566 and
    213 for one two-threaded worker. Beyond 4 cores (not measured) each batch gets 2 threads,
    which keeps batches larger.
    """
    threads = max(1, threads)
    if threads <= 4:
        return threads, 1
    return threads // 2, 2


# The tokenizer class of each family, loaded directly: AutoTokenizer reads the model's config
# through transformers' configuration code, which imports torch (about 200 MB and seconds of
# start-up) that CTranslate2 does not need once the model is converted.
TOKENIZER_CLASSES = {"marian": "MarianTokenizer", "nllb": "NllbTokenizer", "m2m100": "M2M100Tokenizer"}


def _load_tokenizer(path: Path, spec: ModelSpec) -> Any:
    """The checkpoint's tokenizer, with the options hub.py gives it for the transformers engine."""
    import transformers

    kwargs: dict[str, Any] = {"trust_remote_code": False}
    if spec.family in ("nllb", "m2m100") and spec.source_code:
        kwargs["src_lang"] = spec.source_code
        kwargs["tgt_lang"] = spec.target_code
    declared = str(read_json_object(path / "tokenizer_config.json").get("tokenizer_class") or "")
    expected = TOKENIZER_CLASSES.get(spec.family or "", "")
    # A checkpoint declaring another class (a "Fast" variant, a custom one) goes through
    # AutoTokenizer, exactly as in the transformers engine.
    use_auto = not expected or (declared and declared != expected)
    tokenizer_class = transformers.AutoTokenizer if use_auto else getattr(transformers, expected)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
            return tokenizer_class.from_pretrained(str(path), **kwargs)
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(
            f"Could not load the tokenizer of {spec.model_id!r} from {path}: {type(exc).__name__}: {exc}. "
            f"Re-download the model or check the directory."
        ) from exc


def _read_vocabulary(directory: Path) -> list[str]:
    """The converted model's vocabulary: token strings in id order, the same ids as the
    Hugging Face tokenizer's (the converter writes them from `tokenizer.get_vocab()`)."""
    for name in ("shared_vocabulary.json", "source_vocabulary.json"):
        path = directory / name
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    for name in ("shared_vocabulary.txt", "source_vocabulary.txt"):
        path = directory / name
        if path.is_file():
            return path.read_text(encoding="utf-8").split("\n")[:-1]
    raise ModelLoadError(f"{directory} has no vocabulary file; delete it so that the model is converted again.")


__all__ = [
    "CTranslate2Engine",
    "default_compute_type",
    "pick_ct2_device",
    "split_threads",
]
