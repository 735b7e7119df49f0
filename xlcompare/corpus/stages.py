"""The per-article stages of a corpus run: read, translate, embed.

Each stage is a plain function or a small callable class over a batch of jobs, so that the
local backend (a process pool) and the Ray backend (`map_batches` with an actor pool) run the
same code. A stage's result is a JSON-able record (or arrays) that the stage store files under
a key computed by the `*_key` functions here: the input's content and the settings that change
the result, never where or when it ran.

- read: an `ArticleSource` -> the decoded `Article` and its segments (or the error that makes
  it a bad article). Keyed by the input's digest, not its name, so a moved file is not redone;
  the name in messages is put right when a record is reused (`load_read_record`).
- translate: the content segments (and the title) of many articles in one language through one
  engine, batched across articles.
- embed: the vectors of every content segment of one article (and of its English), one article
  per call so an article's vectors never depend on which articles were embedded beside it.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from xlcompare.article.model import Article, Block
from xlcompare.errors import XlcompareError
from xlcompare.segments.model import Segment
from xlcompare.settings import DEFAULT_EMBEDDER, DEFAULT_MODEL
from xlcompare.segments import splitter_id
from xlcompare.translation.model import Translation
from xlcompare.version import __version__

log = logging.getLogger(__name__)

# Bumped when a stage's record format or behaviour changes, so old records are not reused.
READ_STAGE = "read/1"
TRANSLATE_STAGE = "translate/1"
EMBED_STAGE = "embed/1"


@dataclass(frozen=True)
class CorpusSettings:
    """Everything that changes what a corpus run computes (and how it is parallelised)."""

    translate: bool = True
    model: str = DEFAULT_MODEL
    engine: str = "auto"
    device: str = "auto"
    beams: int = 4
    offline: bool | None = None
    embedder: str = DEFAULT_EMBEDDER
    split: str = "sentences"
    left_language: str | None = None  # None: detect per article
    right_language: str | None = None
    encoding: str | None = None  # force a codec for files (JSONL is always UTF-8)
    # Publication date (YYYY-MM-DD) of the articles of a side that do not state one: a folder
    # scraped on one day, an archive export without dates.
    left_date: str | None = None
    right_date: str | None = None

    def language_for(self, side: str) -> str | None:
        return self.left_language if side == "left" else self.right_language

    def date_for(self, side: str) -> str | None:
        return self.left_date if side == "left" else self.right_date

    def translation_settings(self) -> dict[str, Any]:
        # Device changes speed, not text (the translation cache makes the same choice).
        return {"model": self.model, "engine": self.engine, "beams": self.beams}


# --- read ------------------------------------------------------------------------------------


def read_key(source: Any, settings: CorpusSettings) -> str:
    from xlcompare.corpus.store import stage_key

    return stage_key(
        READ_STAGE, source.digest, source.source_format, settings.language_for(source.side),
        settings.split, settings.encoding if source.record is None else None,
        splitter_id(settings.split), __version__, settings.date_for(source.side),
    )


def read_article(source: Any, settings: CorpusSettings, data: bytes | None = None) -> dict[str, Any]:
    """Read and segment one source; a bad article gives {"error": message}, never raises.

    `data` is the file's bytes when the caller read them already (a Ray worker gets them from
    the driver, so the cluster needs no shared file system)."""
    from xlcompare.article.decode import decode_bytes, decode_with
    from xlcompare.article.metadata import parse_date
    from xlcompare.article.reader import article_from_text
    from xlcompare.segments import segment_article

    record: dict[str, Any] = {"name": source.location}
    if source.problem:
        record["error"] = source.problem
        return record
    language = settings.language_for(source.side)
    try:
        if source.record is None:
            if data is None:
                data = source.read_bytes()
            if settings.encoding:
                decoded, encoding = decode_with(data, source.location, settings.encoding)
            else:
                decoded, encoding = decode_bytes(data, source.location)
            article = article_from_text(
                decoded, name=source.location, source_format=source.source_format,
                language=language, encoding=encoding,
            )
        else:
            fields = source.record
            body = fields["text"] if fields.get("text") is not None else fields["html"]
            if not body.strip():
                raise XlcompareError(f"{source.location}: the article's text is empty")
            article = article_from_text(
                body, name=source.location, source_format=source.source_format,
                language=fields.get("language") or language,
            )
            if fields.get("title"):
                article.title = fields["title"].strip()
            if fields.get("date"):
                article.date = parse_date(fields["date"]) or article.date
            record["url"] = fields.get("url")
        if article.date is None:
            article.date = settings.date_for(source.side)
        segments = segment_article(article, split=settings.split)
        if not any(_is_content(s) for s in segments):
            raise XlcompareError(
                f"{source.location}: no article text (empty, or only page furniture); "
                "nothing to match"
            )
    except XlcompareError as exc:
        record["error"] = str(exc)
        return record
    except Exception as exc:  # noqa: BLE001 - one odd article must not stop a corpus run
        log.debug("reading %s failed", source.location, exc_info=True)
        record["error"] = f"{source.location}: cannot be read ({type(exc).__name__}: {exc})"
        return record
    record["article"] = article_record(article)
    record["segments"] = [[s.start, s.end, s.boilerplate] for s in segments]
    return record


def article_record(article: Article) -> dict[str, Any]:
    fields = dataclasses.asdict(article)
    fields["blocks"] = [b.to_dict() for b in article.blocks]
    return fields


def load_read_record(record: dict[str, Any], name: str) -> tuple[Article, list[Segment]]:
    """The `Article` and segments of a read record, under the name the source has now."""
    fields = dict(record["article"])
    fields["blocks"] = [Block(**b) for b in fields["blocks"]]
    old = record.get("name")
    if old and old != name:
        fields["warnings"] = [w.replace(old, name) for w in fields["warnings"]]
    fields["path"] = name
    article = Article(**fields)
    text = article.text
    segments = [Segment(i, s, e, text[s:e], bool(b)) for i, (s, e, b) in enumerate(record["segments"])]
    return article, segments


def record_error(record: dict[str, Any], name: str) -> str | None:
    error = record.get("error")
    old = record.get("name")
    if error and old and old != name:
        error = error.replace(old, name)
    return error


def _is_content(segment: Segment) -> bool:
    # The aligner's rule: furniture and segments without a letter are never matched.
    return not segment.boilerplate and any(ch.isalpha() for ch in segment.text)


def content_segments(segments: Sequence[Segment]) -> list[Segment]:
    """The segments that are translated and embedded: everything but page furniture."""
    return [s for s in segments if not s.boilerplate]


# --- translate ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TranslateJob:
    language: str
    texts: list[str]  # the article's content segments, in order
    title: str | None


def translate_key(job: TranslateJob, settings: CorpusSettings) -> str:
    from xlcompare.corpus.store import stage_key

    return stage_key(TRANSLATE_STAGE, job.language, job.texts, job.title,
                     settings.translation_settings(), __version__)


def needs_translation(language: str, settings: CorpusSettings) -> bool:
    # English needs none; it is embedded as its own English (see embed_job).
    return settings.translate and language != "en"


def content_texts(read: dict[str, Any]) -> list[str]:
    """The texts of a read record's content segments, in order."""
    text = read["article"]["text"]
    return [text[start:end] for start, end, boilerplate in read["segments"] if not boilerplate]


def translate_job(read: dict[str, Any], settings: CorpusSettings) -> TranslateJob | None:
    """What to translate for a read record; None for a bad article or one not translated."""
    if "error" in read or not needs_translation(read["article"]["language"], settings):
        return None
    return TranslateJob(read["article"]["language"], content_texts(read), read["article"]["title"])


class TranslateStage:
    """Translates many articles' segments per call, one engine per source language, kept for
    the life of the object (a pool worker, a Ray actor)."""

    def __init__(self, settings: CorpusSettings) -> None:
        self.settings = settings
        self.engines: dict[str, Any] = {}

    def engine(self, language: str) -> Any:
        if language not in self.engines:
            from xlcompare.translation.pipeline import load_engine

            s = self.settings
            self.engines[language] = load_engine(
                s.model, engine=s.engine, source_lang=language, device=s.device, beams=s.beams,
                offline=s.offline,
            )
        return self.engines[language]

    def __call__(self, jobs: Sequence[TranslateJob]) -> list[dict[str, Any]]:
        from xlcompare.translation.pipeline import translate_segments

        records: list[dict[str, Any] | None] = [None] * len(jobs)
        for language in sorted({job.language for job in jobs}):
            members = [i for i, job in enumerate(jobs) if job.language == language]
            engine = self.engine(language)
            # One list over all articles: the pipeline sorts it by length and batches it.
            combined: list[Segment] = []
            owners: list[tuple[int, str]] = []
            for i in members:
                for text in jobs[i].texts:
                    combined.append(Segment(len(combined), 0, len(text), text))
                    owners.append((i, "segment"))
                if jobs[i].title:
                    combined.append(Segment(len(combined), 0, len(jobs[i].title), jobs[i].title))
                    owners.append((i, "title"))
            translations = translate_segments(engine, combined, language)
            # The signature's fields; the pair stage adds the confidence scorer and makes the
            # signature string, as api.translate does.
            fields = dict(engine.signature())
            fields["source_lang"] = language
            fields["target_lang"] = "en"
            for i in members:
                records[i] = {"segments": [], "title": None, "signature": fields}
            for segment, (i, kind) in zip(combined, owners):
                t = translations[segment.id]
                if kind == "title":
                    records[i]["title"] = t.text
                else:
                    records[i]["segments"].append(
                        {"text": t.text, "flags": list(t.flags), "pieces": t.pieces}
                    )
        return [r for r in records if r is not None]


def load_translations(record: dict[str, Any] | None, segments: Sequence[Segment]) -> dict[int, Translation]:
    if not record:
        return {}
    return {
        segment.id: Translation(segment.id, t["text"], tuple(t["flags"]), t["pieces"])
        for segment, t in zip(content_segments(segments), record["segments"])
    }


# --- embed --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmbedJob:
    texts: list[str]  # content segments
    english: list[str] | None  # their English (None: not translated)


def embed_job(read: dict[str, Any], translate: dict[str, Any] | None, settings: CorpusSettings) -> EmbedJob | None:
    """What to embed for an article (None for a bad one). With translation on, every article
    gets English vectors (an English article its own text), so all rows have one width."""
    if "error" in read:
        return None
    texts = content_texts(read)
    if not settings.translate:
        return EmbedJob(texts, None)
    if translate is None:
        return EmbedJob(texts, list(texts))
    return EmbedJob(texts, [t["text"] for t in translate["segments"]])


def embed_key(job: EmbedJob, embedder_signature: dict[str, Any]) -> str:
    from xlcompare.corpus.store import stage_key

    return stage_key(EMBED_STAGE, embedder_signature, job.texts, job.english, __version__)


class EmbedStage:
    """Embeds one article per job with one embedder, loaded once per worker or actor."""

    def __init__(self, settings: CorpusSettings, embedder: Any = None) -> None:
        self.settings = settings
        self._embedder = embedder

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from xlcompare.alignment.embedders.base import load_embedder

            self._embedder = load_embedder(self.settings.embedder)
        return self._embedder

    def __call__(self, jobs: Sequence[EmbedJob]) -> list[dict[str, np.ndarray]]:
        from xlcompare.alignment.embed import embed_texts

        out = []
        for job in jobs:
            # English left empty by the model falls back to the source, as embed_units does.
            english = None if job.english is None else [
                en if en else src for src, en in zip(job.texts, job.english)
            ]
            vectors = embed_texts(list(job.texts) + (english or []), self.embedder)
            n = len(job.texts)
            arrays = {"source": vectors[:n]}
            if english is not None:
                arrays["english"] = vectors[n:]
            out.append(arrays)
        return out


def matching_vectors(arrays: dict[str, np.ndarray], segments: Sequence[Segment]) -> np.ndarray:
    """The rows the matcher compares: one per content segment with a letter; the source vector,
    or with English the [source ; english] / sqrt(2) mix the aligner uses."""
    content = content_segments(segments)
    keep = [i for i, s in enumerate(content) if _is_content(s)]
    source = arrays["source"][keep]
    if "english" not in arrays:
        return np.ascontiguousarray(source, dtype=np.float32)
    mixed = np.concatenate([source, arrays["english"][keep]], axis=1) / np.float32(np.sqrt(2.0))
    return mixed.astype(np.float32, copy=False)


class KnownVectors:
    """An embedder that answers from vectors already computed (a corpus run's embed stage) and
    asks `inner` only for texts it has not seen (joined windows, clauses)."""

    def __init__(self, inner: Any, known: dict[str, np.ndarray]) -> None:
        self.inner = inner
        self.name = inner.name
        self.known = known

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.known))
        if missing:
            self.known.update(zip(missing, np.asarray(self.inner.embed(missing), np.float32)))
        if not texts:
            return self.inner.embed([])
        return np.stack([self.known[t] for t in texts]).astype(np.float32, copy=False)

    def signature(self) -> dict[str, Any]:
        return self.inner.signature()
