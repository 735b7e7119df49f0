"""Where the per-article stages and the pair comparisons run: one machine or a Ray cluster.

A backend gets the articles that still miss a stage result (`PrepareRow`: the source plus
whatever records the stage store already had) and yields each stage's result as soon as it
has it, as `(stage, row index, result)`; the driver files it in the stage store at once, so an
interrupted run keeps everything finished. `compare` yields `(job position, (html, json))` for
pair comparisons, in any order. Matching runs in the driver whatever the backend.

    BACKENDS = {"local": process pool over articles, "ray": Ray Data pipeline}
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from xlcompare.corpus.sources import ArticleSource
from xlcompare.errors import XlcompareError

Progress = Callable[[str, int, int], None]

BACKENDS: dict[str, str] = {
    "local": "xlcompare.corpus.backends.local:LocalBackend",
    "ray": "xlcompare.corpus.backends.ray_data:RayBackend",
}


@dataclass
class PrepareRow:
    """One article on its way through read -> translate -> embed."""

    index: int
    source: ArticleSource
    read: dict[str, Any] | None = None  # None: still to read
    translate: dict[str, Any] | None = None  # None: still to translate (if it needs it)


StageResult = tuple[str, int, Any]  # ("read" | "translate" | "embed", row index, result)


class Backend(Protocol):
    name: str

    def prepare(self, rows: Sequence[PrepareRow]) -> Iterator[StageResult]: ...

    def compare(self, jobs: Sequence[Any]) -> Iterator[tuple[int, tuple[str, str]]]: ...

    def close(self) -> None: ...


def load_backend(name: str, **options: Any) -> Backend:
    try:
        target = BACKENDS[name]
    except KeyError:
        raise XlcompareError(
            f"Unknown corpus backend {name!r}. Choose one of: {', '.join(BACKENDS)}."
        ) from None
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)(**options)


def available_cores() -> int:
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def arrays_to_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    import io

    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def arrays_from_bytes(data: bytes) -> dict[str, np.ndarray]:
    import io

    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}
