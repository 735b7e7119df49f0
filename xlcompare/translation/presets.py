"""Named translation models, language codes, and `resolve_model`.

A model argument is one of three things, tried in this order:

1. a local directory holding a checkpoint (``--model ./models/opus-mt-hi-en``);
2. a preset name (``nllb-600m``, ``opus-mt``), which may pick a different checkpoint per
   source language;
3. a Hugging Face Hub id (``Helsinki-NLP/opus-mt-ur-en``).

`resolve_model` does no network access: for a Hub id that is not cached yet, the family is
guessed from the id and confirmed from ``config.json`` once the checkpoint is on disk.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from xlcompare.errors import LanguageError, ModelLoadError
from xlcompare.settings import DEFAULT_MODEL

FAMILIES = ("marian", "nllb", "m2m100")

DEFAULT_PRESET = DEFAULT_MODEL

NLLB_LICENCE = "CC-BY-NC-4.0 (non-commercial use only)"
OPUS_MT_LICENCE = "Apache-2.0 on the Hub model cards (OPUS-MT releases: CC-BY-4.0)"

# ISO 639-1 (what language detection and `--from` give us) -> NLLB-200 FLORES-200 codes.
# Persian is Western Persian (pes_Arab): Dari would be prs_Arab, Tajik (Cyrillic) tgk_Cyrl.
NLLB_CODES: dict[str, str] = {
    "en": "eng_Latn",
    "hi": "hin_Deva",
    "fa": "pes_Arab",
    "ur": "urd_Arab",
    "ar": "arb_Arab",
    "ps": "pbt_Arab",
    "tg": "tgk_Cyrl",
    "bn": "ben_Beng",
    "pa": "pan_Guru",
    "mr": "mar_Deva",
    "ne": "npi_Deva",
    "gu": "guj_Gujr",
    "ta": "tam_Taml",
    "te": "tel_Telu",
    "kn": "kan_Knda",
    "ml": "mal_Mlym",
    "ru": "rus_Cyrl",
    "uk": "ukr_Cyrl",
    "kk": "kaz_Cyrl",
    "ky": "kir_Cyrl",
    "uz": "uzn_Latn",
    "tk": "tuk_Latn",
    "az": "azj_Latn",
    "tr": "tur_Latn",
    "he": "heb_Hebr",
    "zh": "zho_Hans",
    "ja": "jpn_Jpan",
    "ko": "kor_Hang",
    "fr": "fra_Latn",
    "de": "deu_Latn",
    "es": "spa_Latn",
    "it": "ita_Latn",
    "pt": "por_Latn",
    "id": "ind_Latn",
    "vi": "vie_Latn",
}

# A FLORES-200 code such as hin_Deva: three lowercase letters, underscore, a script name.
NLLB_CODE_PATTERN = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
# M2M100 marks languages with tokens such as __hi__.
M2M100_TOKEN_PATTERN = re.compile(r"^__[a-z]{2,3}__$")


@dataclass(frozen=True)
class Preset:
    """A named model choice. `models` maps a source language to a checkpoint; "*" is the
    fallback for every other language."""

    name: str
    family: str
    models: dict[str, str]
    licence: str
    description: str

    def model_for(self, source_lang: str) -> str:
        return self.models.get(source_lang, self.models["*"])

    @property
    def model_ids(self) -> list[str]:
        return list(dict.fromkeys(self.models.values()))


PRESETS: dict[str, Preset] = {
    "nllb-600m": Preset(
        name="nllb-600m",
        family="nllb",
        models={"*": "facebook/nllb-200-distilled-600M"},
        licence=NLLB_LICENCE,
        description="NLLB-200 distilled 600M: one model for 200 languages (2.5 GB).",
    ),
    "opus-mt": Preset(
        name="opus-mt",
        family="marian",
        # There is no opus-mt-fa-en: Persian (and any language without a dedicated pair) goes
        # through the multilingual opus-mt-mul-en. Its target is always English, so it needs no
        # target token (`>>eng<<` is only required by models with several target languages),
        # and it takes no source-language token either: the source is recognised from the text.
        # Dedicated pairs only for the region's languages, to keep `models download opus-mt`
        # small; any Hub id (e.g. Helsinki-NLP/opus-mt-ru-en) can be passed with --model.
        models={
            "hi": "Helsinki-NLP/opus-mt-hi-en",
            "ur": "Helsinki-NLP/opus-mt-ur-en",
            "ar": "Helsinki-NLP/opus-mt-ar-en",
            "*": "Helsinki-NLP/opus-mt-mul-en",
        },
        licence=OPUS_MT_LICENCE,
        description="OPUS-MT (MarianMT): small per-language models, opus-mt-mul-en otherwise (300 MB each).",
    ),
}


@dataclass(frozen=True)
class ModelSpec:
    """Which checkpoint to load and how to address its languages."""

    name: str  # what the user asked for: a preset name, a Hub id or a path
    model_id: str  # the Hub id, or the absolute path of a local directory
    local_path: Path | None = None
    revision: str | None = None  # None: the Hub's default branch; filled in once loaded
    family: str | None = None  # marian | nllb | m2m100; None until the config has been read
    source_lang: str = ""
    target_lang: str = "en"
    source_code: str | None = None  # what the tokenizer expects: hin_Deva (NLLB), hi (M2M100)
    target_code: str | None = None
    licence: str | None = None
    preset: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_local(self) -> bool:
        return self.local_path is not None

    def with_family(self, family: str) -> ModelSpec:
        """The same spec with its family known, and language codes filled in for it."""
        return replace(
            self,
            family=family,
            source_code=language_code(family, self.source_lang),
            target_code=language_code(family, self.target_lang),
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["local_path"] = str(self.local_path) if self.local_path else None
        return d


def language_code(family: str | None, lang: str) -> str | None:
    """The code a tokenizer of `family` uses for ISO 639-1 `lang` (None for Marian, whose
    checkpoints are bound to one language pair)."""
    if family is None or family == "marian" or not lang:
        return None
    if family == "nllb":
        if NLLB_CODE_PATTERN.match(lang):
            return lang
        try:
            return NLLB_CODES[lang]
        except KeyError:
            raise LanguageError(
                f"No NLLB-200 language code known for {lang!r}. Pass the FLORES-200 code "
                f"directly (e.g. --from hin_Deva) or one of: {', '.join(sorted(NLLB_CODES))}."
            ) from None
    if family == "m2m100":
        # M2M100 tokenizers take ISO 639-1 codes and wrap them as __hi__ themselves.
        if NLLB_CODE_PATTERN.match(lang):
            iso = {code: iso for iso, code in NLLB_CODES.items()}.get(lang)
            if iso is None:
                raise LanguageError(f"No M2M100 language code known for {lang!r}; pass an ISO 639-1 code.")
            return iso
        return lang
    raise ModelLoadError(f"Unknown model family {family!r}; xlcompare supports {', '.join(FAMILIES)}.")


def resolve_model(model: str | Path, source_lang: str, target_lang: str = "en") -> ModelSpec:
    """Turn a `--model` argument into a `ModelSpec` without touching the network."""
    text = str(model)
    if not text.strip():
        # Path("") is the current directory: an empty --model must not load whatever is here.
        raise ModelLoadError(
            f"No model given (an empty --model); pass a preset ({', '.join(PRESETS)}), a Hugging "
            "Face Hub id or a model directory."
        )
    path = Path(text).expanduser()
    if path.is_dir():
        path = path.resolve()
        family = detect_family(path)
        spec = ModelSpec(
            name=text,
            model_id=str(path),
            local_path=path,
            source_lang=source_lang,
            target_lang=target_lang,
        )
        return spec.with_family(family)
    if text in PRESETS:
        preset = PRESETS[text]
        spec = ModelSpec(
            name=text,
            model_id=preset.model_for(source_lang),
            source_lang=source_lang,
            target_lang=target_lang,
            licence=preset.licence,
            preset=preset.name,
        )
        return spec.with_family(preset.family)
    if path.exists():  # a file (a folder was handled above)
        raise ModelLoadError(
            f"{text} is a file, not a model folder. Pass the directory holding the model's "
            f"config.json, a preset ({', '.join(PRESETS)}) or a Hugging Face Hub id."
        )
    if looks_like_path(text):
        raise ModelLoadError(
            f"Model directory {text} does not exist. Pass an existing directory holding "
            f"config.json, a preset ({', '.join(PRESETS)}) or a Hugging Face Hub id."
        )
    spec = ModelSpec(name=text, model_id=text, source_lang=source_lang, target_lang=target_lang)
    family = guess_family_from_id(text)
    return spec.with_family(family) if family else spec


def looks_like_path(text: str) -> bool:
    """A Hub id is `owner/name` or `name`; anything else with path syntax is a path."""
    return (
        text.startswith((".", "/", "~"))
        or "\\" in text
        or text.count("/") > 1
        or text.endswith("/")
    )


def guess_family_from_id(model_id: str) -> str | None:
    name = model_id.lower()
    if "opus-mt" in name or "marian" in name:
        return "marian"
    if "nllb" in name:
        return "nllb"
    if "m2m100" in name or "m2m_100" in name:
        return "m2m100"
    return None


def detect_family(directory: Path) -> str:
    """Read a checkpoint's family from its files.

    NLLB checkpoints declare ``model_type: m2m100`` (same architecture), so they are told
    apart by their tokenizer: an NllbTokenizer, or FLORES-200 codes such as ``hin_Deva``.
    """
    config_path = directory / "config.json"
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelLoadError(
            f"{directory} has no config.json, so it is not a transformers checkpoint. "
            f"Pass a directory saved with save_pretrained, a preset or a Hub id."
        ) from None
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"Cannot read {config_path}: {exc}. Re-download the model.") from exc
    model_type = str(config.get("model_type", "")).lower()
    if model_type == "marian":
        return "marian"
    if model_type == "nllb-moe":
        return "nllb"
    if model_type in ("m2m_100", "m2m100"):
        return "nllb" if _has_nllb_tokenizer(directory) else "m2m100"
    raise ModelLoadError(
        f"{directory} holds a {model_type or 'unknown'!s} model; xlcompare translates with "
        f"Marian (OPUS-MT), NLLB-200 or M2M100 checkpoints."
    )


def _has_nllb_tokenizer(directory: Path) -> bool:
    tokenizer_config = read_json_object(directory / "tokenizer_config.json")
    tokenizer_class = str(tokenizer_config.get("tokenizer_class") or "")
    if tokenizer_class.startswith("Nllb"):
        return True
    if tokenizer_class.startswith("M2M100"):
        return False
    listed = tokenizer_config.get("extra_special_tokens") or tokenizer_config.get(
        "additional_special_tokens"
    )
    if isinstance(listed, list) and any(
        NLLB_CODE_PATTERN.match(str(t if isinstance(t, str) else t.get("content", ""))) for t in listed
    ):
        return True
    tokenizer_json = read_json_object(directory / "tokenizer.json")
    added = tokenizer_json.get("added_tokens") or []
    return any(NLLB_CODE_PATTERN.match(str(t.get("content", ""))) for t in added if isinstance(t, dict))


def read_json_object(path: Path) -> dict[str, Any]:
    """A checkpoint's JSON file as a dict; {} when it is missing, unreadable or not an object
    (optional files such as tokenizer_config.json are read this way)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
