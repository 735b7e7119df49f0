"""Views of the data models (Jupyter's HTML, pandas tables), found by name.

A reader expects `comparison.to_dataframe()` and an inline view in Jupyter, so the models
offer `_repr_html_` and `to_dataframe`. But the code that draws them (report/, notebook/)
depends on the models, and the models must not depend on it. So a model asks this registry
for a view by name; `xlcompare/__init__.py`, which sits above every layer, registers where
each view lives (as "module:function", imported only when a view is first asked for).
"""
from __future__ import annotations

import importlib
from typing import Any

_VIEWS: dict[tuple[str, str], str] = {}


def register(kind: str, view: str, target: str) -> None:
    """`target` ("module:function") draws `view` ("html", "dataframe") of objects of `kind`
    (a class name, e.g. "Comparison"); the function takes the object first."""
    _VIEWS[(kind, view)] = target


def show(obj: Any, view: str, *args: Any, **kwargs: Any) -> Any:
    """The `view` of `obj`, drawn by the function registered for its class."""
    kind = type(obj).__name__
    target = _VIEWS.get((kind, view))
    if target is None:
        raise LookupError(f"no {view!r} view is registered for {kind}")
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)(obj, *args, **kwargs)
