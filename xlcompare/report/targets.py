"""Where outputs go, decided before any work is done.

The commands share one meaning of their output options: `-o FILE` is one file whose suffix
names its format (or `-` for standard output), `--out-dir DIR` a folder that receives one file
per output. These helpers turn the options into a list of target paths and refuse, before
minutes of translation, what could only end badly: an unknown suffix, a directory where a file
is expected, two outputs on one path, or an output that would overwrite an input.
"""
from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from xlcompare.errors import OutputError

STDOUT = "-"
# File suffixes and the report format each one means.
SUFFIX_FORMATS = {
    ".json": "json",
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
}


def format_for_file(output: str, given: str | None, formats: Sequence[str]) -> str:
    """The format of the single output `output` (a path or "-"), from `given` (--format)
    and the file's suffix; `formats` are those the command writes.

    The suffix decides when --format is not given; a suffix that names no format of this
    command is refused with the list, and so is a suffix contradicting --format. A path
    without a suffix (or a FIFO, a device, standard output) takes --format, else `formats[0]`.
    """
    known = ", ".join(f".{f}" for f in formats)
    if given is not None and given not in formats:
        raise OutputError(f"unknown format {given!r}; choose one of {', '.join(formats)}")
    if output == STDOUT:
        return given or formats[0]
    suffix = Path(output).suffix.lower()
    if not suffix or _is_existing_stream(output):
        return given or formats[0]
    implied = SUFFIX_FORMATS.get(suffix)
    if implied not in formats:
        raise OutputError(
            f"{output}: {suffix!r} is not a format this command writes; name the file with "
            f"one of {known}, or write to a folder with --out-dir"
        )
    if given is not None and given != implied:
        raise OutputError(
            f"{output}: the suffix says {implied} but --format says {given}; make them agree"
        )
    return implied


def check_targets(targets: Iterable[tuple[Path, str]], inputs: Iterable[Path]) -> None:
    """Refuse two outputs on one file and an output on an input file.

    `targets` pairs each output path with what it is written for (an input's name), for the
    message.
    """
    input_ids = {}
    for path in inputs:
        key = _file_key(path)
        if key is not None:
            input_ids[key] = path
    claimed: dict[object, tuple[Path, str]] = {}
    for path, source in targets:
        key = _file_key(path) or ("new", os.path.realpath(path))
        if key in input_ids:
            raise OutputError(
                f"{path}: is the input file {input_ids[key]}; writing there would destroy it, "
                "so choose another output name"
            )
        if key in claimed:
            other_path, other_source = claimed[key]
            raise OutputError(
                f"{other_source} and {source} would both be written to {path}; rename one of "
                "them or write them into separate --out-dir folders"
            )
        claimed[key] = (path, source)


def check_location(path: Path, *, folder: bool = False, option: str = "--out-dir") -> None:
    """Refuse an output path that cannot be written, before any work: a file path that is a
    directory, a folder path that is a file, or a location under a file or without write
    permission. Missing folders are fine: they are created when the outputs are written."""
    path = Path(path)
    if folder:
        if path.exists() and not path.is_dir():
            raise OutputError(f"{path}: is a file, not a folder; give a folder for {option}")
        probe = path
    else:
        if path.is_dir():
            raise OutputError(f"{path}: is a directory; give a file name (or --out-dir for a folder)")
        if path.exists() and not path.is_file():  # a FIFO or a device: opened and written in place
            if not os.access(path, os.W_OK):
                raise OutputError(f"{path}: cannot write here ({os.strerror(errno.EACCES)})")
            return
        # A regular file is replaced by a rename in its folder (a symlink's target's folder).
        probe = Path(os.path.realpath(path)).parent
    # The nearest existing folder on the way must be a folder we may write into.
    probe = Path(os.path.abspath(probe))
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"{path}: cannot be created, because {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(
            f"{path}: cannot write here ({os.strerror(errno.EACCES)} in {probe}); "
            "choose another output location"
        )


def _file_key(path: Path) -> tuple[int, int] | None:
    """(device, inode) of an existing file, following links; None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _is_existing_stream(output: str) -> bool:
    try:
        return not Path(output).is_file() and Path(output).exists()
    except OSError:
        return False
