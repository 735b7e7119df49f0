"""One file written whole or not at all, for the small files caches keep beside their data.

A temporary file in the target's folder is renamed over the target, so a reader (another run,
a crash before the rename) sees the old file or the new one, never half of one. Reports, with
several files committed together, have their own module (report/atomic.py).
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` to `path` (and its folders), replacing it at once. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def kept_json(
    path: Path | None, build: Callable[[], T], *, what: str,
    dump: Callable[[T], Any] = lambda value: value, load: Callable[[Any], T] = lambda data: data,
) -> T:
    """`load` of the JSON in `path` when it reads back, else `build()`, kept in `path` as the
    JSON of `dump` of it (written whole). `load` raises ValueError, KeyError, TypeError or
    IndexError on data it cannot use: such a file is built again. A cache that cannot be
    written only costs the time; `path` None keeps nothing."""
    if path is not None and path.is_file():
        try:
            return load(json.loads(path.read_bytes()))
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            log.info("rebuilding %s: %s does not read back (%s)", what, path, exc)
    value = build()
    if path is not None:
        try:
            write_whole(path, json.dumps(dump(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        except OSError as exc:
            log.info("could not keep %s in %s (%s); they are made at every run", what, path, exc)
    return value
