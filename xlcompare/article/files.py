"""Reading an input file's bytes, refusing what is not a regular file.

Every command reads its inputs through `read_input_bytes`, so a FIFO or a device is refused
before it is opened (reading one could block forever or never end), and every failure is one
`InputError` line naming the file.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from xlcompare.errors import InputError


def read_input_bytes(path: str | Path, *, what: str = "file") -> bytes:
    """The bytes of the regular file `path`; `what` names it in messages ("article", ...)."""
    name = str(path)
    if not name:
        raise InputError(f"an empty path was given; name the {what}")
    try:
        mode = os.stat(path).st_mode  # follows symbolic links
    except FileNotFoundError:
        raise InputError(f"{name}: no such file; check the path") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"{name}: is a loop of symbolic links; give the {what} itself") from None
        raise InputError(f"{name}: cannot be read ({exc.strerror}); check the path") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{name}: is a directory; give the path of a {what}")
    if not stat.S_ISREG(mode):
        raise InputError(
            f"{name}: not a regular file (a FIFO, device or socket, which could block or never "
            f"end); save the {what} to a file first"
        )
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror}); check its permissions") from None
