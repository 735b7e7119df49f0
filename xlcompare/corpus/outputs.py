"""A corpus run's outputs in OUTDIR, schema "xlcompare.corpus/1", written all at once.

    OUTDIR/
      matches.jsonl    one JSON object per matched pair (below), story by story
      corpus.json      every article of both sides, the matches, the stories, the settings
      index.html       self-contained page: the stories, unmatched and bad articles
      pairs/NAME.html  each matched pair compared, exactly as `xlcompare compare` writes it
      pairs/NAME.json  (NAME: both ids made file-safe, plus a hash of the two)
      cache/           the stage store (xlcompare.corpus.store); delete it to start afresh

All files but cache/ are written in one step (each to a temporary file, then all renamed), so
OUTDIR holds either the previous run's outputs or this run's, never a mixture or a half-written
file. Reports of pairs no longer matched are removed afterwards.

matches.jsonl, one object per line (keys marked * may be extended in a later minor version;
readers must ignore keys they do not know; a change that breaks readers bumps the schema)::

    {"left": str, "right": str,          # article ids: the path relative to the folder
                                         # given (e.g. "2024/07/a.html"), or the JSONL "id"
     "score": float,                     # share of the shorter article's sentences linked
                                         # to the other, 0..1
     "shared_left": int,                 # left sentences linked to the right article
     "shared_right": int,                # right sentences linked to the left article
     "left_sentences": int,              # content sentences (page furniture excluded)
     "right_sentences": int,
     "mean_margin": float,               # mean ratio margin of the sentence links
     "left_title": str | null, "right_title": str | null,
     "left_title_en": str | null, "right_title_en": str | null,   # when translated
     "left_date": str | null, "right_date": str | null,           # YYYY-MM-DD
     "story": int,                       # index into corpus.json "stories"
     "report": str | null,               # "pairs/NAME.html", relative to OUTDIR
     "report_json": str | null}          # "pairs/NAME.json" (schema xlcompare.comparison/1)

corpus.json::

    {"schema": "xlcompare.corpus/1",
     "left": {"input": str,              # LEFT as given ("right": the same for RIGHT)
              "articles": [{"id": str, "path": str,     # path: the file, or FILE:LINE
                            "sha256": str,              # of the input bytes / JSONL record
                            "language": str | null, "title": str | null,
                            "title_en": str | null, "date": str | null, "url": str | null,
                            "segments": int,            # all segments, furniture included
                            "sentences": int,           # content sentences matched on
                            "warnings": [str],
                            "error": str | null}]},     # a bad article: why it was left out
     "right": {...same...},
     "matches": [...the objects of matches.jsonl...],
     "stories": [{"id": int, "left": [str], "right": [str],   # article ids
                  "matches": [int]}],                          # indices into "matches"
     "unmatched": {"left": [str], "right": [str]},   # readable articles in no match
     "errors": [{"side": str, "id": str, "path": str, "error": str}],
     "settings": {...},                  # translate, model, embedder, split, max_days, ... *
     "signature": {...}}                 # embedder, matching parameters, version, string *
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

from xlcompare.corpus.model import CorpusResult, PairMatch
from xlcompare.corpus.store import StageStore

PAIRS_DIR = "pairs"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def pair_name(match: PairMatch) -> str:
    """A file name for the pair: readable where the ids are, unique through a hash."""
    digest = hashlib.sha256(f"{match.left.id}\0{match.right.id}".encode("utf-8")).hexdigest()[:10]
    parts = []
    for article_id in (match.left.id, match.right.id):
        stem = article_id.rsplit(".", 1)[0] if "." in article_id.rsplit("/", 1)[-1] else article_id
        parts.append(_UNSAFE.sub("_", stem).strip("._")[:48] or "article")
    return f"{parts[0]}--{parts[1]}-{digest}"


def assign_report_paths(result: CorpusResult) -> None:
    for match in result.matches:
        name = pair_name(match)
        match.report = f"{PAIRS_DIR}/{name}.html"
        match.report_json = f"{PAIRS_DIR}/{name}.json"


def render_matches(result: CorpusResult) -> str:
    return "".join(json.dumps(m.to_dict(), ensure_ascii=False) + "\n" for m in result.matches)


def render_corpus(result: CorpusResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


def write_outputs(
    result: CorpusResult, outdir: Path, store: StageStore, pair_keys: list[str] | None
) -> list[Path]:
    """Write everything (atomically, see the module docstring); returns the paths written."""
    from xlcompare.corpus.index_html import render_page
    from xlcompare.report import atomic

    def files() -> Iterator[tuple[Path, str]]:
        yield outdir / "matches.jsonl", render_matches(result)
        yield outdir / "corpus.json", render_corpus(result)
        yield outdir / "index.html", render_page(result)
        for match, key in zip(result.matches, pair_keys or []):
            for ext, relative in (("html", match.report), ("json", match.report_json)):
                text = store.get_text("pair", key, ext)
                if text is None or relative is None:
                    raise RuntimeError(f"the report of {match.left.id} / {match.right.id} is "
                                       f"missing from {store.root}; run again")
                yield outdir / relative, text

    written = atomic.write_files_atomically(files())
    current = {path.name for path in written}
    pairs = outdir / PAIRS_DIR
    if pairs.is_dir():
        for stale in pairs.iterdir():
            if stale.is_file() and stale.suffix in (".html", ".json") and stale.name not in current:
                stale.unlink()
    return written
