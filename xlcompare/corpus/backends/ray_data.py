"""The Ray backend: the per-article stages as one Ray Data pipeline, on a cluster or locally.

    read (tasks) -> translate (actor pool, engines loaded once per actor) -> embed (actor pool,
    one embedder per actor)

Rows stream through the three `map_batches` operators, so translation and embedding run at the
same time on different workers; the driver receives each finished row, and files its records in
the stage store at once. Pair comparisons are a second pipeline over an actor pool holding the
embedder. Matching stays in the driver (see run.py): its memory is bounded, and it needs every
article at once.

Rows carry only plain values (JSON strings, bytes), so nothing but xlcompare itself must be
installed on the workers. `address` joins a running cluster (`ray start --head` on one machine,
`ray start --address=HEAD:6379` on the others, then `--ray-address HEAD:6379`, or "auto" on a
cluster node); without it a local Ray instance with `workers` CPUs is started, unless this
process already called `ray.init`.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from xlcompare.corpus.backends import (
    PrepareRow,
    Progress,
    StageResult,
    arrays_from_bytes,
    arrays_to_bytes,
    available_cores,
)
from xlcompare.corpus.pairs import PairJob, PairSide, render_pair
from xlcompare.corpus.sources import ArticleSource
from xlcompare.corpus.stages import (
    CorpusSettings,
    EmbedStage,
    TranslateStage,
    embed_job,
    read_article,
    translate_job,
)
from xlcompare.errors import MissingDependencyError, XlcompareError, install_hint

READ_BATCH = 8
RAY_CHUNK = 4096  # articles per Ray Data pipeline run
TRANSLATE_BATCH = 32  # articles per call: one engine serves many articles
EMBED_BATCH = 4


def _rows(batch: dict[str, Any]) -> list[dict[str, Any]]:
    columns = list(batch)
    n = len(batch[columns[0]]) if columns else 0
    return [{c: _plain(batch[c][i]) for c in columns} for i in range(n)]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _batch(rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for column in rows[0]:
        values = [row[column] for row in rows]
        array = np.empty(len(values), dtype=object)
        array[:] = values
        out[column] = array
    return out


def _source_from_json(text: str) -> ArticleSource:
    return ArticleSource(**json.loads(text))


def _one_thread() -> None:
    # A Ray worker runs beside others on the same cores; see local.py.
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def read_batch(batch: dict[str, Any], settings: CorpusSettings) -> dict[str, np.ndarray]:
    rows = _rows(batch)
    for row in rows:
        if not row["read"]:
            source = _source_from_json(row["source"])
            data = row["content"] if source.path is not None else None
            row["read"] = json.dumps(read_article(source, settings, data), ensure_ascii=False)
            row["new_read"] = True
        row["content"] = b""
    return _batch(rows)


class TranslateActor:
    def __init__(self, settings: CorpusSettings) -> None:
        _one_thread()
        self.settings = settings
        self.stage = TranslateStage(settings)

    def __call__(self, batch: dict[str, Any]) -> dict[str, np.ndarray]:
        rows = _rows(batch)
        todo = []
        for row in rows:
            if not row["translate"]:
                job = translate_job(json.loads(row["read"]), self.settings)
                if job is not None:
                    todo.append((row, job))
        if todo:
            for (row, _), record in zip(todo, self.stage([job for _, job in todo])):
                row["translate"] = json.dumps(record, ensure_ascii=False)
                row["new_translate"] = True
        return _batch(rows)


class EmbedActor:
    def __init__(self, settings: CorpusSettings) -> None:
        _one_thread()
        self.settings = settings
        self.stage = EmbedStage(settings)

    def __call__(self, batch: dict[str, Any]) -> dict[str, np.ndarray]:
        rows = _rows(batch)
        for row in rows:
            read = json.loads(row["read"])
            translate = json.loads(row["translate"]) if row["translate"] else None
            job = embed_job(read, translate, self.settings)
            row["embed"] = arrays_to_bytes(self.stage([job])[0]) if job is not None else b""
        return _batch(rows)


class CompareActor:
    def __init__(self, settings: CorpusSettings) -> None:
        _one_thread()
        self.stage = EmbedStage(settings)

    def __call__(self, batch: dict[str, Any]) -> dict[str, np.ndarray]:
        rows = _rows(batch)
        for row in rows:
            job = PairJob(*(_side_from_row(row, prefix) for prefix in ("left", "right")))
            row["html"], row["json"] = render_pair(job, self.stage.embedder)
        return _batch([{"position": r["position"], "html": r["html"], "json": r["json"]} for r in rows])


def _side_row(side: PairSide, prefix: str) -> dict[str, Any]:
    return {
        f"{prefix}_name": side.name,
        f"{prefix}_read": json.dumps(side.read, ensure_ascii=False),
        f"{prefix}_translate": json.dumps(side.translate, ensure_ascii=False) if side.translate else "",
        f"{prefix}_arrays": arrays_to_bytes(side.arrays),
    }


def _side_from_row(row: dict[str, Any], prefix: str) -> PairSide:
    translate = row[f"{prefix}_translate"]
    return PairSide(
        row[f"{prefix}_name"], json.loads(row[f"{prefix}_read"]),
        json.loads(translate) if translate else None, arrays_from_bytes(row[f"{prefix}_arrays"]),
    )


class RayBackend:
    name = "ray"

    def __init__(
        self,
        settings: CorpusSettings,
        *,
        workers: int | None = None,
        address: str | None = None,
        embedder: Any = None,
        progress: Progress | None = None,
        **_: Any,
    ) -> None:
        try:
            import ray
            import ray.data  # noqa: F401 - the [data] part of the extra
        except ImportError as exc:
            raise MissingDependencyError(
                f"The Ray backend needs Ray Data: {install_hint('ray')}; or use --backend local"
            ) from exc
        if embedder is not None:
            raise ValueError("the Ray backend loads the embedder on its workers; pass its name")
        self.settings = settings
        self.progress = progress or (lambda stage, done, total: None)
        if not ray.is_initialized():
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=workers or available_cores(), include_dashboard=False,
                         log_to_driver=False)
            self._started = True
        else:
            self._started = False
        self.workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        # Ray Data logs every stage's progress at INFO when stderr is not a terminal; keep
        # that for --verbose. On a terminal it draws a bar per stage, which is wanted.
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = sys.stderr.isatty()
        if not logging.getLogger("xlcompare").isEnabledFor(logging.INFO):
            logging.getLogger("ray.data").setLevel(logging.WARNING)
        self._embed_stage: EmbedStage | None = None

    def _actors(self) -> int:
        return max(1, self.workers)

    def _pool(self) -> Any:
        import ray.data

        # Autoscaling from one actor: the translate and embed pools share the cluster's CPUs,
        # and two fixed pools of `workers` actors each would wait forever for each other on a
        # machine with `workers` CPUs.
        return ray.data.ActorPoolStrategy(min_size=1, max_size=self._actors())

    def prepare(self, rows: Sequence[PrepareRow]) -> Iterator[StageResult]:
        if not rows:
            return
        self.progress("prepare", 0, len(rows))
        done = 0
        # In chunks: the driver reads the files and ships their bytes (workers on other
        # machines need no shared file system), so a chunk's bytes are in memory at once.
        for start in range(0, len(rows), RAY_CHUNK):
            items = []
            for row in rows[start : start + RAY_CHUNK]:
                content = b""
                if row.read is None and row.source.path is not None and not row.source.problem:
                    try:
                        content = row.source.read_bytes()
                    except XlcompareError as exc:
                        done += 1
                        yield "read", row.index, {"name": row.source.location, "error": str(exc)}
                        continue
                items.append(self._item(row, content))
            for result in self._prepare_items(items):
                if result[0] == "embed" or (result[0] == "read" and "error" in result[2]):
                    done += 1
                    self.progress("prepare", done, len(rows))
                yield result

    @staticmethod
    def _item(row: PrepareRow, content: bytes) -> dict[str, Any]:
        return {
            "index": row.index,
            "source": json.dumps(dataclasses.asdict(row.source), ensure_ascii=False),
            "content": content,
            "read": json.dumps(row.read, ensure_ascii=False) if row.read is not None else "",
            "translate": json.dumps(row.translate, ensure_ascii=False) if row.translate is not None else "",
            "new_read": False,
            "new_translate": False,
        }

    def _prepare_items(self, items: list[dict[str, Any]]) -> Iterator[StageResult]:
        import ray.data

        if not items:
            return
        settings = self.settings
        ds = ray.data.from_items(items, override_num_blocks=min(len(items), 4 * self._actors()))
        ds = ds.map_batches(read_batch, batch_size=READ_BATCH, fn_kwargs={"settings": settings},
                            batch_format="numpy")
        if settings.translate:
            ds = ds.map_batches(TranslateActor, batch_size=TRANSLATE_BATCH, compute=self._pool(),
                                fn_constructor_kwargs={"settings": settings}, batch_format="numpy")
        ds = ds.map_batches(EmbedActor, batch_size=EMBED_BATCH, compute=self._pool(),
                            fn_constructor_kwargs={"settings": settings}, batch_format="numpy")
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for row in _rows(batch):
                read = json.loads(row["read"])
                if row["new_read"]:
                    yield "read", row["index"], read
                if row["new_translate"]:
                    yield "translate", row["index"], json.loads(row["translate"])
                if row["embed"]:
                    yield "embed", row["index"], arrays_from_bytes(row["embed"])

    def compare(self, jobs: Sequence[PairJob]) -> Iterator[tuple[int, tuple[str, str]]]:
        import ray.data

        if not jobs:
            return
        items = [
            {"position": i, **_side_row(job.left, "left"), **_side_row(job.right, "right")}
            for i, job in enumerate(jobs)
        ]
        ds = ray.data.from_items(items, override_num_blocks=min(len(items), 4 * self._actors()))
        ds = ds.map_batches(CompareActor, batch_size=1, compute=self._pool(),
                            fn_constructor_kwargs={"settings": self.settings}, batch_format="numpy")
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for row in _rows(batch):
                yield row["position"], (row["html"], row["json"])

    def embedder_signature(self) -> dict[str, Any]:
        if self._embed_stage is None:
            self._embed_stage = EmbedStage(self.settings)
        return dict(self._embed_stage.embedder.signature())

    def close(self) -> None:
        if self._started:
            import ray

            ray.shutdown()
