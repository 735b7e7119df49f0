"""Spans of text: [start, end) offsets into one decoded string, trimmed of whitespace.

Every stage that cuts text (page-furniture lines, sentences, pre-split lines) keeps offsets into
the input and leaves only whitespace outside its spans, so the input can be rebuilt exactly.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

# Every line break Python's str.splitlines knows: text layout, where a sentence never continues.
ANY_LINE_BREAK = re.compile(r"[^\n\r\u2028\u2029\x0b\x0c\x1c-\x1e\x85]+")
# The line breaks of files (universal newlines, what `wc -l` counts): one pre-split line each.
FILE_LINE_BREAK = re.compile(r"[^\r\n]+")


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the whitespace at either end (empty: start == end)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def line_spans(text: str, lines: re.Pattern[str] = ANY_LINE_BREAK) -> Iterator[tuple[int, int]]:
    """[start, end) of each line of `text` (runs of `lines`) that is not blank, trimmed."""
    for match in lines.finditer(text):
        start, end = strip_span(text, *match.span())
        if end > start:
            yield start, end
