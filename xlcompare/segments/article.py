"""An article's segments, by sentences (the default) or by lines (pre-split input)."""
from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import TYPE_CHECKING

from xlcompare.errors import SegmentationError
from xlcompare.segments.lines import segment_lines
from xlcompare.segments.model import Segment
from xlcompare.lang.spans import strip_span
from xlcompare.segments.sentences import segment_sentences

if TYPE_CHECKING:
    from xlcompare.article.model import Article

# Split mode -> splitter id recorded in signatures. An id is bumped whenever its splitter
# changes behaviour, so results (and caches keyed on them) can be told apart.
SPLITTERS = {"sentences": "xlc-sentences/2", "lines": "xlc-lines/1"}
DEFAULT_SPLIT = "sentences"


def splitter_id(split: str = DEFAULT_SPLIT) -> str:
    """The signature id of a split mode; raises SegmentationError for an unknown mode."""
    try:
        return SPLITTERS[split]
    except (KeyError, TypeError):
        raise SegmentationError(
            f"unknown split mode {split!r}; use one of: {', '.join(SPLITTERS)}"
        ) from None


def _split_at(text: str, span: tuple[int, int], cuts: list[int]) -> Iterator[tuple[int, int]]:
    """Split a span at every cut strictly inside it, re-stripping the pieces."""
    start, end = span
    first = bisect.bisect_right(cuts, start)
    last = bisect.bisect_left(cuts, end)
    piece_start = start
    for cut in cuts[first:last]:
        s, e = strip_span(text, piece_start, cut)
        if e > s:
            yield s, e
        piece_start = cut
    s, e = strip_span(text, piece_start, end)
    if e > s:
        yield s, e


def segment_article(article: Article, *, split: str = DEFAULT_SPLIT) -> list[Segment]:
    """The article's segments with ids 0..n-1 in text order.

    split="sentences": sentences (`segment_sentences`); a segment never crosses a block
    boundary and is boilerplate exactly when its block is.
    split="lines": every non-blank line is one segment, exactly (`segment_lines`), even where
    a block boundary falls inside it; it is boilerplate when mostly inside boilerplate blocks.
    Either way, text outside every block is still segmented: nothing is lost.
    """
    splitter_id(split)  # validates
    text = article.text
    if split == "lines":
        return [
            Segment(i, start, end, text[start:end], article.is_boilerplate(start, end))
            for i, (start, end) in enumerate(segment_lines(text))
        ]
    blocks = sorted(article.blocks, key=lambda b: b.start)
    cuts = sorted({b.start for b in blocks} | {b.end for b in blocks})
    starts = [b.start for b in blocks]
    segments: list[Segment] = []
    for span in segment_sentences(text, article.language):
        for start, end in _split_at(text, span, cuts):
            index = bisect.bisect_right(starts, start) - 1
            block = blocks[index] if index >= 0 and blocks[index].end >= end else None
            boilerplate = block.boilerplate if block is not None else \
                article.is_boilerplate(start, end)
            segments.append(Segment(len(segments), start, end, text[start:end], boilerplate))
    return segments
