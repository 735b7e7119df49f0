"""A per-segment disk cache that wraps any translation engine.

`TranslationCache(engine)` is itself a `TranslationEngine`: texts it has translated before
with the same model and settings come from disk, only the others reach the engine. A rerun over
the same articles therefore translates nothing.

Key: sha256 of the engine's signature without the fields that change how fast a translation
is made but not what it says (device, precision on that device, batch size, library versions),
plus source language, target language and the exact source text. Model id and revision are in
the signature, so a new checkpoint or new generation settings (beams, length penalty, maximum
length) never reuse old translations. Engines whose precision changes the output by design
(e.g. int8 quantisation) must name it in a field not listed in VOLATILE_SIGNATURE_FIELDS.

Storage: one SQLite database in WAL mode, so concurrent runs can read and write it; it is
created at the first write, never at import or lookup. A database that turns out damaged
(truncated, overwritten, a folder in its place) is moved aside once, with one warning, and a
new one is started; a cache that cannot be used at all (a read-only disk) costs one warning,
then the run translates without it.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from xlcompare import settings
from xlcompare.locks import exclusive
from xlcompare.translation.engine import EngineOutput, TranslationEngine

log = logging.getLogger(__name__)

DATABASE_NAME = "translations.sqlite3"
VOLATILE_SIGNATURE_FIELDS = frozenset(
    {
        "device",
        "dtype",
        "batch_tokens",
        "max_input_tokens",
        "preset",
        "threads",
        "timings",
        "transformers",
        "torch",
        "ctranslate2",
    }
)
_SQLITE_MAX_VARIABLES = 500
_BUSY_TIMEOUT_MS = 30_000
# SQLite's messages for a file that is not (or no longer) a sound database of ours.
_DAMAGE_MESSAGES = ("not a database", "malformed", "no such column", "unable to open database file")
_T = TypeVar("_T")


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class TranslationCache:
    """Caches `engine`'s translations under `directory` (default: the xlcompare cache dir,
    `settings.translation_cache_dir()`)."""

    def __init__(self, engine: TranslationEngine, directory: Path | None = None) -> None:
        self.inner = engine
        self.directory = Path(directory) if directory is not None else None
        self.stats = CacheStats()
        self.name = engine.name
        self._unusable = False  # after one warning, the run goes on without the cache

    # --- the TranslationEngine protocol: delegated ---------------------------------------

    @property
    def max_input_tokens(self) -> int:
        return self.inner.max_input_tokens

    def count_tokens(self, text: str, source_lang: str) -> int:
        return self.inner.count_tokens(text, source_lang)

    def signature(self) -> dict[str, Any]:
        return self.inner.signature()

    def translate_batch(
        self, texts: list[str], source_lang: str, target_lang: str = "en"
    ) -> list[EngineOutput]:
        if not texts:
            return []
        prefix = self._key_prefix(source_lang, target_lang)
        keys = [_key(prefix, text) for text in texts]
        found = self._lookup(set(keys))
        # Identical texts in one batch (repeated boilerplate lines) are translated once.
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts):
            if key not in found and key not in missing:
                missing[key] = text
        fresh: dict[str, EngineOutput] = {}
        if missing:
            outputs = self.inner.translate_batch(list(missing.values()), source_lang, target_lang)
            fresh = dict(zip(missing.keys(), outputs))
            self._store(fresh)
        results = []
        for key in keys:
            if key in found:
                self.stats.hits += 1
                results.append(found[key])
            else:
                self.stats.misses += 1
                results.append(fresh[key])
        return results

    # --- keys and storage ----------------------------------------------------------------

    @property
    def path(self) -> Path:
        directory = self.directory if self.directory is not None else settings.translation_cache_dir()
        return directory / DATABASE_NAME

    def key_settings(self) -> dict[str, Any]:
        """The part of the engine's signature that decides what a translation says."""
        return {k: v for k, v in self.inner.signature().items() if k not in VOLATILE_SIGNATURE_FIELDS}

    def key(self, text: str, source_lang: str, target_lang: str = "en") -> str:
        return _key(self._key_prefix(source_lang, target_lang), text)

    def _key_prefix(self, source_lang: str, target_lang: str) -> bytes:
        header = {"settings": self.key_settings(), "source_lang": source_lang, "target_lang": target_lang}
        return json.dumps(header, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")

    def _lookup(self, keys: set[str]) -> dict[str, EngineOutput]:
        path = self.path
        if not keys or self._unusable or not os.path.lexists(path):
            return {}
        ordered = sorted(keys)

        def select() -> dict[str, EngineOutput]:
            found: dict[str, EngineOutput] = {}
            with _connect(path) as connection:
                for start in range(0, len(ordered), _SQLITE_MAX_VARIABLES):
                    chunk = ordered[start : start + _SQLITE_MAX_VARIABLES]
                    marks = ",".join("?" * len(chunk))
                    rows = connection.execute(
                        f"SELECT key, text, hit_max_length, output_tokens FROM translations WHERE key IN ({marks})",
                        chunk,
                    )
                    for key, text, hit, tokens in rows:
                        found[key] = EngineOutput(
                            text=text, hit_max_length=bool(hit), output_tokens=int(tokens), cached=True
                        )
            return found

        return self._guarded(select, {})

    def _store(self, outputs: dict[str, EngineOutput]) -> None:
        if self._unusable:
            return
        path = self.path
        model = str(self.inner.signature().get("model", ""))
        now = time.time()
        rows = [(k, o.text, int(o.hit_max_length), o.output_tokens, model, now) for k, o in outputs.items()]

        def insert() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with _connect(path) as connection:
                connection.executemany(
                    "INSERT OR REPLACE INTO translations "
                    "(key, text, hit_max_length, output_tokens, model, created) VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )

        self._guarded(insert, None)

    def _guarded(self, operation: Callable[[], _T], fallback: _T) -> _T:
        """Run a database operation. A damaged database is moved aside and the operation
        retried once on a new one; any other failure disables the cache for this run. Either
        way the user gets one warning, not one per batch."""
        path = self.path
        try:
            return operation()
        except (sqlite3.Error, OSError) as exc:
            if not _damaged(path, exc):
                self._give_up(f"Translation cache {path} cannot be used ({_reason(exc)}); translating without it.")
                return fallback
            try:
                aside = _set_aside(path)
            except OSError as move_error:
                self._give_up(
                    f"Translation cache {path} is damaged ({_reason(exc)}) and cannot be moved "
                    f"aside ({_reason(move_error)}); translating without it. Delete it to start anew."
                )
                return fallback
            if aside is not None:
                log.warning(
                    "Translation cache %s was damaged (%s); moved it aside to %s and started a new one.",
                    path, _reason(exc), aside.name,
                )
        try:
            return operation()
        except (sqlite3.Error, OSError) as exc:
            self._give_up(f"Translation cache {path} cannot be used ({_reason(exc)}); translating without it.")
            return fallback

    def _give_up(self, message: str) -> None:
        self._unusable = True
        log.warning(message)


def _reason(exc: BaseException) -> str:
    return (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).strip()


def _damaged(path: Path, exc: BaseException) -> bool:
    """True when `exc` says the database file itself is unsound (not a lock, not the disk)."""
    if os.path.lexists(path) and not path.is_file():
        return True  # a folder (or anything else) where the database should be
    return isinstance(exc, sqlite3.DatabaseError) and any(m in str(exc) for m in _DAMAGE_MESSAGES) and path.is_file()


def _set_aside(path: Path) -> Path | None:
    """Move a damaged database (and its WAL and shared-memory files) out of the way; None
    when another process already did (the database at `path` is then a new one)."""
    with exclusive(path.with_name(path.name + ".lock")):
        if not os.path.lexists(path):
            return None
        try:
            with _connect(path) as connection:
                connection.execute("SELECT count(*) FROM translations").fetchone()
            return None  # sound now: another process replaced it while this one waited
        except (sqlite3.Error, OSError):
            pass
        aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        os.replace(path, aside)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.replace(path.with_name(path.name + suffix), aside.with_name(aside.name + suffix))
        return aside


def _key(prefix: bytes, text: str) -> str:
    digest = hashlib.sha256(prefix)
    digest.update(b"\x00")
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()


class _connect:
    """A short-lived connection: opened per batch so that concurrent processes interleave."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        self.connection = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000)
        self.connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS translations ("
            "key TEXT PRIMARY KEY, text TEXT NOT NULL, hit_max_length INTEGER NOT NULL, "
            "output_tokens INTEGER NOT NULL, model TEXT, created REAL)"
        )
        return self.connection

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        try:
            if exc_type is None:
                self.connection.commit()
        finally:
            self.connection.close()
