"""The FLORES-101 dev benchmark kept beside the checkout, in `../shared/data/flores101-dev`.

The data is external (CC-BY-SA-4.0 text, MPL-2.0 system outputs) and is never copied into the
repository; this module only finds it and names what is in it:

    flores101-dev/dev.{hi,fa,en}                   multi-way parallel sources and English reference
    flores101-dev/outputs-{hi,fa}-en/<system>.en   other systems' English outputs, line-aligned
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlcompare.errors import InputError

FLORES_DIRNAME = "flores101-dev"
# Overrides the search below, e.g. in CI where the data lives elsewhere.
ENV_DATA_DIR = "XLCOMPARE_SHARED_DATA"

# File stem -> the name the published score table uses (../shared/data/README.md).
SYSTEM_LABELS: dict[str, str] = {
    "google": "google",
    "microsoft": "microsoft",
    "nllb": "nllb-200-distilled-600M",
    "bergamot-tiny": "bergamot-tiny",
    "argos": "argos",
    "opusmt": "opus-mt-hi-en",
}


@dataclass(frozen=True)
class FloresSystem:
    """One system's English output for one source language."""

    source_lang: str  # "hi" or "fa"
    name: str  # file stem, e.g. "nllb"
    path: Path

    @property
    def pair(self) -> str:
        return f"{self.source_lang}-en"

    @property
    def label(self) -> str:
        return SYSTEM_LABELS.get(self.name, self.name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pair": self.pair,
            "source_lang": self.source_lang,
            "name": self.name,
            "label": self.label,
            "path": str(self.path),
        }


def _candidate_roots() -> list[Path]:
    """Folders that may hold `shared/data`: the checkout's parent and the working directory's."""
    here = Path(__file__).resolve()
    repo_root = here.parents[2]  # xlcompare/evaluation/flores.py -> checkout root
    cwd = Path.cwd().resolve()
    roots = [repo_root.parent, cwd.parent, cwd]
    seen: list[Path] = []
    for root in roots:
        if root not in seen:
            seen.append(root)
    return seen


def find_flores_dir(data_dir: str | Path | None = None) -> Path | None:
    """The `flores101-dev` folder, or None when it is not there.

    `data_dir` (or $XLCOMPARE_SHARED_DATA) is the `shared/data` folder or the
    `flores101-dev` folder itself; without either, `../shared/data` beside the checkout and
    beside the working directory are tried.
    """
    explicit = data_dir if data_dir is not None else os.environ.get(ENV_DATA_DIR)
    if explicit:
        base = Path(explicit).expanduser()
        candidates = [base, base / FLORES_DIRNAME]
    else:
        candidates = [root / "shared" / "data" / FLORES_DIRNAME for root in _candidate_roots()]
    for candidate in candidates:
        if (candidate / "dev.en").is_file():
            return candidate
    return None


def flores_dir(data_dir: str | Path | None = None) -> Path:
    """Like `find_flores_dir`, but raises InputError saying where it looked."""
    found = find_flores_dir(data_dir)
    if found is None:
        where = data_dir or os.environ.get(ENV_DATA_DIR) or "../shared/data"
        raise InputError(
            f"FLORES-101 dev data not found under {where} (looked for {FLORES_DIRNAME}/dev.en). "
            f"Put the shared data beside the checkout or set {ENV_DATA_DIR}=/path/to/shared/data."
        )
    return found


def source_path(root: Path, source_lang: str) -> Path:
    path = root / f"dev.{source_lang}"
    if not path.is_file():
        raise InputError(f"{path}: no FLORES source file for language {source_lang!r}.")
    return path


def reference_path(root: Path) -> Path:
    return root / "dev.en"


def list_systems(root: Path, source_lang: str | None = None) -> list[FloresSystem]:
    """Every `outputs-xx-en/<system>.en` under `root`, sorted by language then name."""
    systems = []
    for folder in sorted(root.glob("outputs-*-en")):
        lang = folder.name.removeprefix("outputs-").removesuffix("-en")
        if source_lang is not None and lang != source_lang:
            continue
        for path in sorted(folder.glob("*.en")):
            systems.append(FloresSystem(source_lang=lang, name=path.stem, path=path))
    return systems
