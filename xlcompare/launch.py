"""The program's entry point (the `xlcompare` script, `python -m xlcompare`): what is worth
starting before the command line is parsed, then the command line itself (xlcompare.cli).

A comparison's first vector waits for the embedding model, which loads in a background thread
(0.15-0.2 s); parsing the command line first means importing typer, rich and the CLI's
modules, 0.1 s more before that load could begin. A `compare` command line says plainly which
embedder it wants (`--embedder NAME`, else the default), so this module reads that from the
raw arguments and starts the load at once; `compare` takes the embedder over once typer has
parsed the same arguments and names the same embedder. A wrong guess (an option value that
looks like `--embedder`, a usage error) costs only that load, in the background. Only an
embedder that loads without converting anything first is started this early: a first run
converts its model (10-30 s) after the arguments are checked, with its notice on screen.

Records the early embedder logs before the CLI has set up its handlers (the load's -v line, a
cached conversion that has to be made again) are held here and passed on to them then.
"""
from __future__ import annotations

import logging
import os
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

# OpenBLAS (numpy's matrix products) reads these when numpy is first imported.
_BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
_HELP = {"--help", "-h", "--version"}


def main() -> None:
    args = sys.argv[1:]
    limit_blas_threads(args, os.environ)
    try:
        early = start_embedder(args)
    except Exception:  # noqa: BLE001 - the CLI meets it again where it reports errors in one line
        early = None
    from xlcompare import cli

    cli.main(early=early)


def limit_blas_threads(args: list[str], environ: MutableMapping[str, str]) -> bool:
    """One OpenBLAS thread for a `compare` the user has not set thread counts for; returns
    whether it set one.

    A comparison's matrix products are small (sentences x sentences x 384); after each one
    OpenBLAS's other threads spin for a while before they sleep, and on two cores that spinning
    took a tenth of the CPU a comparison of the seeds used, from the embedding model's workers
    and the interpreter (benchmarks/bench_embed.py, README). numpy must not be imported yet."""
    if args[:1] != ["compare"] or any(name in environ for name in _BLAS_THREAD_VARIABLES):
        return False
    environ["OPENBLAS_NUM_THREADS"] = "1"
    return True


def guessed_embedder(args: list[str], default: str) -> str | None:
    """The embedder a `compare` command line asks for, read before it is parsed; None for any
    other command and for help."""
    if args[:1] != ["compare"]:
        return None
    name = default
    rest = args[1:]
    for at, arg in enumerate(rest):
        if arg == "--":  # arguments only from here on
            break
        if arg in _HELP:
            return None
        if arg in ("--embedder", "-e") and at + 1 < len(rest):
            name = rest[at + 1]
        elif arg.startswith("--embedder="):
            name = arg.partition("=")[2]
        elif arg.startswith("-e") and not arg.startswith("--"):
            name = arg[2:]
    return name


@dataclass
class Early:
    """An embedder started before the command line was parsed, for the name it was guessed
    from, and the log records it made before the CLI had its handlers."""

    name: str
    embedder: Any  # a CachedEmbedder (api.open_embedder)
    held: _HeldRecords

    def pass_on_logs(self) -> None:
        """Hand the held records to the handlers the CLI has just set up, and stop holding."""
        self.held.pass_on()


def start_embedder(args: list[str]) -> Early | None:
    """Start loading the embedder a `compare` asks for, when it is the default kind that loads
    in the background (e5-ct2) and its conversion is already cached."""
    from xlcompare.settings import DEFAULT_EMBEDDER

    name = guessed_embedder(args, DEFAULT_EMBEDDER)
    if name is None:
        return None
    from xlcompare.alignment.embedders.e5_ctranslate2 import E5CTranslate2Embedder

    if name != E5CTranslate2Embedder.name:
        return None
    embedder = E5CTranslate2Embedder()
    if not embedder.is_converted():
        return None
    held = _HeldRecords()
    held.hold()
    try:
        from xlcompare import api

        return Early(name, api.open_embedder(embedder, preload=True), held)
    except BaseException:
        held.pass_on()
        raise


class _HeldRecords(logging.Handler):
    """Keeps xlcompare's log records, every level, until the CLI's handlers exist. Without it a
    record logged that early would reach Python's last-resort handler: warnings printed bare,
    the rest lost, whatever -v says."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self._logger = logging.getLogger("xlcompare")

    def hold(self) -> None:
        self._logger.setLevel(logging.DEBUG)
        self._logger.propagate = False
        self._logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def pass_on(self) -> None:
        # Not `release`: logging.Handler's own name for unlocking.
        if self not in self._logger.handlers:
            return
        self._logger.propagate = True
        self._logger.removeHandler(self)
        self._logger.setLevel(logging.NOTSET)
        records, self.records = self.records, []
        for record in records:  # as if logged now: what the CLI's level lets through
            logger = logging.getLogger(record.name)
            if logger.isEnabledFor(record.levelno):
                logger.handle(record)
