"""The command line, run in-process with typer's CliRunner on the real seeds and tiny models."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlcompare.cli import app

ROOT = Path(__file__).resolve().parents[1]
HI = ROOT / "seeds" / "hi_tajikistan_china_counterterrorism.txt"
FA = ROOT / "seeds" / "fa_tajikistan_denies_chinese_base.txt"


def as_cp1256(text: str) -> bytes:
    """Windows-1256 has no Persian ye/kaf (U+06CC, U+06A9): legacy files used the Arabic ones."""
    for a, b in (("ی", "ي"), ("ک", "ك"), ("“", '"'), ("”", '"')):
        text = text.replace(a, b)
    return text.encode("cp1256")


@pytest.fixture()
def runner(shared_embedder) -> CliRunner:
    return CliRunner()


def _run(runner: CliRunner, args: list[str], **kw):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kw)


def test_translate_writes_json_and_markdown_for_both_seeds(runner, tiny_marian_dir, tmp_path):
    out = tmp_path / "out"
    result = _run(runner, ["translate", HI, FA, "--model", tiny_marian_dir, "--out-dir", out,
                           "--beams", "1", "--engine", "transformers"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "fa_tajikistan_denies_chinese_base.fa-en.json",
        "fa_tajikistan_denies_chinese_base.fa-en.md",
        "hi_tajikistan_china_counterterrorism.hi-en.json",
        "hi_tajikistan_china_counterterrorism.hi-en.md",
    ]
    for path, seed in ((out / names[0], FA), (out / names[2], HI)):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["schema"] == "xlcompare.translation/1"
        text = seed.read_text(encoding="utf-8")
        segs = doc["segments"]
        assert [s["id"] for s in segs] == list(range(len(segs)))
        for s in segs:
            assert text[s["start"]:s["end"]] == s["text"]
            # Every content segment has a translation record; furniture is not translated.
            assert (s["translation"] is None) == s["boilerplate"]
        sig = doc["signature"]
        assert sig["engine"] == "transformers" and sig["beams"] == 1
        assert sig["model"] and sig["revision"] and sig["xlcompare"]
        assert "string" in sig and "engine:transformers" in sig["string"]
    md = (out / names[3]).read_text(encoding="utf-8")
    assert "| # | source | English | flags |" in md


def test_translate_json_to_stdout_keeps_stdout_clean(runner, tiny_nllb_dir):
    result = runner.invoke(app, ["translate", str(FA), "--model", str(tiny_nllb_dir), "-o", "-",
                                 "--beams", "1", "--engine", "transformers"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["article"]["language"] == "fa"
    assert doc["signature"]["family"] == "nllb"


def test_translate_rerun_hits_the_cache(runner, tiny_marian_dir, tmp_path):
    args = ["translate", HI, "--model", tiny_marian_dir, "--out-dir", tmp_path, "--beams", "1",
            "--format", "json", "--engine", "transformers"]
    assert _run(runner, args).exit_code == 0
    first = json.loads((tmp_path / f"{HI.stem}.hi-en.json").read_text(encoding="utf-8"))
    assert _run(runner, args).exit_code == 0
    second = json.loads((tmp_path / f"{HI.stem}.hi-en.json").read_text(encoding="utf-8"))
    translated = [s for s in second["segments"] if s["translation"] is not None]
    assert translated and all(s["cached"] for s in translated)
    assert [s["translation"] for s in first["segments"]] == [s["translation"] for s in second["segments"]]


def test_offline_missing_model_fails_with_one_clear_line_and_writes_nothing(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(HI), "--offline", "--out-dir", str(out)])
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "facebook/nllb-200-distilled-600M" in message
    assert "--model" in message and "cache" in message.lower()
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "suffix", "expected"),
    [
        (b"", ".txt", "empty"),
        (b"\x00\x01\x02binary\x00\xff" * 20, ".txt", "binary"),
        (as_cp1256("وزارت امور خارجه جمهوری تاجیکستان گزارش داد."), ".txt", "cp1256"),
        (b"hello", ".pdf", ".pdf"),
    ],
)
def test_bad_input_is_one_line_naming_the_file_and_nothing_written(
    runner, tmp_path, content, suffix, expected
):
    bad = tmp_path / f"bad{suffix}"
    bad.write_bytes(content)
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(bad), "--out-dir", str(out), "--offline"])
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert str(bad) in message or bad.name in message
    assert expected.lower() in message.lower()
    assert len(message.splitlines()) <= 2  # one line (rich may wrap only very long paths)
    assert not out.exists()


def test_missing_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(app, ["translate", str(tmp_path / "nope.txt"), "--offline"])
    assert result.exit_code == 2
    assert "nope.txt" in result.stderr


def test_a_failure_in_the_second_article_leaves_no_output_at_all(runner, tiny_marian_dir, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00\x00\x00")
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(HI), str(bad), "--model", str(tiny_marian_dir),
                                 "--out-dir", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_encoding_option_reads_legacy_persian(runner, tiny_marian_dir, tmp_path):
    legacy = tmp_path / "fa1256.txt"
    legacy.write_bytes(as_cp1256(FA.read_text(encoding="utf-8")))
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(legacy), "--encoding", "cp1256", "--model",
                                 str(tiny_marian_dir), "--out-dir", str(out), "--format", "json",
                                 "--beams", "1", "--engine", "transformers"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(next(out.iterdir()).read_text(encoding="utf-8"))
    assert doc["article"]["encoding"] == "cp1256"


def test_language_override_mismatch_warns(runner, tiny_marian_dir, tmp_path):
    result = runner.invoke(app, ["translate", str(HI), "--from", "fa", "--model",
                                 str(tiny_marian_dir), "--out-dir", str(tmp_path), "--beams", "1",
                                 "--engine", "transformers"])
    assert result.exit_code == 0, result.stderr
    assert "warning" in result.stderr.lower()


def test_models_lists_presets_as_json(runner):
    result = runner.invoke(app, ["models", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["nllb-600m"]["model_ids"] == ["facebook/nllb-200-distilled-600M"]
    assert "CC-BY-NC" in rows["nllb-600m"]["licence"]
    assert set(rows["opus-mt"]["model_ids"]) >= {"Helsinki-NLP/opus-mt-hi-en", "Helsinki-NLP/opus-mt-mul-en"}
    assert all(r["cached"] is False for r in rows.values())


def test_models_download_offline_fails_clearly(runner):
    result = runner.invoke(app, ["models", "download", "opus-mt"])
    assert result.exit_code == 2
    assert "Helsinki-NLP/opus-mt-hi-en" in result.stderr


def test_help_states_the_nllb_licence(runner):
    result = runner.invoke(app, ["translate", "--help"])
    assert result.exit_code == 0
    assert "CC-BY-NC-4.0" in result.output


def test_compare_no_translate_html_and_json(runner, tmp_path):
    html_out = tmp_path / "report.html"
    result = runner.invoke(app, ["compare", str(HI), str(FA), "--no-translate", "-o", str(html_out)])
    assert result.exit_code == 0, result.stderr
    page = html_out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>") and 'dir="rtl"' in page
    result = runner.invoke(app, ["compare", str(HI), str(FA), "--no-translate", "--format", "json",
                                 "-o", "-"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema"] == "xlcompare.comparison/1"
    assert doc["left"]["language"] == "hi" and doc["right"]["language"] == "fa"
    boiler = {s["id"] for s in doc["left"]["segments"] if s["boilerplate"]}
    assert boiler and not any(set(a["left"]) & boiler for a in doc["alignments"])


def test_compare_with_translation_uses_the_model(runner, tiny_marian_dir, tmp_path):
    out = tmp_path / "c.json"
    result = runner.invoke(app, ["compare", str(HI), str(FA), "--model", str(tiny_marian_dir),
                                 "--beams", "1", "--engine", "transformers", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    content = [s for s in doc["left"]["segments"] if not s["boilerplate"]]
    assert content and all(isinstance(s["translation"], str) for s in content)


def test_evaluate_hyp_against_ref_json(runner, tmp_path):
    ref = tmp_path / "ref.en"
    hyp = tmp_path / "hyp.en"
    ref.write_text("The cat sat on the mat.\nIt rained all day.\n", encoding="utf-8")
    hyp.write_text("The cat sat on the mat.\nIt was sunny.\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--hyp", str(hyp), "--ref", str(ref), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert 0 < doc["bleu"] < 100 and 0 < doc["chrf"] < 100
    assert doc["sentences"][0]["chrf"] == 100.0


def test_evaluate_needs_exactly_one_of_hyp_or_src(runner, tmp_path):
    ref = tmp_path / "ref.en"
    ref.write_text("x\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--ref", str(ref)])
    assert result.exit_code == 2
    assert "--hyp" in result.stderr


def test_compare_with_an_unavailable_embedder_is_a_clear_error(runner, tmp_path):
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["compare", str(HI), str(FA), "--no-translate", "--offline",
                                 "--embedder", "sentence-transformers/LaBSE", "-o", str(out)])
    assert result.exit_code == 2
    assert "sentence-transformers" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("engine", ["ctranslate2", "auto"])
def test_translate_with_the_ctranslate2_engine_offline(runner, tiny_nllb_dir, tmp_path, engine):
    pytest.importorskip("ctranslate2", reason="needs the [fast] extra")
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(FA), "--model", str(tiny_nllb_dir), "--engine",
                                 engine, "--offline", "--beams", "1", "--out-dir", str(out),
                                 "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(next(out.iterdir()).read_text(encoding="utf-8"))
    assert doc["signature"]["engine"] == "ctranslate2"
    content = [s for s in doc["segments"] if not s["boilerplate"]]
    assert content and all(isinstance(s["translation"], str) for s in content)


def test_a_notice_is_a_note_not_a_warning(capsys):
    """News the user waits for ("converting the model, once") shows without -v, not as a warning."""
    import logging

    from xlcompare import cli

    cli._setup_logging(False)
    logging.getLogger("xlcompare.test").warning("Converting, once", extra={"notice": True})
    logging.getLogger("xlcompare.test").info("not shown without -v")
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["note: Converting, once"]


@pytest.mark.parametrize(("finished", "code", "fast"), [
    (True, 0, True),  # a compare that succeeded ends at once
    (True, 2, False),  # any failure ends normally, with its code
    (False, 0, False),  # other commands end normally
])
def test_the_program_skips_finalisation_only_after_a_compare_that_succeeded(monkeypatch, finished, code, fast):
    from xlcompare import cli

    exits = []

    def command() -> None:
        monkeypatch.setattr(cli, "_finished", finished)
        raise SystemExit(code)

    monkeypatch.setattr(cli, "app", command)
    monkeypatch.setattr(cli.os, "_exit", lambda status: exits.append(status))
    if fast:
        cli.main()
        assert exits == [0]
    else:
        with pytest.raises(SystemExit) as raised:
            cli.main()
        assert raised.value.code == code and exits == []


def test_a_compare_piped_to_stdout_arrives_whole(tmp_path):
    """The process ends without finalisation after a compare: what it wrote must be flushed."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    seeds = sorted((root / "seeds").glob("*.txt"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(root), os.environ.get("PYTHONPATH"))))}
    done = subprocess.run(
        [sys.executable, "-m", "xlcompare", "compare", *map(str, seeds), "--no-translate", "-o", "-", "--format", "json"],
        capture_output=True, env=env, timeout=300, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["left"]["segments"] and report["right"]["segments"]
    assert b"said by one side only" not in done.stdout
    assert b"related passage" in done.stderr  # the last warning, printed after the report


def test_a_compare_imports_no_pydantic(tmp_path):
    """typer 0.29 and later import pydantic to check every option, 0.1 s of each start
    (pyproject.toml pins typer below it): a whole `compare` must not import it."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    seeds = sorted((root / "seeds").glob("*.txt"))
    # The CLI leaves through os._exit after a compare, past atexit: report the modules there.
    code = """
import os, sys
leave = os._exit
def report(status):
    print(sorted(m for m in sys.modules if m.split(".")[0] == "pydantic"), flush=True)
    leave(status)
os._exit = report
from xlcompare.cli import main
sys.argv = ["xlcompare", "compare", *sys.argv[1:3], "--no-translate", "-o", "out.json"]
main()
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(root), os.environ.get("PYTHONPATH"))))}
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, seeds)], capture_output=True, text=True, env=env,
        timeout=300, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out.json").stat().st_size > 0
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_status_spinner_is_drawn_only_on_a_terminal(monkeypatch):
    import io

    from rich.console import Console
    from rich.status import Status

    from xlcompare import cli as cli_module

    monkeypatch.setattr(cli_module, "err", Console(file=io.StringIO(), force_terminal=False))
    with cli_module._status("aligning") as status:
        assert not isinstance(status, Status)
        status.update("embedding: 3 texts")
    assert cli_module.err.file.getvalue() == ""
    monkeypatch.setattr(cli_module, "err", Console(file=io.StringIO(), force_terminal=True))
    with cli_module._status("aligning") as status:
        assert isinstance(status, Status)
