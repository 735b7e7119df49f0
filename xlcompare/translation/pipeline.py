"""From segments to translations: splitting, batching through an engine, quality flags.

    engine = load_engine("nllb-600m", source_lang="hi")
    translations = translate_segments(engine, segments, "hi")   # {segment id: Translation}

Boilerplate segments (page furniture: "popular posts", view counts) are not translated unless
`include_boilerplate=True`: they get no Translation record, and writers show `null` for them.
Every other segment gets exactly one record, however many model inputs it was split into.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlcompare.segments.model import Segment
from xlcompare.settings import DEFAULT_MODEL
from xlcompare.translation.engine import EngineOutput, TranslationEngine, engine_class
from xlcompare.translation.model import FLAG_SPLIT, TranslatedArticle, Translation
from xlcompare.translation.quality import quality_flags
from xlcompare.translation.splitting import SPLIT_MARGIN, join_translations, split_text
from xlcompare.version import __version__

if TYPE_CHECKING:
    from xlcompare.article.model import Article

log = logging.getLogger(__name__)

# Model inputs handed to the engine per call. Inputs are sorted by length across the whole
# article first, so a chunk holds similar lengths and the engine batches it with little
# padding; smaller chunks only make the progress bar move more often.
DEFAULT_CHUNK_SIZE = 128
SPLITTER_NAME = "clauses-words-chars/1"
# Not an engine of its own: CTranslate2 when it is installed and the model converts, else
# transformers.
AUTO_ENGINE = "auto"
_CTRANSLATE2_ONLY_OPTIONS = ("compute_type", "threads", "converted_root")

Progress = Callable[[int, int], None]


@dataclass
class _ModelInput:
    segment_id: int
    text: str
    tokens: int
    output: EngineOutput | None = None


@dataclass
class _SegmentPlan:
    segment: Segment
    inputs: list[_ModelInput] = field(default_factory=list)


def translate_segments(
    engine: TranslationEngine,
    segments: list[Segment],
    source_lang: str,
    *,
    target_lang: str = "en",
    include_boilerplate: bool = False,
    progress: Progress | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> dict[int, Translation]:
    """Translate `segments`; returns one `Translation` per translated segment, by segment id.

    `progress(done, total)` is called with counts of model inputs (segments, plus one per extra
    piece of a split segment): once with done=0, then after each chunk.
    """
    limit = max(1, engine.max_input_tokens - SPLIT_MARGIN)
    translations: dict[int, Translation] = {}
    plans: list[_SegmentPlan] = []
    for segment in segments:
        if segment.boilerplate and not include_boilerplate:
            continue
        if not segment.text.strip():
            translations[segment.id] = Translation(segment_id=segment.id, text="")
            continue
        plans.append(_plan(engine, segment, source_lang, limit))

    inputs = [model_input for plan in plans for model_input in plan.inputs]
    total = len(inputs)
    if progress:
        progress(0, total)
    by_length = sorted(inputs, key=lambda i: i.tokens, reverse=True)
    done = 0
    for start in range(0, total, chunk_size):
        chunk = by_length[start : start + chunk_size]
        outputs = engine.translate_batch([i.text for i in chunk], source_lang, target_lang)
        if len(outputs) != len(chunk):
            raise RuntimeError(
                f"{engine.name} returned {len(outputs)} translations for {len(chunk)} inputs"
            )
        for model_input, output in zip(chunk, outputs):
            model_input.output = output
        done += len(chunk)
        if progress:
            progress(done, total)

    for plan in plans:
        translations[plan.segment.id] = _assemble(plan, source_lang, target_lang)
    return translations


def untranslated(article: Article, *, split: str = "sentences") -> TranslatedArticle:
    """An article with its segments and no translations (for `--no-translate`)."""
    from xlcompare.segments import segment_article, splitter_id
    from xlcompare.signature import make_signature

    segments = segment_article(article, split=split)
    return TranslatedArticle(article, segments, {}, signature=make_signature({"splitter": splitter_id(split)}))


def load_engine(
    model: str = DEFAULT_MODEL,
    *,
    engine: str = "transformers",
    source_lang: str,
    device: str = "auto",
    beams: int = 4,
    offline: bool | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
    **options: Any,
) -> TranslationEngine:
    """Build an engine by registry name and wrap it in a `TranslationCache` (unless
    `cache=False`). Extra options go to the engine (max_new_tokens, length_penalty, half, ...).

    `engine="auto"` builds the CTranslate2 engine when ctranslate2 is installed and the model
    converts, else the transformers engine (logged at INFO)."""
    if engine == AUTO_ENGINE:
        built = _build_auto(model, source_lang=source_lang, device=device, beams=beams, offline=offline, **options)
    else:
        factory = engine_class(engine)
        built = factory(model, source_lang=source_lang, device=device, beams=beams, offline=offline, **options)
    if not cache:
        return built
    from xlcompare.translation.cache import TranslationCache

    return TranslationCache(built, cache_dir)


def _build_auto(model: str, **options: Any) -> TranslationEngine:
    from xlcompare.errors import MissingDependencyError, ModelLoadError
    from xlcompare.translation.presets import resolve_model

    # A bad --model is the user's to fix, not a reason to try another engine.
    resolve_model(model, options.get("source_lang", ""))
    try:
        return engine_class("ctranslate2")(model, **options)
    except MissingDependencyError as exc:
        log.info("Using the transformers engine: the ctranslate2 engine is unavailable (%s)", exc)
    except ModelLoadError as exc:
        # Installed, but a device CTranslate2 does not run on (mps), an architecture its
        # converter does not know, or no room to convert: the transformers engine translates
        # the same checkpoint, several times slower, so the user hears about it.
        log.warning("Using the slower transformers engine: %s", exc)
    for ctranslate2_only in _CTRANSLATE2_ONLY_OPTIONS:
        options.pop(ctranslate2_only, None)
    return engine_class("transformers")(model, **options)


def translation_signature(engine: TranslationEngine) -> dict[str, Any]:
    """What an output needs to be reproduced: the engine's signature, the splitter, the
    xlcompare version."""
    signature = dict(engine.signature())
    signature["splitter"] = SPLITTER_NAME
    signature["split_margin"] = SPLIT_MARGIN
    signature["xlcompare"] = __version__
    return signature


def _plan(engine: TranslationEngine, segment: Segment, source_lang: str, limit: int) -> _SegmentPlan:
    plan = _SegmentPlan(segment)
    text = segment.text.strip()
    tokens = engine.count_tokens(text, source_lang)
    if tokens <= limit:
        plan.inputs.append(_ModelInput(segment.id, text, tokens))
        return plan
    pieces = split_text(segment.text, lambda t: engine.count_tokens(t, source_lang), limit)
    log.info("Segment %d has %d tokens (limit %d): split into %d pieces.", segment.id, tokens, limit, len(pieces))
    for piece in pieces:
        piece_text = piece.strip()
        if piece_text:
            plan.inputs.append(_ModelInput(segment.id, piece_text, engine.count_tokens(piece_text, source_lang)))
    return plan


def _assemble(plan: _SegmentPlan, source_lang: str, target_lang: str) -> Translation:
    outputs = [i.output for i in plan.inputs if i.output is not None]
    text = join_translations([o.text for o in outputs])
    flags = quality_flags(
        plan.segment.text,
        text,
        source_lang=source_lang,
        target_lang=target_lang,
        hit_max_length=any(o.hit_max_length for o in outputs),
    )
    if len(plan.inputs) > 1:
        flags = (FLAG_SPLIT, *flags)
    return Translation(
        segment_id=plan.segment.id,
        text=text,
        flags=flags,
        pieces=len(plan.inputs),
        cached=bool(outputs) and all(o.cached for o in outputs),
    )
