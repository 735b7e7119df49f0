"""A cache of sentence vectors keyed by embedder and text, as a wrapper around any embedder.

Aligning the same article against several others, re-running a notebook cell or a comparison,
or a benchmark whose cases share documents embeds the same sentences again and again; the
wrapper embeds each distinct text once per run (in memory) and, given a directory, once ever
(on disk). It is a wrapper (like `TranslationCache`), not a flag inside embedders, and it
counts what it saw (`EmbeddingStats`), so the work of any aligner can be measured.

Disk store: one SQLite database in WAL mode (concurrent processes read and write it; writers
wait for each other, each write is one short transaction). Key: sha256 of the embedder's signature and the text, so
another model, backend, version or quantisation never reuses a vector. A row that does not
decode to a finite vector of the right size is a miss; a file that is not a database is moved
aside and the run continues without it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xlcompare.alignment.embedders.base import Embedder

log = logging.getLogger(__name__)

DATABASE_NAME = "vectors.sqlite3"
# Texts sent to the inner embedder per call: a long job reports progress between chunks, and
# a chunk is still large enough for length-sorted batches.
CHUNK_TEXTS = 256
_SQLITE_MAX_VARIABLES = 500
_BUSY_TIMEOUT_MS = 30_000


@dataclass
class EmbeddingStats:
    """What a `CachedEmbedder` was asked for and what it had to compute."""

    calls: int = 0  # embed() calls
    requested: int = 0  # texts asked for, repeats included
    memory_hits: int = 0  # answered from this run's memory (repeats included)
    disk_hits: int = 0  # answered from the disk store
    embedded: int = 0  # distinct texts the inner embedder computed
    seconds: float = 0.0  # spent in the inner embedder

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 4)
        return data


class CachedEmbedder:
    """Wraps `inner`; remembers up to `max_entries` vectors in memory (least recently used
    dropped) and, with `directory`, every vector on disk under it.

    `progress(stats)` is called after each chunk the inner embedder computes.
    """

    def __init__(
        self,
        inner: Embedder,
        *,
        max_entries: int = 200_000,
        directory: Path | str | None = None,
        progress: Callable[[EmbeddingStats], None] | None = None,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_entries = max_entries
        self.directory = Path(directory) if directory is not None else None
        self.progress = progress
        self.stats = EmbeddingStats()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._key_prefix: bytes | None = None
        self._loading = False
        self._store = _VectorStore(self.directory / DATABASE_NAME) if self.directory is not None else None

    def embed(self, texts: list[str]) -> np.ndarray:
        stats = self.stats
        stats.calls += 1
        stats.requested += len(texts)
        if not texts:
            return self.inner.embed([])
        rows: dict[str, np.ndarray] = {}
        missing: list[str] = []
        for text in dict.fromkeys(texts):
            vector = self._vectors.get(text)
            if vector is None:
                missing.append(text)
            else:
                rows[text] = vector
                self._vectors.move_to_end(text)
        from_disk = 0
        if missing and self.directory is not None:
            found = self._read(missing)
            from_disk = len(found)
            rows.update(found)
            self._remember(found)
            missing = [t for t in missing if t not in found]
        # requested = memory hits + disk hits + embedded; a repeat within a call is a memory hit.
        stats.disk_hits += from_disk
        stats.memory_hits += len(texts) - from_disk - len(missing)
        for start in range(0, len(missing), CHUNK_TEXTS):
            chunk = missing[start : start + CHUNK_TEXTS]
            began = time.perf_counter()
            fresh = np.asarray(self.inner.embed(chunk), dtype=np.float32)
            stats.seconds += time.perf_counter() - began
            stats.embedded += len(chunk)
            computed = dict(zip(chunk, fresh))
            rows.update(computed)
            self._remember(computed)
            if self.directory is not None:
                self._write(computed)
            if self.progress is not None:
                self.progress(stats)
        return np.stack([rows[t] for t in texts]).astype(np.float32, copy=False)

    def holds(self, texts: list[str]) -> bool:
        """Whether every one of `texts` has its vector here, in memory or on disk (a lookup,
        nothing is counted or loaded)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if not missing:
            return True
        if self._store is None:
            return False
        return len(self._read(missing)) == len(missing)

    def start_loading(self, texts: list[str] | None = None) -> bool:
        """Start loading the inner embedder's model in the background (when it can) unless
        every one of `texts` is already held here, so that the work a caller does next
        overlaps the load; with no `texts`, whatever is held. Returns whether it started."""
        start = getattr(self.inner, "start_loading", None)
        if start is None or self._loading or (texts is not None and self.holds(texts)):
            return False
        start()
        self._loading = True
        return True

    def signature(self) -> dict[str, Any]:
        # The cache does not change a single number, so it is invisible in the signature.
        return self.inner.signature()

    def __len__(self) -> int:
        return len(self._vectors)

    def _remember(self, vectors: dict[str, np.ndarray]) -> None:
        for text, vector in vectors.items():
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
        while len(self._vectors) > self.max_entries:
            self._vectors.popitem(last=False)

    # --- the disk store -------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        return None if self.directory is None else self.directory / DATABASE_NAME

    def key(self, text: str) -> str:
        if self._key_prefix is None:
            header = json.dumps(self.inner.signature(), sort_keys=True, ensure_ascii=False, default=str)
            self._key_prefix = header.encode("utf-8") + b"\x00"
        return hashlib.sha256(self._key_prefix + text.encode("utf-8", "surrogatepass")).hexdigest()

    def _read(self, texts: list[str]) -> dict[str, np.ndarray]:
        if self._store is None:
            return {}
        text_of = {self.key(t): t for t in texts}
        found = {text_of[key]: vector for key, vector in self._store.read(list(text_of)).items()}
        sizes = {v.shape[0] for v in found.values()}
        if len(sizes) > 1:  # vectors of another size under this signature: trust none
            log.warning("Embedding cache %s holds vectors of sizes %s; ignoring them.", self.path, sorted(sizes))
            return {}
        return found

    def _write(self, vectors: dict[str, np.ndarray]) -> None:
        if self._store is not None and vectors:
            self._store.write({self.key(t): v for t, v in vectors.items()})

    def close(self) -> None:
        """Close the disk store's connection (it also closes when the wrapper is collected)."""
        if self._store is not None:
            self._store.close()


class _VectorStore:
    """The SQLite file: one connection, opened at first use and kept, since closing the last
    connection to a WAL database checkpoints it (0.1 s a time, measured on the seeds, where
    one comparison makes 7 writes). Commits do not wait for the disk (synchronous=NORMAL): a
    power cut may lose the last vectors written, never corrupt the file, and a lost vector is
    only computed again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._lock = threading.Lock()
        # Set after a failure that is not the file's fault (a full disk, a lock held too long):
        # the run goes on without the store, and says so once, not at every read and write.
        self._unavailable = False

    def _give_up(self, doing: str, exc: BaseException) -> None:
        log.warning("Embedding cache %s: could not %s (%s); embedding without it for this run.", self.path, doing, exc)
        self._unavailable = True

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._pid != os.getpid():
            # A forked child must not use its parent's connection (SQLite forbids it): open
            # its own, and leave the parent's alone.
            self._connection, self._pid = None, os.getpid()
        if self._connection is None:
            if not create and not self.path.is_file():
                return None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            try:
                connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA synchronous = NORMAL")
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL, created REAL)"
                )
                connection.commit()
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def read(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        ordered = sorted(keys)
        with self._lock:
            if self._unavailable:
                return found
            try:
                connection = self._connect(create=False)
                if connection is None:
                    return {}
                for start in range(0, len(ordered), _SQLITE_MAX_VARIABLES):
                    chunk = ordered[start : start + _SQLITE_MAX_VARIABLES]
                    marks = ",".join("?" * len(chunk))
                    query = f"SELECT key, vector FROM vectors WHERE key IN ({marks})"
                    for key, blob in connection.execute(query, chunk):
                        vector = _decode(blob)
                        if vector is not None:
                            found[key] = vector
            except sqlite3.OperationalError as exc:  # locked for too long, disk I/O: not fatal
                self._give_up("read it", exc)
                return {}
            except sqlite3.DatabaseError as exc:
                self._quarantine(exc)
                return {}
        return found

    def write(self, vectors: dict[str, np.ndarray]) -> None:
        now = time.time()
        rows = [(key, np.ascontiguousarray(v, dtype="<f4").tobytes(), now) for key, v in vectors.items()]
        with self._lock:
            if self._unavailable:
                return
            try:
                connection = self._connect(create=True)
                assert connection is not None
                with connection:  # one transaction, committed or rolled back
                    connection.executemany(
                        "INSERT OR REPLACE INTO vectors (key, vector, created) VALUES (?, ?, ?)", rows
                    )
            except sqlite3.OperationalError as exc:
                self._give_up("write it", exc)
            except sqlite3.DatabaseError as exc:
                self._quarantine(exc)
            except OSError as exc:
                self._give_up("write it", exc)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finaliser
            pass

    def _quarantine(self, exc: Exception) -> None:
        """Move a damaged database aside (kept for inspection); the next write starts anew.
        Called with the lock held."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        path = self.path
        aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
        try:
            path.replace(aside)
            for suffix in ("-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            log.warning("Embedding cache %s is damaged (%s); moved it to %s and started a new one.", path, exc, aside)
        except OSError as move_error:
            log.warning("Embedding cache %s is damaged (%s) and could not be moved (%s).", path, exc, move_error)


def _decode(blob: Any) -> np.ndarray | None:
    if not isinstance(blob, bytes) or not blob or len(blob) % 4:
        return None
    vector = np.frombuffer(blob, dtype="<f4").astype(np.float32)
    if not np.all(np.isfinite(vector)) or abs(float(vector @ vector) - 1.0) > 1e-3:
        return None
    return vector
