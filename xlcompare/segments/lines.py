"""Pre-split input: one segment per non-empty line (`--split lines`).

Aligners and parallel corpora exchange one sentence per line; such a file is segmented already,
and re-splitting it would break the line correspondence users rely on. A line here is what
Python's universal newlines and `wc -l` count: text between "\\n", "\\r\\n" or "\\r". Other
Unicode separators (U+2028, form feed, ...) stay inside their line: splitting at them would
give a file more segments than it has lines.

As everywhere, a segment is the line without its surrounding whitespace, and its offsets index
the decoded text, so segments and the whitespace between them reproduce the input exactly.
"""
from __future__ import annotations

import re

_LINE = re.compile(r"[^\r\n]+")


def segment_lines(text: str) -> list[tuple[int, int]]:
    """[start, end) of every line of `text` that is not blank, without surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
