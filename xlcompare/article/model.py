"""The `Article`: decoded text of one input file plus what was learnt while reading it."""
from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any

from xlcompare.lang.languages import RTL_LANGUAGES


@dataclass(frozen=True)
class Block:
    """A span of the article text: a paragraph, a heading, or page furniture.

    Boilerplate (navigation, "popular post" lists, view counters) is marked, never deleted,
    so offsets keep pointing at the original characters.
    """

    start: int
    end: int
    kind: str  # "title" | "paragraph" | "heading" | "dateline" | "list" | ...
    boilerplate: bool = False
    reason: str | None = None  # why it was marked boilerplate

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Article:
    """One news article, decoded.

    `text` is the decoded input (for HTML: the extracted visible text); every offset in the
    pipeline indexes this string.
    """

    text: str
    language: str  # ISO 639-1 code: "hi", "fa", "en", ...
    path: str | None = None
    title: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD) when found
    encoding: str = "utf-8"
    source_format: str = "text"  # "text" | "markdown" | "html"
    blocks: list[Block] = field(default_factory=list)
    detected_language: str | None = None
    warnings: list[str] = field(default_factory=list)
    # HTML only: the decoded HTML source, and for each character of `text` where it starts and
    # ends in that source (an entity such as &amp; is one text character spanning five).
    source_text: str | None = field(default=None, repr=False)
    source_offsets: list[int] | None = field(default=None, repr=False)
    source_offset_ends: list[int] | None = field(default=None, repr=False)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) of `text` as offsets into the decoded input file.

        The identity for text and Markdown input; for HTML, the span of the HTML source from
        the first character's start to the last character's end (tags inside included).
        """
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span [{start}, {end}) outside 0..{len(self.text)}")
        if self.source_offsets is None:
            return start, end
        ends = self.source_offset_ends or [o + 1 for o in self.source_offsets]
        if start == end:
            position = self.source_offsets[start] if start < len(self.text) else (
                ends[-1] if ends else 0)
            return position, position
        return self.source_offsets[start], ends[end - 1]

    def is_boilerplate(self, start: int, end: int) -> bool:
        """True when [start, end) lies mostly inside a boilerplate block."""
        covered = 0
        for block in self.blocks:
            if block.boilerplate:
                covered += max(0, min(end, block.end) - max(start, block.start))
        return end > start and covered * 2 >= (end - start)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "language": self.language,
            "detected_language": self.detected_language,
            "title": self.title,
            "date": self.date,
            "encoding": self.encoding,
            "source_format": self.source_format,
            "length": len(self.text),
            "blocks": [b.to_dict() for b in self.blocks],
            "warnings": list(self.warnings),
        }

    def _repr_html_(self) -> str:
        direction = "rtl" if self.language in RTL_LANGUAGES else "ltr"
        parts = []
        for block in self.blocks:
            style = "color:#888" if block.boilerplate else ""
            parts.append(
                f'<p style="{style}" dir="{direction}">'
                f"{html.escape(self.text[block.start:block.end])}</p>"
            )
        head = html.escape(f"{self.title or self.path or 'article'} [{self.language}]")
        return f"<div><b>{head}</b>{''.join(parts)}</div>"
