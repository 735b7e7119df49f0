"""Hostile and odd inputs: never hang, never clobber, never a traceback, never silent garbage.

`ROWS` is one table of command lines run through the real CLI (in-process). Every row checks
the exit code; that stderr is one clear line (an error) or one line per distinct warning, and
never a traceback; that no file appeared, vanished or changed except the outputs the row
expects (no partial file, no clobbered input, no temporary left behind); and, for accepted
inputs, the offset invariant on the JSON written: every segment's text is `input[start:end]`
and the segments cover every non-space character of the decoded input.

A row is `Row(id, command line, exit code, expected text, outputs)`. The command line is a
function of the `Workspace`, which writes the row's input files into a fresh folder, so a row
for another command (`corpus`, ...) is one more entry: rows whose command the CLI does not
have are skipped. Translation rows use the tiny random-weight Marian model (tests/tiny_models.py).

The fault tests below the table kill or interrupt real translation processes (kill -9, Ctrl-C,
two processes on one cache) and damage the translation cache.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlcompare.cli import app

ROOT = Path(__file__).resolve().parents[1]
HI = "ताजिकिस्तान और चीन ने आतंकवाद से निपटने के लिए सहयोग पर बल दिया।\n"
FA = "وزارت امور خارجه تاجیکستان گزارش ها را بی پایه خواند.\n"
HI_NUL = "चीन और\0 ताजिकिस्तान ने बैठक की। "  # issue 16: once read as UTF-16 mojibake
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4


def _zip() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _cp1256(text: str) -> bytes:
    return text.replace("ی", "ي").replace("ک", "ك").encode("cp1256")


class Workspace:
    """A fresh folder for one row: its input files, and what the command line needs."""

    def __init__(self, root: Path, marian: Path) -> None:
        self.root = root
        self.marian = str(marian)
        self.readers: list[str] = []  # FIFOs a thread must read while the command runs

    def file(self, name: str, content: bytes | str) -> str:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return name

    def fifo(self, name: str, *, read: bool = False) -> str:
        os.mkfifo(self.root / name)
        if read:
            self.readers.append(name)
        return name

    def loop(self, name: str) -> str:
        os.symlink(name + ".other", self.root / name)
        os.symlink(name, self.root / (name + ".other"))
        return name

    def folder(self, name: str) -> str:
        (self.root / name).mkdir(parents=True)
        return name

    def translate(self, *files: str, opts: tuple[str, ...] = ("-o", "out.json")) -> list[str]:
        return ["translate", *files, "--model", self.marian, "--beams", "1",
                "--engine", "transformers", *opts]

    def compare(self, left: str, right: str | None = None, *opts: str) -> list[str]:
        right = right or self.file("fa.txt", FA)
        return ["compare", left, right, "--no-translate", *(opts or ("-o", "cmp.json"))]

    def evaluate(self, hyp: str, ref: str, *opts: str) -> list[str]:
        return ["evaluate", "--hyp", hyp, "--ref", ref, *opts]

    def corpus(self, *left_files: tuple[str, bytes | str], opts: tuple[str, ...] = ("-o", "out")) -> list[str]:
        """A corpus run of a left folder holding `left_files` against a right folder of one
        Persian article."""
        for name, content in left_files:
            self.file(f"L/{name}", content)
        self.file("R/fa.txt", FA)
        return ["corpus", "L", "R", "--no-translate", "--workers", "1", *opts]


@dataclass(frozen=True)
class Row:
    id: str
    args: Callable[[Workspace], list[str]]
    code: int
    says: str = ""  # in the error line (refused) or in stderr (accepted); case-insensitive
    outputs: tuple[str, ...] = ()  # files the row creates or replaces (accepted rows);
    # "name/": any files under that folder (a corpus run's outputs and stage store)
    encoding: str | None = None  # to decode the input again for the offset invariant
    needs: str | None = None  # an optional module the command needs
    marks: tuple = ()


def _t(ws: Workspace, name: str, content: bytes | str, *extra: str) -> list[str]:
    return ws.translate(ws.file(name, content), *extra) if extra else ws.translate(ws.file(name, content))


ROWS: list[Row] = [
    # --- what the bytes are ------------------------------------------------------------------
    Row("empty", lambda ws: _t(ws, "a.txt", b""), 2, "empty"),
    Row("whitespace-only", lambda ws: _t(ws, "a.txt", " \n\t\r\n  "), 2, "no text"),
    Row("png", lambda ws: _t(ws, "a.txt", PNG), 2, "PNG image"),
    Row("elf", lambda ws: _t(ws, "a.txt", ELF), 2, "binary"),
    Row("zip", lambda ws: _t(ws, "a.txt", _zip()), 2, "ZIP archive"),
    Row("nul-in-utf8", lambda ws: ws.compare(ws.file("a.txt", HI_NUL), None, "--left-lang", "hi",
                                             "-o", "cmp.json"),
        0, "control character", ("cmp.json",)),
    Row("invalid-utf8", lambda ws: _t(ws, "a.txt", HI.encode()[:30] + b"\xff\xfe" + HI.encode()[30:]),
        2, "invalid bytes at byte 30"),
    Row("utf16-bom", lambda ws: ws.translate(ws.file("a.txt", b"\xff\xfe" + HI.encode("utf-16-le"))),
        0, "", ("out.json",)),
    Row("utf16-no-bom", lambda ws: ws.compare(ws.file("a.txt", HI.encode("utf-16-be"))), 0, "",
        ("cmp.json",)),
    Row("cp1256-unnamed", lambda ws: _t(ws, "a.txt", _cp1256(FA)), 2, "--encoding cp1256"),
    Row("cp1256-named", lambda ws: ws.compare(ws.file("a.txt", HI), ws.file("b.txt", _cp1256(FA)),
                                              "--encoding", "cp1256", "-o", "cmp.json"),
        0, "valid UTF-8", ("cmp.json",), encoding="cp1256"),  # --encoding applies to both inputs
    Row("cp1256-translate", lambda ws: ws.translate(ws.file("a.txt", _cp1256(FA)),
                                                    opts=("--encoding", "cp1256", "-o", "out.json")),
        0, "", ("out.json",), encoding="cp1256"),
    Row("encoding-rot13", lambda ws: ws.translate(ws.file("a.txt", HI), opts=("--encoding", "rot13")),
        2, "not a text encoding"),
    Row("encoding-base64", lambda ws: ws.compare(ws.file("a.txt", HI), None, "--encoding", "base64"),
        2, "not a text encoding"),
    Row("encoding-unknown", lambda ws: ws.translate(ws.file("a.txt", HI), opts=("--encoding", "nope")),
        2, "unknown encoding"),
    # --- what the text is --------------------------------------------------------------------
    Row("only-digits", lambda ws: ws.translate(ws.file("a.txt", "1234567890 ۱۲۳ १२३"),
                                               opts=("--from", "hi", "-o", "out.json")),
        0, "", ("out.json",)),
    Row("only-emoji", lambda ws: ws.translate(ws.file("a.txt", "😀🎉🇮🇳 " * 4),
                                              opts=("--from", "hi", "-o", "out.json")),
        0, "", ("out.json",)),
    Row("only-punctuation", lambda ws: ws.translate(ws.file("a.txt", "!?।॥…—,;:" * 3),
                                                    opts=("--from", "hi", "-o", "out.json")),
        0, "", ("out.json",)),
    Row("language-given-wrong", lambda ws: ws.translate(ws.file("a.txt", HI), opts=("--from", "fa", "-o", "out.json")),
        0, "looks like Hindi", ("out.json",)),
    Row("digits-language-unknown", lambda ws: _t(ws, "a.txt", "1234 5678\n"), 2, "--from"),
    Row("bidi-overrides", lambda ws: ws.compare(ws.file("a.txt", "\u202e" + FA + "\u202c\u2066x\u2069")),
        0, "", ("cmp.json",)),
    Row("combining-storm", lambda ws: ws.compare(ws.file("a.txt", "क" + "\u0901\u093c" * 300 + " " + HI),
                                                 None, "--left-lang", "hi", "-o", "cmp.json"),
        0, "", ("cmp.json",)),
    Row("combining-storm-40k", lambda ws: ws.compare(ws.file("a.txt", "क" + "\u0901\u093c" * 20_000 + " " + HI),
                                                     None, "--left-lang", "hi", "-o", "cmp.json"),
        0, "windows", ("cmp.json",), marks=(pytest.mark.slow,)),
    Row("long-line-no-punctuation", lambda ws: ws.compare(ws.file("a.txt", "चीन और ताजिकिस्तान " * 120),
                                                          None, "--left-lang", "hi", "-o", "cmp.json"),
        0, "windows", ("cmp.json",)),
    Row("long-line-5mb", lambda ws: ws.compare(ws.file("a.txt", "चीन और ताजिकिस्तान " * 96_000),
                                               None, "--left-lang", "hi", "-o", "cmp.json"),
        0, "windows", ("cmp.json",), marks=(pytest.mark.slow,)),
    Row("100k-tiny-sentences", lambda ws: ws.translate(ws.file("a.txt", "क। " * 100_000),
                                                       opts=("--from", "hi", "-o", "out.json")),
        0, "", ("out.json",), marks=(pytest.mark.slow,)),
    # --- hostile HTML ------------------------------------------------------------------------
    Row("html-script-style-comment-cdata", lambda ws: ws.translate(ws.file("a.html", (
        "<html><head><style>p{}</style><script>alert('x')</script></head><body><!-- hidden -->"
        f"<p>{HI}</p><![CDATA[ raw ]]><script>document.write(1)</script></body></html>"
    ))), 0, "", ("out.json",)),
    Row("html-entity-storm", lambda ws: ws.compare(ws.file("a.html", (
        f"<p>{'&nbsp;&#32;' * 30_000}&#0;&#xD800;&#x110000;&bogus;&amp {HI}</p>"
    )), None, "--left-lang", "hi", "-o", "cmp.json"), 0, "", ("cmp.json",)),
    Row("html-10000-nested", lambda ws: ws.translate(ws.file("a.html", "<div>" * 10_000 + HI)), 0, "",
        ("out.json",)),
    Row("html-unclosed-button", lambda ws: ws.translate(ws.file("a.html", f"<div><p>{HI}</p><button>Share")),
        0, "", ("out.json",)),
    Row("html-unclosed-script", lambda ws: ws.translate(ws.file("a.html", f"<div><p>{HI}</p><script>var x")),
        0, "", ("out.json",)),
    Row("html-unclosed-select", lambda ws: ws.translate(ws.file("a.html", f"<p>{HI}</p><select><option>a")),
        0, "", ("out.json",)),
    Row("html-unclosed-hidden", lambda ws: ws.translate(ws.file("a.html", f"<p>{HI}</p><div hidden>x<p>y")),
        0, "", ("out.json",)),
    Row("html-javascript-url", lambda ws: ws.translate(ws.file("a.html", (
        f'<p><a href="javascript:alert(1)">{HI}</a><img src="http://tracker.example/p.gif"></p>'
    )), opts=("--format", "md", "-o", "out.md")), 0, "", ("out.md",)),
    Row("markdown-remote-image", lambda ws: ws.translate(ws.file("a.md", (
        f"![x](http://tracker.example/p.png) {HI}<img src=http://tracker.example/q.png>"
    )), opts=("-o", "out.md")), 0, "", ("out.md",)),
    # --- paths -------------------------------------------------------------------------------
    Row("missing-path", lambda ws: ws.translate("nope.txt"), 2, "no such file"),
    Row("directory", lambda ws: ws.translate(ws.folder("dir.txt")), 2, "is a directory"),
    Row("fifo-input", lambda ws: ws.translate(ws.fifo("in.txt")), 2, "not a regular file"),
    Row("symlink-loop", lambda ws: ws.translate(ws.loop("loop.txt")), 2, "loop of symbolic links"),
    Row("markup-in-missing-path", lambda ws: ws.translate("a[/]b[bold].txt"), 2, "a[/]b[bold].txt"),
    Row("markup-in-path", lambda ws: ws.translate(ws.file("news [hindi].txt", HI),
                                                  opts=("--out-dir", "o")),
        0, "news [hindi].txt", ("o/news [hindi].hi-en.json", "o/news [hindi].hi-en.md")),
    Row("same-name-inputs", lambda ws: ws.translate(ws.file("a/hi.txt", HI), ws.file("b/hi.txt", HI),
                                                    opts=("--out-dir", "o")),
        2, "would both be written"),
    Row("output-is-the-input", lambda ws: ws.translate(ws.file("a.md", HI), opts=("-o", "a.md")),
        2, "is the input file"),
    Row("compare-output-is-an-input", lambda ws: ws.compare(ws.file("a.md", HI), None, "-o", "a.md"),
        2, "is the input file"),
    Row("output-existing-directory", lambda ws: ws.compare(ws.file("a.txt", HI), None, "-o", ws.folder("r.json")),
        2, "is a directory"),
    Row("output-folder-missing", lambda ws: ws.compare(ws.file("a.txt", HI), None, "-o", "new/deeper/r.json"),
        0, "", ("new/deeper/r.json",)),
    Row("output-folder-is-a-file", lambda ws: ws.translate(ws.file("a.txt", HI),
                                                           opts=("--out-dir", ws.file("o", "x"))),
        2, "is a file, not a folder"),
    Row("output-under-a-file", lambda ws: ws.compare(ws.file("a.txt", HI), None, "-o",
                                                     ws.file("f", "x") + "/r.json"),
        2, "is a file, not a folder"),
    Row("output-into-fifo", lambda ws: ws.compare(ws.file("a.txt", HI), None, "--format", "json",
                                                  "-o", ws.fifo("r.fifo", read=True)), 0, ""),
    Row("output-into-fifo-no-reader", lambda ws: ws.compare(ws.file("a.txt", HI), None, "--format", "json",
                                                            "-o", ws.fifo("r.fifo")), 2, "no process is reading"),
    Row("output-unknown-suffix", lambda ws: ws.compare(ws.file("a.txt", HI), None, "-o", "r.pdf"),
        2, "one of .html, .md, .json"),
    Row("output-suffix-contradicts-format", lambda ws: ws.translate(ws.file("a.txt", HI),
                                                                    opts=("-o", "r.md", "--format", "json")),
        2, "make them agree"),
    Row("output-file-for-two-articles", lambda ws: ws.translate(ws.file("a.txt", HI), ws.file("b.txt", HI)),
        2, "use --out-dir"),
    # --- options -----------------------------------------------------------------------------
    Row("beams-0", lambda ws: ws.translate(ws.file("a.txt", HI), opts=("--beams", "0")), 2, "--beams"),
    Row("model-missing-folder", lambda ws: ["translate", ws.file("a.txt", HI), "--model", "./no-model"],
        2, "does not exist"),
    Row("model-is-a-file", lambda ws: ["translate", ws.file("a.txt", HI), "--model", ws.file("m.txt", "x"),
                                       "--out-dir", "o"], 2, "not a model folder"),
    Row("model-empty", lambda ws: ["translate", ws.file("a.txt", HI), "--model", "", "--out-dir", "o"],
        2, "empty --model"),
    Row("model-folder-without-config", lambda ws: ["translate", ws.file("a.txt", HI),
                                                   "--model", ws.folder("m"), "--out-dir", "o"],
        2, "no config.json"),
    Row("from-unknown", lambda ws: ws.translate(ws.file("a.txt", HI), opts=("--from", "klingon")),
        2, "not a language code"),
    Row("format-unknown", lambda ws: ws.compare(ws.file("a.txt", HI), None, "--format", "pdf"),
        2, "--format"),
    # --- corpus ------------------------------------------------------------------------------
    Row("corpus-bad-articles-left-out", lambda ws: ws.corpus(
        ("hi.txt", HI), ("image.txt", PNG), ("empty.txt", b""), ("bad.txt", b"\xff\xfe\xfa" * 10),
        ("binary.html", ELF)),
        0, "left out", ("out/",)),
    Row("corpus-jsonl-broken-lines", lambda ws: ["corpus", ws.file("l.jsonl", (
        json.dumps({"id": "a", "text": HI}, ensure_ascii=False) + "\nnot json\n{\"id\": 3}\n"
        + json.dumps({"id": "b", "html": f"<p>{HI}</p><script>x"}, ensure_ascii=False) + "\n"
    )), ws.file("r.jsonl", json.dumps({"id": "r", "text": FA}, ensure_ascii=False) + "\n"),
        "--no-translate", "--workers", "1", "-o", "out"],
        0, "not a JSON object", ("out/",)),
    Row("corpus-output-inside-an-input", lambda ws: ws.corpus(("hi.txt", HI), opts=("-o", "L/out")),
        2, "inside the input folder"),
    Row("corpus-output-is-a-file", lambda ws: ws.corpus(("hi.txt", HI), opts=("-o", ws.file("o", "x"))),
        2, "is a file, not a folder"),
    Row("corpus-no-articles", lambda ws: ws.corpus(("notes.pdf", b"%PDF-1.4"), opts=("-o", "out")),
        2, "no articles found"),
    Row("corpus-missing-input", lambda ws: ["corpus", "nope", ws.folder("R"), "-o", "out"],
        2, "no such folder"),
    Row("corpus-date-not-real", lambda ws: ws.corpus(("hi.txt", HI), opts=("-o", "out", "--left-date", "2024-02-30")),
        2, "not a calendar date"),
    Row("corpus-ray-address-without-ray", lambda ws: ws.corpus(("hi.txt", HI), opts=("-o", "out", "--ray-address", "auto")),
        2, "needs --backend ray"),
    # --- evaluate ----------------------------------------------------------------------------
    Row("eval-line-count-mismatch", lambda ws: ws.evaluate(ws.file("h.txt", "a\nb\n"), ws.file("r.txt", "a\n")),
        2, "2 lines", needs="sacrebleu"),
    Row("eval-empty", lambda ws: ws.evaluate(ws.file("h.txt", ""), ws.file("r.txt", "")),
        2, "nothing to score", needs="sacrebleu"),
    Row("eval-hyp-fifo", lambda ws: ws.evaluate(ws.fifo("h.txt"), ws.file("r.txt", "a\n")),
        2, "not a regular file", needs="sacrebleu"),
    Row("eval-hyp-missing", lambda ws: ws.evaluate("h.txt", ws.file("r.txt", "a\n")),
        2, "no such file", needs="sacrebleu"),
    Row("eval-hyp-invalid-utf8", lambda ws: ws.evaluate(ws.file("h.txt", b"\xff\xfe\x00a\n"), ws.file("r.txt", "a\n")),
        2, "not valid utf-8", needs="sacrebleu"),
    Row("eval-src-missing", lambda ws: ["evaluate", "--src", "s.txt", "--ref", ws.file("r.txt", "a\n")],
        2, "no such file", needs="sacrebleu"),
    Row("eval-src-directory", lambda ws: ["evaluate", "--src", ws.folder("s"), "--ref", ws.file("r.txt", "a\n")],
        2, "is a directory", needs="sacrebleu"),
    Row("eval-markup-in-hypothesis", lambda ws: ws.evaluate(ws.file("h.txt", "[/] [bold]x[/bold] [link=http://x]y\n"),
                                                            ws.file("r.txt", "a b c\n")),
        0, "", needs="sacrebleu"),
]


# --- the runner ---------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, tuple[str, str]]:
    """Every entry under `root`: its kind and, for regular files, a hash of its bytes."""
    entries = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            mode = os.lstat(path).st_mode
            if stat.S_ISREG(mode):
                entries[str(path.relative_to(root))] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                entries[str(path.relative_to(root))] = (oct(stat.S_IFMT(mode)), "")
    return entries


@contextmanager
def _fifo_readers(root: Path, names: list[str]) -> Iterator[dict[str, bytes]]:
    """Read each FIFO on a thread while the command runs; the bytes end up in the dict."""
    received: dict[str, bytes] = {}
    threads = []
    for name in names:
        # Opened now (non-blocking succeeds without a writer), so the command finds a reader.
        fd = os.open(root / name, os.O_RDONLY | os.O_NONBLOCK)

        def read(fd: int = fd, name: str = name) -> None:
            chunks, deadline = [], time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    time.sleep(0.01)
                    continue
                if chunk:
                    chunks.append(chunk)
                elif chunks:
                    break  # the writer closed after writing
                else:
                    time.sleep(0.01)  # no writer yet
            os.close(fd)
            received[name] = b"".join(chunks)

        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        threads.append(thread)
    try:
        yield received
    finally:
        for thread in threads:
            thread.join(timeout=130)


def _check_offsets(root: Path, output: Path, encoding: str | None) -> None:
    """The offset invariant on a translation or comparison JSON written by the command."""
    from xlcompare import api

    doc = json.loads(output.read_text(encoding="utf-8"))
    if doc["schema"].startswith("xlcompare.translation"):
        sides = [(doc["article"]["path"], doc["article"]["language"], doc["segments"])]
    else:
        sides = [(doc[s]["path"], doc[s]["language"], doc[s]["segments"]) for s in ("left", "right")]
    for path, language, segments in sides:
        text = api.load_article(root / path, language=language, encoding=encoding).text
        covered = bytearray(len(text))
        for segment in segments:
            assert text[segment["start"]:segment["end"]] == segment["text"], segment
            covered[segment["start"]:segment["end"]] = b"\x01" * (segment["end"] - segment["start"])
        lost = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
        assert not lost, f"{path}: characters {lost[:10]} are in no segment"


@pytest.fixture()
def workspace(
    tmp_path: Path, tiny_marian_dir: Path, monkeypatch: pytest.MonkeyPatch, shared_embedder
) -> Workspace:
    root = tmp_path / "ws"
    root.mkdir()
    monkeypatch.chdir(root)
    return Workspace(root, tiny_marian_dir)


def _params() -> list:
    return [pytest.param(row, id=row.id, marks=row.marks) for row in ROWS]


@pytest.mark.parametrize("row", _params())
def test_hostile_input(row: Row, workspace: Workspace) -> None:
    command = row.args(workspace)[0]
    if command not in {c.name or c.callback.__name__ for c in app.registered_commands}:
        pytest.skip(f"the {command} command does not exist on this branch")
    if row.needs:
        pytest.importorskip(row.needs)
    args = row.args(_fresh(workspace))
    before = _snapshot(workspace.root)
    with _fifo_readers(workspace.root, workspace.readers) as received:
        result = CliRunner().invoke(app, args, catch_exceptions=True)
    stderr = result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{stderr}"
    )
    assert "Traceback" not in stderr and "Traceback" not in result.stdout
    assert result.exit_code == row.code, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    if row.code:
        assert len(lines) == 1, stderr  # one clear line
        assert lines[0].startswith(("error:", "Error:", "Usage:")) or "Usage:" in stderr, stderr
    else:
        warnings = [line for line in lines if line.startswith("warning:")]
        assert len(warnings) == len(set(warnings)), stderr  # each warning once
    assert row.says.lower() in (stderr if row.code else stderr + result.stdout).lower(), stderr

    after = _snapshot(workspace.root)
    expected_all = set(row.outputs) if row.code == 0 else set()
    trees = tuple(o for o in expected_all if o.endswith("/"))
    expected = expected_all - set(trees)
    appeared = {p for p in after if p not in before and not (p + "/").startswith(trees)}
    changed = {p for p in before if p in after and after[p] != before[p]}
    vanished = {p for p in before if p not in after}
    created_folders = {p for p in appeared if after[p][0] != "file" and any(o.startswith(p + "/") for o in expected)}
    assert appeared - created_folders - expected == set(), appeared
    assert not vanished and changed <= expected, (vanished, changed)
    for name in expected:
        assert after.get(name, ("",))[0] == "file", f"{name} was not written"
    for tree in trees:
        assert any(p.startswith(tree) and kind == "file" for p, (kind, _) in after.items()), f"nothing in {tree}"

    for name in expected:
        if name.endswith(".json"):
            _check_offsets(workspace.root, workspace.root / name, row.encoding)
    for name, data in received.items():
        assert json.loads(data.decode("utf-8"))["schema"].startswith("xlcompare."), name
    if row.id in {"html-javascript-url", "markdown-remote-image"}:
        report = (workspace.root / row.outputs[0]).read_text(encoding="utf-8")
        # Escaped, "![x](http://...)" and "<img ...>" stay text: no remote image, no link.
        assert not re.search(r"(?<!\\)\]\(|(?<!\\)<img|(?<!\\)<a ", report), report
    if row.id == "html-script-style-comment-cdata":
        doc = json.loads((workspace.root / "out.json").read_text(encoding="utf-8"))
        assert not any("alert" in s["text"] or "document.write" in s["text"] for s in doc["segments"])
    if row.id == "eval-markup-in-hypothesis":
        assert "[/] [bold]x[/bold]" in result.stdout  # printed as written, not parsed as markup
    if row.id == "language-given-wrong":
        warning = next(line for line in lines if "looks like" in line)
        assert warning.count("a.txt") == 1 and "WARNING" not in stderr, stderr  # once, path once
    if row.id == "corpus-bad-articles-left-out":
        doc = json.loads((workspace.root / "out" / "corpus.json").read_text(encoding="utf-8"))
        errors = {a["id"]: a["error"] for a in doc["left"]["articles"]}
        assert errors["hi.txt"] is None and all(errors[n] for n in ("image.txt", "empty.txt", "bad.txt", "binary.html"))
        assert sum(line.startswith("warning:") and "left out" in line for line in lines) == 4, stderr
    if row.id == "nul-in-utf8":
        doc = json.loads((workspace.root / "cmp.json").read_text(encoding="utf-8"))
        assert "ताजिकिस्तान" in "".join(s["text"] for s in doc["left"]["segments"])


def _fresh(workspace: Workspace) -> Workspace:
    """The row's files were written once to find its command; start again from an empty folder."""
    for entry in workspace.root.iterdir():
        if entry.is_symlink() or not entry.is_dir():
            entry.unlink()
        else:
            shutil.rmtree(entry)
    workspace.readers.clear()
    return workspace


def test_the_table_is_large_and_spans_the_commands() -> None:
    assert len(ROWS) >= 40
    assert len({row.id for row in ROWS}) == len(ROWS)


# --- single defects, below the CLI ----------------------------------------------------------


@pytest.mark.parametrize("text", [HI_NUL, HI_NUL + " ", "وزارت امور\0 خارجه گزارش داد.", "وزارت امور\0 خارجه گزارش داد. "])
def test_utf8_with_a_stray_nul_is_utf8_whatever_the_parity(text: str) -> None:
    from xlcompare.article.decode import control_characters_note, decode_bytes

    decoded, encoding = decode_bytes(text.encode("utf-8"), "a.txt")
    assert (decoded, encoding) == (text, "utf-8")  # not UTF-16 mojibake, not "binary"
    assert "U+0000" in control_characters_note(decoded)


@pytest.mark.parametrize("text", [HI, FA, "Plain English.\n", "ताजिकिस्तान चीन"])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_still_recognised(text: str, codec: str) -> None:
    from xlcompare.article.decode import decode_bytes

    assert decode_bytes(text.encode(codec), "a.txt") == (text, codec)


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than `seconds`."""
    def expired(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("tail", ["<button>Share", "<script>var x", "<select><option>a", "<div hidden>x",
                                  "<svg><g><text>x", "<head><title>x"])
def test_an_unclosed_skipped_element_ends_with_the_page(tail: str) -> None:
    from xlcompare.article.html_text import extract_html_text

    with _deadline(20):  # this looped forever
        extracted = extract_html_text(f"<div><p>{HI.strip()}</p>{tail}")
    assert extracted.text == HI.strip()


def test_deep_nesting_costs_linear_time() -> None:
    from xlcompare.article.html_text import extract_html_text

    # 40,000 unclosed tags took about 6 minutes when every tag scanned the stack of open
    # elements; linear, about a second. The deadline only stops what would be a hang.
    with _deadline(60):
        extracted = extract_html_text("<div><span>" * 20_000 + HI + '<aside class="related">x')
    assert extracted.text.startswith(HI.strip())
    assert extracted.furniture and extracted.text[extracted.furniture[0][0]:] == "x"


class _RecordingEmbedder:
    """A deterministic embedder that records every text it is given (no model: the test is
    about what reaches an embedder, not about vectors)."""

    name = "recording"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: list[str]):
        import numpy as np

        self.seen.extend(texts)
        rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(size=8)
                for t in texts]
        out = np.asarray(rows, dtype=np.float32).reshape(len(texts), 8)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def signature(self) -> dict:
        return {"embedder": self.name}


def test_no_long_text_reaches_the_embedder() -> None:
    import numpy as np

    from xlcompare.alignment.embed import MAX_WINDOWS, WINDOW_CHARS, WindowedEmbedder, text_windows

    long_line = "चीन और ताजिकिस्तान " * 300_000  # 5.7 MB of UTF-8, no punctuation
    storm = "क" + "\u0901" * 200_000
    inner = _RecordingEmbedder()
    windowed = WindowedEmbedder(inner)
    vectors = windowed.embed([long_line, "short", storm])
    assert vectors.shape == (3, 8) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert max(len(t) for t in inner.seen) <= WINDOW_CHARS * 5 // 4
    assert len(inner.seen) <= 2 * MAX_WINDOWS + 1 and "short" in inner.seen
    assert windowed.windowed == 2
    assert np.allclose(vectors[1], _RecordingEmbedder().embed(["short"])[0])  # short texts unchanged
    pieces = text_windows("x y " * 1000, 500, 100)
    assert "".join(pieces) == "x y " * 1000  # without the limit, nothing is lost


def test_compare_windows_long_segments_and_says_so(tmp_path: Path) -> None:
    from xlcompare import api

    left = tmp_path / "a.txt"
    # One segment of 120,000 characters, 120 windows' worth (the 5 MB row of the table is the
    # one about time on a huge input).
    left.write_text("चीन और ताजिकिस्तान " * 6_000 + "\n" + HI, encoding="utf-8")
    right = tmp_path / "b.txt"
    right.write_text(FA, encoding="utf-8")
    inner = _RecordingEmbedder()
    comparison = api.compare(api.load_article(left, "hi"), api.load_article(right, "fa"), embedder=inner)
    assert max(len(t) for t in inner.seen) <= 1250
    assert any("windows" in w for w in comparison.warnings)
    assert comparison.signature["embedder"]["window_chars"] == 1000


def test_a_failed_rename_rolls_back_every_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xlcompare.errors import OutputError
    from xlcompare.report import atomic

    old = tmp_path / "a.json"
    old.write_text("old report", encoding="utf-8")
    os.chmod(old, 0o640)
    renames = []
    real_replace = os.replace

    def replace(src, dst):
        renames.append(dst)
        if len(renames) == 2:
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(OutputError) as info:
        atomic.write_files_atomically([(old, "new report"), (tmp_path / "a.md", "new md")])
    assert str(info.value) == f"{tmp_path / 'a.md'}: cannot write (Input/output error)"
    monkeypatch.undo()
    assert old.read_text(encoding="utf-8") == "old report" and stat.S_IMODE(old.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]  # no new file, temporary, backup

    atomic.write_files_atomically([(old, "new report"), (tmp_path / "a.md", "new md")])
    assert old.read_text(encoding="utf-8") == "new report" and stat.S_IMODE(old.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "a.md"]


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    from xlcompare.report import atomic

    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "r.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    atomic.write_files_atomically([(link, "new")])
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"


def test_streams_are_written_in_place_and_files_replaced(tmp_path: Path) -> None:
    from xlcompare.report.atomic import _is_stream

    # Only classified here: no run is pointed at a real device.
    (tmp_path / "to-stdout").symlink_to("/dev/stdout")
    os.mkfifo(tmp_path / "f.fifo")
    (tmp_path / "to-fifo").symlink_to(tmp_path / "f.fifo")
    (tmp_path / "r.json").write_text("{}", encoding="utf-8")
    (tmp_path / "to-file").symlink_to(tmp_path / "r.json")
    assert _is_stream(Path("/dev/stdout")) and _is_stream(Path("/dev/null"))
    assert _is_stream(tmp_path / "to-stdout") and _is_stream(tmp_path / "to-fifo")
    assert not _is_stream(tmp_path / "r.json") and not _is_stream(tmp_path / "to-file")
    assert not _is_stream(tmp_path / "new.json")


def test_a_fifo_reader_that_goes_away_is_an_error(tmp_path: Path) -> None:
    from xlcompare.errors import OutputError
    from xlcompare.report import atomic

    fifo = tmp_path / "r.fifo"
    os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)

    def read_a_little_then_leave() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if os.read(fd, 10):
                    break
            except BlockingIOError:
                pass
            time.sleep(0.005)
        os.close(fd)

    reader = threading.Thread(target=read_a_little_then_leave, daemon=True)
    reader.start()
    with pytest.raises(OutputError, match="reader closed the stream"):
        atomic.write_files_atomically([(fifo, "x" * 5_000_000)])
    reader.join(timeout=60)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO, not replaced by a file


# --- fault tests: real processes, killed, interrupted, side by side ----------------------------


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from xlcompare.cli import main; main()", *args]


def _env(**extra: str) -> dict[str, str]:
    # The autouse fixture's cache and offline settings are in os.environ; pass them on.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, "OMP_NUM_THREADS": "1", **extra}


def _ctrl_c_stops() -> None:
    # A script that starts pytest as a background job (`pytest &`) has it ignore SIGINT, and a
    # child inherits that: Python would then never raise KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _many_sentences(path: Path, n: int) -> Path:
    path.write_text("".join(f"आज बैठक संख्या {i} में सहयोग पर बात हुई। " for i in range(n)), encoding="utf-8")
    return path


def _cached_rows() -> int:
    from xlcompare import settings
    from xlcompare.translation.cache import DATABASE_NAME

    database = settings.translation_cache_dir() / DATABASE_NAME
    if not database.is_file():
        return 0
    import sqlite3

    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
            return connection.execute("SELECT count(*) FROM translations").fetchone()[0]
    except sqlite3.Error:
        return 0


def _translate_again(article_path: Path, marian: Path) -> tuple[int, int, int]:
    """Translate in this process through the cache: (served from the cache, reaching the model,
    total), counting what the model really gets."""
    from xlcompare import api
    from xlcompare.translation.pipeline import translate_segments

    cache = api.load_engine(str(marian), source_lang="hi", engine="transformers", beams=1)
    reached = []
    model = cache.inner

    class Counting:
        name = model.name
        max_input_tokens = model.max_input_tokens
        count_tokens = staticmethod(model.count_tokens)
        signature = staticmethod(model.signature)

        @staticmethod
        def translate_batch(texts, source_lang, target_lang="en"):
            reached.extend(texts)
            return model.translate_batch(texts, source_lang, target_lang)

    cache.inner = Counting()
    segments = api.segment(api.load_article(article_path, "hi"))
    translate_segments(cache, segments, "hi")
    return cache.stats.hits, len(reached), len(segments)


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_a_stopped_translation_keeps_its_finished_batches(how, tmp_path, tiny_marian_dir):
    article = _many_sentences(tmp_path / "many.txt", 400)  # four batches of 128 and one more
    out = tmp_path / "out"
    process = subprocess.Popen(
        _command("translate", str(article), "--from", "hi", "--model", str(tiny_marian_dir), "--beams", "1",
                 "--engine", "transformers", "--out-dir", str(out)),
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_ctrl_c_stops,
    )
    try:
        deadline = time.monotonic() + 300
        while _cached_rows() < 128 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, f"finished before it could be stopped: {process.stderr.read()}"
        os.kill(process.pid, how)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if how == signal.SIGINT:
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert process.returncode == 130 and len(lines) == 1, stderr
        assert lines[0].startswith("interrupted: nothing was written") and "cache" in lines[0]
    else:
        assert process.returncode == -signal.SIGKILL
    assert not out.exists()  # nothing half written
    stored = _cached_rows()
    assert stored >= 128
    hits, reached, total = _translate_again(article, tiny_marian_dir)
    assert hits == stored and reached == total - stored  # every finished batch from the cache


@pytest.mark.slow
def test_two_processes_share_one_cache(tmp_path, tiny_marian_dir):
    article = _many_sentences(tmp_path / "many.txt", 20)
    runs = [
        subprocess.Popen(
            _command("translate", str(article), "--from", "hi", "--model", str(tiny_marian_dir), "--beams",
                     "1", "--engine", "transformers", "-o", str(tmp_path / f"run{i}.json")),
            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for i in range(2)
    ]
    for process in runs:
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr
        assert "warning" not in stderr.lower(), stderr
    docs = [json.loads((tmp_path / f"run{i}.json").read_text(encoding="utf-8")) for i in range(2)]
    assert [s["translation"] for s in docs[0]["segments"]] == [s["translation"] for s in docs[1]["segments"]]
    hits, reached, total = _translate_again(article, tiny_marian_dir)
    assert (hits, reached) == (total, 0)
    assert _cached_rows() == total


@pytest.mark.parametrize("damage", [
    "truncated",
    pytest.param("random-bytes", marks=pytest.mark.slow),
    pytest.param("header-only", marks=pytest.mark.slow),
    pytest.param("a-folder", marks=pytest.mark.slow),
])
def test_a_damaged_cache_is_set_aside_and_rebuilt_with_one_warning(damage, tmp_path, tiny_marian_dir,
                                                                   monkeypatch, shared_embedder):
    from xlcompare import settings
    from xlcompare.translation.cache import DATABASE_NAME

    monkeypatch.chdir(tmp_path)
    article = _many_sentences(tmp_path / "a.txt", 3)
    args = ["translate", str(article), "--from", "hi", "--model", str(tiny_marian_dir), "--beams", "1",
            "--engine", "transformers", "-o", "out.json"]
    database = settings.translation_cache_dir() / DATABASE_NAME
    assert CliRunner().invoke(app, args).exit_code == 0
    sound = database.read_bytes()
    database.unlink()
    if damage == "truncated":
        database.write_bytes(sound[: len(sound) // 2])
    elif damage == "random-bytes":
        database.write_bytes(os.urandom(len(sound)))
    elif damage == "header-only":
        database.write_bytes(sound[:100])
    else:
        database.mkdir()
        (database / "x").write_text("x")

    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "damaged" in warnings[0] and "moved it aside" in warnings[0], result.stderr
    aside = [p for p in database.parent.glob(DATABASE_NAME + ".damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1
    assert database.is_file()

    again = CliRunner().invoke(app, args)  # rebuilt: no warning, everything from the cache
    assert again.exit_code == 0 and "warning" not in again.stderr, again.stderr
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert all(s["cached"] for s in doc["segments"] if s["translation"] is not None)


def test_a_cache_too_small_to_convert_the_model_is_said_without_verbose(tmp_path, tiny_marian_dir, monkeypatch):
    pytest.importorskip("ctranslate2", reason="needs the [fast] extra")
    from xlcompare.translation import convert

    def no_space(source, output, quantization):
        raise OSError(errno.ENOSPC, "No space left on device", str(output / "model.bin"))

    monkeypatch.setattr(convert, "convert_checkpoint", no_space)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(HI, encoding="utf-8")
    result = CliRunner().invoke(app, ["translate", "a.txt", "--model", str(tiny_marian_dir), "--beams", "1",
                                      "-o", "out.json"])
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    assert "slower transformers engine" in warnings[0] and "No space left on device" in warnings[0]
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["signature"]["engine"] == "transformers"


def _limited_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG

    return apply


@pytest.mark.slow
def test_a_full_disk_behind_stdout_or_a_report_is_one_line(tmp_path, default_embedder_model):
    # default_embedder_model: the session's converted embedding model exists, as it does for a
    # user after the first run, so this run does not start with the one-time conversion note.
    pytest.importorskip("sacrebleu")
    (tmp_path / "h.txt").write_text("The cat sat on the mat.\n" * 100, encoding="utf-8")
    (tmp_path / "r.txt").write_text("The cat sat on a mat.\n" * 100, encoding="utf-8")
    with open(tmp_path / "stdout.json", "wb") as stdout:
        run = subprocess.run(
            _command("evaluate", "--hyp", "h.txt", "--ref", "r.txt", "--format", "json"),
            cwd=tmp_path, env=_env(), stdout=stdout, stderr=subprocess.PIPE, text=True,
            preexec_fn=_limited_file_size(2000), timeout=300,
        )
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip() == "error: standard output: cannot write (File too large)", run.stderr

    (tmp_path / "a.txt").write_text(HI, encoding="utf-8")
    (tmp_path / "b.txt").write_text(FA, encoding="utf-8")
    run = subprocess.run(
        _command("compare", "a.txt", "b.txt", "--no-translate", "-o", "r.json"),
        cwd=tmp_path, env=_env(), capture_output=True, text=True,
        preexec_fn=_limited_file_size(1000), timeout=300,
    )
    assert run.returncode == 2, run.stderr
    # The embedder's caches (its converted model, the vectors) meet the same full disk first:
    # each says so once and the run goes on without it; the report cannot be written, which
    # ends the run.
    *before, last = run.stderr.strip().splitlines()
    assert last.startswith("error: r.json: cannot write (File too large)"), run.stderr
    assert all(line.startswith("warning:") for line in before), run.stderr
    assert sum("Embedding cache" in line for line in before) == 1, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "h.txt", "r.txt", "stdout.json"]
