"""One file written whole or not at all, for the small files caches keep beside their data.

A temporary file in the target's folder is renamed over the target, so a reader (another run,
a crash before the rename) sees the old file or the new one, never half of one. Reports, with
several files committed together, have their own module (report/atomic.py).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
