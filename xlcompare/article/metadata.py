"""Title and publication date of an article.

Dates are written many ways on news pages: "جولای 12, 2024", "12.07.2024", "12 जुलाई 2024",
"July 12, 2024", "2024-07-12", Solar Hijri "۲۲ تیر ۱۴۰۳" or "1403/04/22", with Persian or
Devanagari digits. All are read by the one date parser (`xlcompare.lang.dates`, which also
reads the dates the comparison mentions) and returned as ISO YYYY-MM-DD (Gregorian); a
publication date must be a full, real date.

The publication date is taken only from places that carry it (HTML metadata, a date line, the
start of the first paragraphs), never from boilerplate lists: a "related news" list is full of
other articles' dates, and a date deep in the story is usually the date of an event.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from xlcompare.article.model import Block
from xlcompare.lang.dates import find_dates, parse_date

if TYPE_CHECKING:
    from xlcompare.article.html_text import HtmlText


def given_date(value: str) -> str:
    """A publication date given by hand (`--left-date`, `load_article(date=...)`), checked and
    returned as YYYY-MM-DD; ValueError when it is not an ISO 8601 calendar date."""
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{value!r} is not a date in ISO 8601 form YYYY-MM-DD (e.g. 2024-07-12)")
    try:
        return _dt.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a calendar date ({exc})") from None


_HTML_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "publishdate",
    "publish-date", "pubdate", "date", "dc.date.issued", "dc.date", "sailthru.date",
    "parsely-pub-date", "article.published", "article:modified_time", "datemodified",
)
_FRONT_MATTER_FIELD = re.compile(r"^(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.+?)\s*$", re.MULTILINE)


def _front_matter(text: str, blocks: Sequence[Block]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for block in blocks:
        if block.kind == "front-matter":
            for match in _FRONT_MATTER_FIELD.finditer(text[block.start:block.end]):
                fields.setdefault(match["key"].lower(), match["value"].strip("\"'"))
    return fields


def _blocks_for(text: str, blocks: Sequence[Block] | None, language: str | None) -> list[Block]:
    if blocks is not None:
        return list(blocks)
    from xlcompare.article.boilerplate import mark_blocks
    from xlcompare.article.language import detect_language

    return mark_blocks(text, language or detect_language(text) or "en")


def _json_ld_dates(scripts: Sequence[str]) -> list[str]:
    found = []
    for raw in scripts:
        try:
            data = json.loads(raw)
        except ValueError:
            match = re.search(r'"datePublished"\s*:\s*"([^"]+)"', raw)
            if match:
                found.append(match.group(1))
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                value = item.get("datePublished")
                if isinstance(value, str):
                    found.append(value)
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return found


_LEAD_WINDOW = 60
"""A date counts as the publication date in a paragraph only near its start (a dateline)."""
_LEAD_BLOCKS = 6


def extract_date(
    text: str,
    blocks: Sequence[Block] | None = None,
    language: str | None = None,
    html: HtmlText | None = None,
) -> str | None:
    """The publication date as ISO YYYY-MM-DD, or None when the article does not give one."""
    if html is not None:
        for key in _HTML_DATE_KEYS:
            if key in html.meta:
                iso = parse_date(html.meta[key], language)
                if iso:
                    return iso
        for value in _json_ld_dates(html.json_ld):
            iso = parse_date(value, language)
            if iso:
                return iso
        for value, in_furniture in html.times:
            if not in_furniture:
                iso = parse_date(value, language)
                if iso:
                    return iso
    all_blocks = _blocks_for(text, blocks, language)
    front = _front_matter(text, all_blocks)
    if "date" in front:
        iso = parse_date(front["date"], language)
        if iso:
            return iso
    for block in all_blocks:
        if block.kind == "dateline":
            iso = parse_date(text[block.start:block.end], language)
            if iso:
                return iso
    body = [b for b in all_blocks if not b.boilerplate][:_LEAD_BLOCKS]
    for block in body:
        for iso, start, _end in find_dates(text[block.start:block.end], language):
            if start <= _LEAD_WINDOW:
                return iso
    return None


def _clean_title(title: str) -> str:
    title = title.strip().lstrip("#").strip()
    return " ".join(title.split())


def _strip_site_name(title: str) -> str:
    """"Story headline | Site name" -> "Story headline" (the longest part wins)."""
    parts = [p.strip() for p in re.split(r"\s+[|–—-]\s+|\s+::\s+", title) if p.strip()]
    return max(parts, key=len) if parts else title


def extract_title(
    text: str,
    blocks: Sequence[Block] | None = None,
    language: str | None = None,
    html: HtmlText | None = None,
) -> str | None:
    """The article's title: HTML <h1>/<title>, front matter, or its first short heading line."""
    if html is not None:
        if html.h1:
            return _clean_title(html.h1)
        for candidate in (html.meta.get("og:title"), html.title):
            if candidate:
                return _clean_title(_strip_site_name(candidate))
    all_blocks = _blocks_for(text, blocks, language)
    front = _front_matter(text, all_blocks)
    if front.get("title"):
        return _clean_title(front["title"])
    for block in all_blocks:
        if block.kind == "title":
            title = _clean_title(text[block.start:block.end])
            if title:
                return title
    return None
