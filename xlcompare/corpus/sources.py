"""Where a side's articles come from: a folder searched recursively, or a JSONL file.

A folder gives every .txt/.md/.html file below it (hidden files and folders skipped), each
identified by its path relative to the folder, in sorted order. A JSONL file gives one article
per line: an object with `id` and `text` or `html`, optionally `title`, `date`, `url`,
`language`. Listing reads every input once to hash it: the hash (with the settings) is what the
stage store files results under, so a rerun finds what it already did even if files moved.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlcompare.article.reader import SOURCE_FORMATS
from xlcompare.errors import InputError

JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSONL_FIELDS = ("id", "text", "html", "title", "date", "url", "language")


@dataclass(frozen=True)
class ArticleSource:
    """One input article, not read yet.

    `id` is how outputs name it: the path relative to the folder given, or the JSONL `id`.
    `location` is what messages show: the file's path, or "FILE:LINE" for a JSONL record.
    `record` holds a JSONL record's fields (None for a file). `digest` is the sha256 of the
    file's bytes or of the record's canonical JSON.
    """

    side: str
    id: str
    location: str
    digest: str
    source_format: str  # "text" | "markdown" | "html"
    path: str | None = None  # the file to read (folders)
    record: dict[str, Any] | None = None  # the JSONL record
    problem: str | None = None  # why it cannot be read at all (reported, never raised)

    def read_bytes(self) -> bytes:
        """The file's bytes, checked against the digest taken when it was listed."""
        if self.path is None:
            raise InputError(f"{self.location}: a JSONL record has no file to read")
        try:
            data = Path(self.path).read_bytes()
        except OSError as exc:
            raise InputError(f"{self.location}: cannot be read ({exc.strerror}); check it") from None
        if hashlib.sha256(data).hexdigest() != self.digest:
            raise InputError(f"{self.location}: changed while the corpus was being read; run again")
        return data


def list_sources(root: str | Path, side: str) -> list[ArticleSource]:
    """Every article of one side: `root` is a folder or a .jsonl file."""
    path = Path(root)
    if path.is_dir():
        return list(_folder(path, side))
    if path.is_file() and path.suffix.lower() in JSONL_SUFFIXES:
        return list(_jsonl(path, side))
    if path.is_file():
        raise InputError(
            f"{root}: give a folder of articles (.txt, .md, .html) or a JSONL file (.jsonl) "
            "with one article per line"
        )
    raise InputError(f"{root}: no such folder or file; check the path")


def _folder(root: Path, side: str) -> Iterator[ArticleSource]:
    files = sorted(
        p for p in root.rglob("*")
        if p.suffix.lower() in SOURCE_FORMATS
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and p.is_file()
    )
    for file in files:
        relative = file.relative_to(root).as_posix()
        location = str(file)
        try:
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
            problem = None
        except OSError as exc:
            digest, problem = "", f"{location}: cannot be read ({exc.strerror}); check it"
        yield ArticleSource(
            side=side, id=relative, location=location, digest=digest,
            source_format=SOURCE_FORMATS[file.suffix.lower()], path=str(file), problem=problem,
        )


def _jsonl(path: Path, side: str) -> Iterator[ArticleSource]:
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); check it") from None
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        location = f"{path}:{number}"
        record, problem = _parse_record(raw, location)
        article_id = str(record.get("id", "")) if record else ""
        if record is not None and not problem:
            if article_id in seen:
                problem = (f"{location}: id {article_id!r} was already used on line "
                           f"{seen[article_id]}; give every article its own id")
            seen.setdefault(article_id, number)
        if not article_id:
            article_id = f"line-{number}"
        canonical = json.dumps(record, sort_keys=True, ensure_ascii=False) if record else ""
        yield ArticleSource(
            side=side, id=article_id, location=location,
            digest=hashlib.sha256(canonical.encode("utf-8") if record else raw).hexdigest(),
            source_format="html" if record and record.get("html") is not None else "text",
            record=record, problem=problem,
        )


def _parse_record(raw: bytes, location: str) -> tuple[dict[str, Any] | None, str | None]:
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return None, f"{location}: not UTF-8 (byte {exc.start}); JSONL must be UTF-8"
    except ValueError as exc:
        return None, f"{location}: not a JSON object ({exc.msg}); one article per line"
    if not isinstance(record, dict):
        return None, f"{location}: not a JSON object; one article per line"
    record = {key: record[key] for key in JSONL_FIELDS if key in record}
    if record.get("id") in (None, ""):
        return record, f"{location}: no `id`; give every article an id"
    if not isinstance(record.get("id"), (str, int)):
        return record, f"{location}: `id` must be a string or a number"
    body = record.get("text") if record.get("text") is not None else record.get("html")
    if not isinstance(body, str):
        return record, f"{location}: no `text` (or `html`) string; give the article's text"
    for key in ("title", "date", "url", "language"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return record, f"{location}: `{key}` must be a string"
    return record, None
