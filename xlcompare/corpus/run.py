"""`compare_corpus`: two folders (or JSONL files) in, matched stories and their reports out.

The driver: it lists both sides, asks the stage store what is already done, hands the rest to
a backend (local process pool or Ray Data), files every result in the store as it arrives,
matches the articles (always here, see `matching.py`), compares every matched pair through the
backend and writes the outputs (`outputs.py`). Nothing in the outputs depends on the backend,
the number of workers or what earlier runs left in the store.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from xlcompare.corpus.backends import PrepareRow, load_backend
from xlcompare.corpus.matching import MatchSettings, SideVectors, match_articles
from xlcompare.corpus.model import CorpusArticle, CorpusResult, PairMatch, Story
from xlcompare.corpus.pairs import PairJob, PairSide, compare_pair
from xlcompare.corpus.sources import ArticleSource, list_sources
from xlcompare.corpus.stages import (
    CorpusSettings,
    embed_job,
    embed_key,
    load_read_record,
    matching_vectors,
    read_key,
    record_error,
    translate_job,
    translate_key,
)
from xlcompare.corpus.store import StageStore, stage_key
from xlcompare.errors import InputError, OutputError
from xlcompare.settings import DEFAULT_EMBEDDER, DEFAULT_MODEL
from xlcompare.segments import splitter_id
from xlcompare.version import __version__

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
PAIR_STAGE = "pair/1"
PAIR_CHUNK = 256


class _Article:
    """The driver's view of one article: its source, stage keys, and once done its entry and
    matching vectors (records stay in the store; only what matching needs is kept)."""

    def __init__(self, index: int, source: ArticleSource) -> None:
        self.index = index
        self.source = source
        self.read_key = ""
        self.translate_key: str | None = None
        self.embed_key: str | None = None
        self.entry: CorpusArticle | None = None
        self.vectors: np.ndarray | None = None


def compare_corpus(
    left: str | Path,
    right: str | Path,
    outdir: str | Path | None = None,
    *,
    translate: bool = True,
    model: str = DEFAULT_MODEL,
    engine: str = "auto",
    device: str = "auto",
    beams: int = 4,
    embedder: str | Any = DEFAULT_EMBEDDER,
    split: str = "sentences",
    max_days: int = 14,
    left_language: str | None = None,
    right_language: str | None = None,
    left_date: str | None = None,
    right_date: str | None = None,
    encoding: str | None = None,
    backend: str = "local",
    workers: int | None = None,
    ray_address: str | None = None,
    offline: bool | None = None,
    match_settings: MatchSettings | None = None,
    reports: bool = True,
    store_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> CorpusResult:
    """Match the articles of `left` and `right` (folders or JSONL files) and compare each pair.

    With `outdir`, writes matches.jsonl, corpus.json, index.html and pairs/ there (see
    `xlcompare.corpus.outputs`) and keeps the stage store in OUTDIR/cache, so running again
    redoes only what is new. `reports=False` skips the pair comparisons (matching only).
    `left_date`/`right_date` (YYYY-MM-DD) date the articles of that side that state no date.
    `embedder` may be an embedder object with `workers=1` on the local backend.
    """
    from xlcompare import settings as xl_settings

    embedder_object = None if isinstance(embedder, str) else embedder
    settings = CorpusSettings(
        translate=translate, model=model, engine=engine, device=device, beams=beams,
        offline=offline, embedder=embedder if isinstance(embedder, str) else embedder.name,
        split=split, left_language=_language(left_language), right_language=_language(right_language),
        encoding=encoding, left_date=_date(left_date, "left"), right_date=_date(right_date, "right"),
    )
    matching = match_settings or MatchSettings(max_days=max_days)
    if match_settings is not None and max_days != matching.max_days:
        matching = MatchSettings(**{**asdict(matching), "max_days": max_days})
    if outdir is not None:
        _check_outdir(Path(outdir), [Path(left), Path(right)])
    if store_dir is None:
        store_dir = Path(outdir) / "cache" if outdir is not None else xl_settings.cache_dir() / "corpus"
    store = StageStore(store_dir)
    report = progress or (lambda stage, done, total: None)

    sources = []
    for root, side in ((left, "left"), (right, "right")):
        found = list_sources(root, side)
        if not found:
            raise InputError(
                f"{root}: no articles found (.txt, .md, .html files, searched recursively, or "
                "JSONL lines); check the folder"
            )
        sources += found
    articles = [_Article(i, s) for i, s in enumerate(sources)]
    runner = load_backend(
        backend, settings=settings, workers=workers, embedder=embedder_object,
        progress=report, address=ray_address,
    )
    try:
        embedder_signature = runner.embedder_signature()
        pending = _resolve(articles, store, settings, embedder_signature)
        stats = {"articles": len(articles), "prepared": len(pending)}
        if pending:
            reads: dict[int, dict[str, Any]] = {row.index: row.read for row in pending if row.read}
            translations: dict[int, dict[str, Any] | None] = {row.index: row.translate for row in pending}
            for stage, index, result in runner.prepare(pending):
                article = articles[index]
                if stage == "read":
                    store.put_json("read", article.read_key, result)
                    if "error" in result:
                        _finish(article, result, None, None)
                    else:
                        reads[index] = result
                elif stage == "translate":
                    translations[index] = result
                    job = translate_job(reads[index], settings)
                    article.translate_key = translate_key(job, settings)
                    store.put_json("translate", article.translate_key, result)
                else:
                    job = embed_job(reads[index], translations.get(index), settings)
                    article.embed_key = embed_key(job, embedder_signature)
                    store.put_arrays("embed", article.embed_key, result)
                    _finish(article, reads.pop(index), translations.pop(index, None), result)
        missing = [a.source.location for a in articles if a.entry is None]
        if missing:
            raise RuntimeError(f"the {runner.name} backend returned no result for {missing[0]}")

        sides = {
            side: [a for a in articles if a.source.side == side] for side in ("left", "right")
        }
        vectors = {
            side: SideVectors.from_articles(
                [a.vectors if a.vectors is not None else np.zeros((0, 0), np.float32) for a in group],
                [a.entry.date if a.entry.ok else None for a in group],
                dim=next((a.vectors.shape[1] for a in articles if a.vectors is not None and a.vectors.ndim == 2), 0),
            )
            for side, group in sides.items()
        }
        for a in articles:
            a.vectors = None  # SideVectors holds the only copy matching needs
        found = match_articles(
            vectors["left"], vectors["right"], matching,
            progress=lambda done, total: report("match", done, total),
        )
        del vectors
        matches = [
            PairMatch(
                left=sides["left"][m.left].entry, right=sides["right"][m.right].entry,
                score=m.score, shared_left=m.shared_left, shared_right=m.shared_right,
                mean_margin=m.mean_margin,
            )
            for m in found
        ]
        stories = _stories(matches)
        pair_keys: list[str] = []
        if reports and matches:
            by_entry = {id(a.entry): a for a in articles}
            pair_keys = [
                _pair_key(by_entry[id(m.left)], by_entry[id(m.right)], embedder_signature)
                for m in matches
            ]
            todo = [i for i, key in enumerate(pair_keys)
                    if not (store.has("pair", key, "html") and store.has("pair", key, "json"))]
            stats["compared"] = len(todo)
            report("compare", 0, len(todo))
            # In chunks: a job carries both articles' records and vectors.
            for first in range(0, len(todo), PAIR_CHUNK):
                chunk = todo[first : first + PAIR_CHUNK]
                jobs = [_pair_job(by_entry[id(matches[i].left)], by_entry[id(matches[i].right)], store)
                        for i in chunk]
                for done, (position, (html_text, json_text)) in enumerate(runner.compare(jobs), first + 1):
                    key = pair_keys[chunk[position]]
                    store.put_text("pair", key, "json", json_text)
                    store.put_text("pair", key, "html", html_text)
                    report("compare", done, len(todo))
    finally:
        runner.close()

    stats["computed"] = dict(store.writes)
    result = CorpusResult(
        left_input=str(left), right_input=str(right),
        left=[a.entry for a in sides["left"]], right=[a.entry for a in sides["right"]],
        matches=matches, stories=stories,
        settings=_settings_dict(settings, matching),
        signature=_signature(settings, matching, embedder_signature),
        stats=stats, outdir=str(outdir) if outdir is not None else None,
    )
    by_id = {(a.source.side, a.source.id): a for a in articles}

    def comparer(match: PairMatch) -> Any:
        from xlcompare.alignment.embedders.base import load_embedder

        job = _pair_job(by_id[("left", match.left.id)], by_id[("right", match.right.id)], store)
        return compare_pair(job, embedder_object or load_embedder(settings.embedder))

    result._comparer = comparer
    if reports:
        from xlcompare.corpus.outputs import assign_report_paths

        assign_report_paths(result)
    if outdir is not None:
        from xlcompare.corpus.outputs import write_outputs

        report("write", 0, 1)
        write_outputs(result, Path(outdir), store, pair_keys if reports else None)
        report("write", 1, 1)
    return result


def _date(value: str | None, side: str) -> str | None:
    from xlcompare.article.metadata import given_date

    if value is None:
        return None
    try:
        return given_date(value)
    except ValueError as exc:
        raise InputError(f"the {side} date: {exc}") from None


def _check_outdir(outdir: Path, inputs: list[Path]) -> None:
    """Refuse, before any work, an output folder that cannot be one, and one inside an input
    folder: its index.html and reports would be read as articles by the next run."""
    from xlcompare.report.targets import check_location

    check_location(outdir, folder=True, option="--out")
    where = outdir.resolve()
    for root in inputs:
        if root.is_dir() and (where == root.resolve() or root.resolve() in where.parents):
            raise OutputError(
                f"{outdir}: the output folder is inside the input folder {root}; the next run "
                "would read its reports as articles. Choose a folder outside the inputs."
            )


def _language(code: str | None) -> str | None:
    if code is None or code.strip().lower() == "auto":
        return None
    return code


def _resolve(
    articles: list[_Article], store: StageStore, settings: CorpusSettings,
    embedder_signature: dict[str, Any],
) -> list[PrepareRow]:
    """Finish every article whose stage results are all in the store; the rest, with the
    records found so far, still need the backend."""
    pending = []
    for article in articles:
        article.read_key = read_key(article.source, settings)
        read = store.get_json("read", article.read_key)
        row = PrepareRow(article.index, article.source, read)
        if read is not None and "error" in read:
            _finish(article, read, None, None)
            continue
        if read is not None:
            job = translate_job(read, settings)
            if job is not None:
                article.translate_key = translate_key(job, settings)
                row.translate = store.get_json("translate", article.translate_key)
            if job is None or row.translate is not None:
                article.embed_key = embed_key(embed_job(read, row.translate, settings), embedder_signature)
                arrays = store.get_arrays("embed", article.embed_key)
                if arrays is not None:
                    _finish(article, read, row.translate, arrays)
                    continue
        pending.append(row)
    return pending


def _finish(
    article: _Article,
    read: dict[str, Any],
    translate: dict[str, Any] | None,
    arrays: dict[str, np.ndarray] | None,
) -> None:
    source = article.source
    entry = CorpusArticle(side=source.side, id=source.id, path=source.location, digest=source.digest)
    error = record_error(read, source.location)
    if error is not None:
        entry.error = error
        article.entry = entry
        return
    document, segments = load_read_record(read, source.location)
    entry.language = document.language
    entry.title = document.title
    entry.title_en = translate.get("title") if translate else None
    entry.date = document.date
    entry.url = read.get("url")
    entry.segments = len(segments)
    entry.warnings = list(document.warnings)
    assert arrays is not None
    article.vectors = matching_vectors(arrays, segments)
    entry.sentences = len(article.vectors)
    article.entry = entry


def _stories(matches: list[PairMatch]) -> list[Story]:
    """Connected groups of matched articles, ordered by their earliest date, then ids; the
    matches are reordered story by story and numbered."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in matches:
        a, b = find(("left", m.left.id)), find(("right", m.right.id))
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[tuple[str, str], list[PairMatch]] = {}
    for m in matches:
        groups.setdefault(find(("left", m.left.id)), []).append(m)

    def order(group: list[PairMatch]) -> tuple[str, str]:
        dates = [d for m in group for d in (m.left.date, m.right.date) if d]
        return (min(dates) if dates else "9999", min(m.left.id for m in group))

    stories, ordered = [], []
    for number, group in enumerate(sorted(groups.values(), key=order)):
        group.sort(key=lambda m: (-m.score, m.left.id, m.right.id))
        indices = []
        for m in group:
            m.story = number
            indices.append(len(ordered))
            ordered.append(m)
        stories.append(Story(
            number, sorted({m.left.id for m in group}), sorted({m.right.id for m in group}), indices,
        ))
    matches[:] = ordered
    return stories


def _pair_key(left: _Article, right: _Article, embedder_signature: dict[str, Any]) -> str:
    return stage_key(
        PAIR_STAGE,
        [left.read_key, left.translate_key, left.embed_key, left.source.location],
        [right.read_key, right.translate_key, right.embed_key, right.source.location],
        embedder_signature, __version__,
    )


def _pair_job(left: _Article, right: _Article, store: StageStore) -> PairJob:
    sides = []
    for article in (left, right):
        read = store.get_json("read", article.read_key)
        translate = store.get_json("translate", article.translate_key) if article.translate_key else None
        arrays = store.get_arrays("embed", article.embed_key or "")
        if read is None or arrays is None:
            raise RuntimeError(
                f"{article.source.location}: its stage results vanished from {store.root} while "
                "the run was using them; run again"
            )
        sides.append(PairSide(article.source.location, read, translate, arrays))
    return PairJob(*sides)


def _settings_dict(settings: CorpusSettings, matching: MatchSettings) -> dict[str, Any]:
    return {
        "translate": settings.translate,
        "model": settings.model if settings.translate else None,
        "engine": settings.engine if settings.translate else None,
        "beams": settings.beams if settings.translate else None,
        "embedder": settings.embedder,
        "split": settings.split,
        "max_days": matching.max_days,
        "left_language": settings.left_language,
        "right_language": settings.right_language,
        "encoding": settings.encoding,
    }


def _signature(settings: CorpusSettings, matching: MatchSettings, embedder: dict[str, Any]) -> dict[str, Any]:
    parts = [
        f"emb:{embedder.get('embedder') or embedder.get('name') or settings.embedder}",
        f"match:{matching.to_dict()['method']}",
        f"days:{matching.max_days}",
        f"split:{settings.split}",
        f"mt:{settings.model if settings.translate else 'none'}",
        f"version:{__version__}",
    ]
    return {
        "xlcompare": __version__,
        "embedder": dict(embedder),
        "matching": matching.to_dict(),
        "translation": settings.translation_settings() if settings.translate else None,
        "splitter": splitter_id(settings.split),
        "string": "|".join(parts),
    }

