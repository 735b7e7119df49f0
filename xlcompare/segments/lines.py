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

from xlcompare.lang.spans import FILE_LINE_BREAK, line_spans


def segment_lines(text: str) -> list[tuple[int, int]]:
    """[start, end) of every line of `text` that is not blank, without surrounding whitespace."""
    return list(line_spans(text, FILE_LINE_BREAK))
