"""Writing outputs so that a failure never leaves a partial file behind."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from xlcompare.errors import OutputError


def write_files_atomically(outputs: Iterable[tuple[Path, str]]) -> list[Path]:
    """Write every (path, text) pair, or none of them.

    Each text first goes to a temporary file beside its target; only when all are written and
    flushed are they renamed into place (a rename within one directory is atomic on POSIX).
    Any error removes the temporary files, so readers never see a half-written report.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in outputs:
            path = Path(path)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            except OSError as exc:
                raise OutputError(f"{path}: cannot write here ({exc.strerror}); choose another --out.") from exc
            staged.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        # mkstemp creates 0600 files; give reports the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        for tmp, path in staged:
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, path)
        return [path for _, path in staged]
    except BaseException:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise
