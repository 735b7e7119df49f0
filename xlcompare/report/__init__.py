"""Report formats, found by name and imported only when used.

    from xlcompare.report import comparison_renderer
    html = comparison_renderer("html")(comparison)

`REPORTS` maps "<what>.<format>" to "module:function"; every function takes the result object
and returns the report as a str.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from xlcompare.errors import XlcompareError

REPORTS: dict[str, str] = {
    "comparison.html": "xlcompare.report.comparison_html:render",
    "comparison.md": "xlcompare.report.comparison_markdown:render",
    "comparison.json": "xlcompare.report.comparison_json:render",
    "translation.json": "xlcompare.report.translation_json:render",
    "translation.md": "xlcompare.report.translation_markdown:render",
    "translation.txt": "xlcompare.report.translation_text:render",
}


def get_renderer(name: str) -> Callable[[Any], str]:
    """The render function registered as `name` (e.g. "comparison.html")."""
    target = REPORTS.get(name)
    if target is None:
        known = ", ".join(sorted(REPORTS))
        raise XlcompareError(f"Unknown report format {name!r}; known formats: {known}.")
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def comparison_renderer(fmt: str) -> Callable[[Any], str]:
    """The comparison report renderer for `fmt`: "html", "md" or "json"."""
    return get_renderer(f"comparison.{fmt}")
