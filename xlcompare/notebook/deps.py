"""Optional dependencies of the notebook helpers (the `xlcompare[notebook]` extra).

pandas and matplotlib are imported here, on first use, never when xlcompare is imported: a
command-line run must not pay for them, and an install without the extra must still work.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from xlcompare.errors import MissingDependencyError, install_hint


def optional_import(module: str, feature: str) -> ModuleType:
    """`importlib.import_module(module)`, or MissingDependencyError naming `feature` and the fix."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.partition(".")[0]
        raise MissingDependencyError(
            f"{feature} needs {package}, which is not installed. Install the notebook extra: "
            f"{install_hint('notebook')}"
        ) from exc


def pandas() -> ModuleType:
    return optional_import("pandas", "This table (to_dataframe)")


def matplotlib_figure(feature: str = "Plotting") -> ModuleType:
    """`matplotlib.figure`: figures built from it need no pyplot, backend or global state."""
    return optional_import("matplotlib.figure", feature)
