"""The stage store: per-article work filed by content hash and settings, so runs resume.

Every stage result (an article read and segmented, its translations, its sentence vectors, the
comparison of a matched pair) is one file under `root/<stage>/<key[:2]>/<key>.<ext>`, where the
key is the sha256 of what the result depends on: the input's digest and the settings that change
the result. A rerun after a crash, or after files were added, finds every finished result and
redoes only what is missing. Each file is written to a temporary name and renamed into place,
so a run killed at any moment leaves whole files or none; a file that cannot be read back is
treated as missing and recomputed.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from xlcompare.errors import OutputError

log = logging.getLogger(__name__)


def stage_key(stage: str, *parts: Any) -> str:
    """sha256 of the stage name and `parts` (anything JSON can write, in canonical form)."""
    payload = json.dumps([stage, *parts], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class StageStore:
    """Stage results under `root` (created on the first write, never on a read)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.hits: Counter[str] = Counter()
        self.writes: Counter[str] = Counter()

    def path(self, stage: str, key: str, ext: str) -> Path:
        return self.root / stage / key[:2] / f"{key}.{ext}"

    def has(self, stage: str, key: str, ext: str) -> bool:
        return self.path(stage, key, ext).is_file()

    # -- JSON documents ----------------------------------------------------------------
    def get_json(self, stage: str, key: str) -> dict[str, Any] | None:
        raw = self._read(stage, key, "json")
        if raw is None:
            return None
        try:
            value = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            log.warning("stage store: %s is damaged; recomputing it", self.path(stage, key, "json"))
            return None
        self.hits[stage] += 1
        return value

    def put_json(self, stage: str, key: str, value: dict[str, Any]) -> None:
        data = json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")
        self._write(stage, key, "json", data)

    # -- arrays ------------------------------------------------------------------------
    def get_arrays(self, stage: str, key: str) -> dict[str, np.ndarray] | None:
        raw = self._read(stage, key, "npz")
        if raw is None:
            return None
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
        except (OSError, ValueError, EOFError):
            log.warning("stage store: %s is damaged; recomputing it", self.path(stage, key, "npz"))
            return None
        self.hits[stage] += 1
        return arrays

    def put_arrays(self, stage: str, key: str, arrays: dict[str, np.ndarray]) -> None:
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        self._write(stage, key, "npz", buffer.getvalue())

    # -- text --------------------------------------------------------------------------
    def get_text(self, stage: str, key: str, ext: str) -> str | None:
        raw = self._read(stage, key, ext)
        if raw is None:
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        self.hits[stage] += 1
        return text

    def put_text(self, stage: str, key: str, ext: str, text: str) -> None:
        self._write(stage, key, ext, text.encode("utf-8"))

    # -- files -------------------------------------------------------------------------
    def _read(self, stage: str, key: str, ext: str) -> bytes | None:
        try:
            return self.path(stage, key, ext).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("stage store: cannot read %s (%s); recomputing it",
                        self.path(stage, key, ext), exc.strerror)
            return None

    def _write(self, stage: str, key: str, ext: str, data: bytes) -> None:
        # Bytes, not text, so `report.atomic` (text only) does not fit; same temp-then-rename.
        target = self.path(stage, key, ext)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise OutputError(
                f"{self.root}: cannot keep the stage store here ({exc.strerror}); choose another --out"
            ) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        self.writes[stage] += 1
