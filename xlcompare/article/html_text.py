"""Visible text of an HTML page, with every character traced back to the HTML source.

Uses only the standard library's tokenizer. Block elements become line breaks (so the
segmenter sees paragraphs), runs of whitespace collapse to one space as a browser shows them,
entities are decoded, and script/style/head content is skipped. Page furniture (nav, aside,
page header/footer, and elements whose class or id says "related", "sidebar", ...) is
recorded as spans of the extracted text so it can be marked boilerplate, never dropped.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "svg", "math", "iframe",
                      "object", "canvas", "select", "button"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that close an open element of the same kind (HTML's implied end tags).
_SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})

_FURNITURE_TAGS = frozenset({"nav", "aside"})
# header/footer are page furniture at page level but hold the byline inside an <article>.
_PAGE_LEVEL_FURNITURE_TAGS = frozenset({"header", "footer"})
# Class/id words that name furniture. A class token counts when its first or last part is one
# of them ("related-posts", "sidebar", "social-share", "site-footer"), so a body class such
# as "entry-content has-share-buttons" does not.
_FURNITURE_WORDS = frozenset({
    "related", "popular", "sidebar", "widget", "comment", "comments", "share", "sharing",
    "social", "menu", "navbar", "nav", "navigation", "footer", "breadcrumb", "breadcrumbs",
    "advert", "advertisement", "ad", "ads", "promo", "newsletter", "subscribe", "cookie",
    "cookies", "trending", "mostread", "recommended", "tags", "pagination", "banner",
})
_NEVER_FURNITURE_BY_CLASS = frozenset({"html", "body", "article", "main"})
_ROLES = frozenset({"navigation", "complementary", "banner", "contentinfo", "search"})


@dataclass
class HtmlText:
    """What was extracted from one HTML page."""

    text: str
    source_starts: list[int] = field(repr=False)  # source offset of each text character
    source_ends: list[int] = field(repr=False)  # source end of each text character
    furniture: list[tuple[int, int, str]] = field(default_factory=list)  # spans in `text`
    block_kinds: list[tuple[int, int, str]] = field(default_factory=list)  # headings etc.
    title: str | None = None  # <title>
    h1: str | None = None  # first <h1> outside furniture
    meta: dict[str, str] = field(default_factory=dict)  # property/name/itemprop -> content
    times: list[tuple[str, bool]] = field(default_factory=list)  # (<time datetime>, in furniture)
    json_ld: list[str] = field(default_factory=list)  # raw application/ld+json scripts
    lang: str | None = None  # <html lang>

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "h1": self.h1, "meta": dict(self.meta), "lang": self.lang,
                "furniture": [list(span) for span in self.furniture]}


def _hidden(attrs: dict[str, str]) -> bool:
    style = attrs.get("style", "").replace(" ", "").lower()
    return "hidden" in attrs or "display:none" in style or "visibility:hidden" in style


def _furniture_reason(tag: str, attrs: dict[str, str], inside_article: bool) -> str | None:
    if tag in _FURNITURE_TAGS:
        return f"inside <{tag}>"
    if tag in _PAGE_LEVEL_FURNITURE_TAGS and not inside_article:
        return f"inside page <{tag}>"
    role = attrs.get("role", "").lower()
    if role in _ROLES:
        return f'inside role="{role}"'
    if tag in _NEVER_FURNITURE_BY_CLASS:
        return None
    for name in ("class", "id"):
        value = attrs.get(name, "")
        for token in value.lower().split():
            parts = [p for p in re.split(r"[-_]+", token) if p]
            if parts and (parts[0] in _FURNITURE_WORDS or parts[-1] in _FURNITURE_WORDS):
                return f'inside {name}="{value.strip()[:60]}"'
    return None


class _Extractor(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        # HTMLParser.getpos() counts lines by "\n" only, whatever the file's line endings.
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        # (tag, furniture reason of this element or the nearest enclosing one, text start).
        # Keeping the inherited reason on each entry, and counts of open tags beside both
        # stacks, keeps every tag O(1): scanning the stack made deep nesting quadratic.
        self.stack: list[tuple[str, str | None, int]] = []
        self.open_counts: Counter[str] = Counter()
        # Open elements inside (and including) the element whose content is being skipped.
        self.skip_stack: list[str] = []
        self.skip_counts: Counter[str] = Counter()
        self.pending_space: tuple[int, int] | None = None
        self.furniture: list[tuple[int, int, str]] = []
        self.block_kinds: list[tuple[int, int, str]] = []
        self.title_parts: list[str] | None = None
        self.title: str | None = None
        self.h1_parts: list[str] | None = None
        self.h1: str | None = None
        self.meta: dict[str, str] = {}
        self.times: list[tuple[str, bool]] = []
        self.json_ld: list[str] = []
        self.json_ld_parts: list[str] | None = None
        self.lang: str | None = None

    # -- positions -------------------------------------------------------------------------
    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _furniture_reason(self) -> str | None:
        return self.stack[-1][1] if self.stack else None

    def _inside(self, tag: str) -> bool:
        return self.open_counts[tag] > 0

    def _push(self, tag: str, reason: str | None) -> None:
        self.stack.append((tag, reason or self._furniture_reason(), len(self.chars)))
        self.open_counts[tag] += 1

    def _pop(self) -> tuple[str, str | None, int]:
        entry = self.stack.pop()
        self.open_counts[entry[0]] -= 1
        return entry

    def _skip(self, tag: str) -> None:
        self.skip_stack.append(tag)
        self.skip_counts[tag] += 1

    def _unskip(self, tag: str) -> None:
        """Close the innermost skipped element `tag` and everything opened inside it."""
        while self.skip_stack:
            popped = self.skip_stack.pop()
            self.skip_counts[popped] -= 1
            if popped == tag:
                break

    # -- output ----------------------------------------------------------------------------
    def _emit(self, ch: str, start: int, end: int) -> None:
        """Append one visible character; whitespace collapses to one space as in a browser."""
        if ch.isspace():
            if self.chars and self.chars[-1] != "\n" and self.pending_space is None:
                # Written only once visible text follows, so no line ends with a space.
                self.pending_space = (start, end)
            return
        if self.pending_space is not None:
            self.chars.append(" ")
            self.starts.append(self.pending_space[0])
            self.ends.append(self.pending_space[1])
            self.pending_space = None
        self.chars.append(ch)
        self.starts.append(start)
        self.ends.append(end)

    def _line_break(self, start: int, end: int) -> None:
        """End the current line (block element, <br>, newline in <pre>); never two in a row."""
        self.pending_space = None
        if self.chars and self.chars[-1] != "\n":
            self.chars.append("\n")
            self.starts.append(start)
            self.ends.append(end)

    def _break(self) -> None:
        offset = self._offset()
        self._line_break(offset, offset)

    def _text(self, text: str, start: int) -> None:
        if self.title_parts is not None:
            self.title_parts.append(text)
        if self.json_ld_parts is not None:
            self.json_ld_parts.append(text)
        if self.skip_stack:
            return
        if self.h1_parts is not None:
            self.h1_parts.append(text)
        pre = self._inside("pre")
        for i, ch in enumerate(text):
            if pre and ch == "\n":
                self._line_break(start + i, start + i + 1)
            else:
                self._emit(ch, start + i, start + i + 1)

    # -- tokenizer callbacks -----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k.lower(): (v or "") for k, v in attrs_list}
        if tag == "html" and attrs.get("lang"):
            self.lang = attrs["lang"].split("-")[0].lower()
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
            if key and "content" in attrs:
                self.meta.setdefault(key.lower(), attrs["content"])
            return
        if tag == "time" and attrs.get("datetime"):
            self.times.append((attrs["datetime"], self._furniture_reason() is not None))
        if tag == "title" and self.title is None:
            self.title_parts = []
        if tag == "script" and attrs.get("type", "").lower() == "application/ld+json":
            self.json_ld_parts = []
        if tag == "body" and self.skip_counts["head"]:
            self.skip_stack.clear()  # an unclosed <head> ends where <body> begins
            self.skip_counts.clear()
        if self.skip_stack or tag in _SKIPPED or _hidden(attrs):
            if tag not in _VOID:
                self._skip(tag)
            return
        if tag == "br":
            self._break()
            return
        if tag in _VOID:
            if tag == "hr":
                self._break()
            return
        if tag in _SELF_CLOSING_SIBLINGS and self.stack and self.stack[-1][0] == tag:
            self.handle_endtag(tag)
        if tag in _BLOCK:
            self._break()
        reason = _furniture_reason(tag, attrs, self._inside("article") or self._inside("main"))
        self._push(tag, reason)
        if tag == "h1" and self.h1 is None and self._furniture_reason() is None:
            self.h1_parts = []

    def handle_startendtag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs_list)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.title_parts is not None:
            self.title = " ".join("".join(self.title_parts).split()) or None
            self.title_parts = None
        if tag == "script" and self.json_ld_parts is not None:
            self.json_ld.append("".join(self.json_ld_parts))
            self.json_ld_parts = None
        if self.skip_stack:
            if self.skip_counts[tag]:
                self._unskip(tag)
            return
        if not self._inside(tag):
            return  # a stray end tag
        while self.stack:
            parent_reason = self.stack[-2][1] if len(self.stack) > 1 else None
            open_tag, reason, start = self._pop()
            end = len(self.chars)
            # Only the element that starts a furniture span records it (not each one inside).
            if reason and reason != parent_reason and end > start:
                self.furniture.append((start, end, reason))
            if open_tag in _HEADINGS and end > start:
                self.block_kinds.append((start, end, "heading"))
            if open_tag == "h1" and self.h1_parts is not None:
                self.h1 = " ".join("".join(self.h1_parts).split()) or None
                self.h1_parts = None
            if open_tag in _BLOCK:
                self._break()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self._text(data, self._offset())

    def handle_entityref(self, name: str) -> None:
        start = self._offset()
        raw = f"&{name};" if self.source.startswith(f"&{name};", start) else f"&{name}"
        decoded = html.unescape(raw)
        self._entity(decoded, start, start + len(raw), raw)

    def handle_charref(self, name: str) -> None:
        start = self._offset()
        raw = f"&#{name};" if self.source.startswith(f"&#{name};", start) else f"&#{name}"
        decoded = html.unescape(raw)
        self._entity(decoded, start, start + len(raw), raw)

    def _entity(self, decoded: str, start: int, end: int, raw: str) -> None:
        if self.title_parts is not None:
            self.title_parts.append(decoded)
        if self.json_ld_parts is not None:
            self.json_ld_parts.append(raw)
        if self.skip_stack:
            return
        if self.h1_parts is not None:
            self.h1_parts.append(decoded)
        for ch in decoded:
            self._emit(ch, start, end)

    def close_all(self) -> None:
        self.close()
        # An element whose content is skipped and never closed (`<button>Share` at the end of
        # a page) skips to the end of the document; its open tags must not block the loop below.
        self.skip_stack.clear()
        self.skip_counts.clear()
        while self.stack:
            self.handle_endtag(self.stack[-1][0])


def extract_html_text(source: str) -> HtmlText:
    """Extract the visible text of an HTML document with a per-character source map."""
    parser = _Extractor(source)
    parser.feed(source)
    parser.close_all()
    chars, starts, ends = parser.chars, parser.starts, parser.ends
    while chars and chars[-1] in " \n":
        chars.pop()
        starts.pop()
        ends.pop()
    text = "".join(chars)
    limit = len(text)

    def clip(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        clipped = []
        for start, end, why in spans:
            end = min(end, limit)
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                clipped.append((start, end, why))
        return sorted(clipped)

    return HtmlText(
        text=text,
        source_starts=starts,
        source_ends=ends,
        furniture=clip(parser.furniture),
        block_kinds=clip(parser.block_kinds),
        title=parser.title,
        h1=parser.h1,
        meta=parser.meta,
        times=parser.times,
        json_ld=parser.json_ld,
        lang=parser.lang,
    )
