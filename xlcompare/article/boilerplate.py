"""Split an article into blocks and mark page furniture as boilerplate (never delete it).

A scraped news page carries more than the story: "popular post" lists of unrelated headlines,
"related news" links, view counters, image file names. Matching those against another article
produces false agreements, and deleting them would break the offsets, so each line becomes a
`Block` and the furniture is flagged with the reason it was recognised.

The heuristics are general rather than tuned to particular pages:
- a line that *is* a known furniture heading ("popular post", "related news", "اخبار مرتبط",
  "यह भी पढ़ें", ...) in any of the supported languages, whatever the article's language
  (Hindi pages often carry English widget titles);
- after such a heading, the run of short lines without sentence-final punctuation that follows
  (headline lists end without a full stop; the story resumes with a punctuated paragraph);
- view counters and lines that hold only a date/time;
- slug-like Latin lines (image file names, URL slugs) in a non-Latin article, and list items
  that start with such a slug glued to a headline;
- copyright, share and advertisement lines;
- Markdown front matter and image-only lines.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from xlcompare.article.model import Block
from xlcompare.article.normalize import normalize_for_matching
from xlcompare.lang.dates import find_dates
from xlcompare.lang.digits import fold_digits
from xlcompare.lang.languages import LATIN_LANGUAGES as _LATIN_LANGUAGES
from xlcompare.lang.punctuation import ends_sentence
from xlcompare.lang.scripts import ARABIC_BLOCK, DEVANAGARI_BLOCK
from xlcompare.lang.spans import line_spans

# Known furniture headings, compared after normalisation (case-folded, Arabic letters folded,
# ZWNJ and punctuation removed, spaces collapsed). A line matches when it equals one of them
# or starts with one and is not much longer.
FURNITURE_HEADINGS: dict[str, tuple[str, ...]] = {
    "en": (
        "popular post", "popular posts", "popular news", "popular stories", "most popular",
        "most read", "most viewed", "related news", "related articles", "related posts",
        "related stories", "related", "read also", "also read", "read more", "see also",
        "you may also like", "you might also like", "recommended", "recommended for you",
        "trending", "trending now", "latest news", "latest posts", "more news",
        "more from this section", "more stories", "other news", "top stories", "tags",
        "comments", "leave a comment", "leave a reply", "share this", "share this article",
        "follow us", "subscribe", "newsletter", "advertisement", "sponsored",
    ),
    "fa": (
        "اخبار مرتبط", "خبرهای مرتبط", "مطالب مرتبط", "مطالب پیشنهادی", "دیگر خبرها",
        "دیگر خبرهای این بخش", "سایر اخبار", "اخبار دیگر", "بیشتر بخوانید", "همچنین بخوانید",
        "بخوانید", "پربازدیدترین", "پربازدیدترین ها", "پربحث ترین", "پربیننده ترین",
        "آخرین اخبار", "آخرین خبرها", "اخبار برگزیده", "برچسب ها", "برچسبها", "نظرات",
        "نظر شما", "اشتراک گذاری", "تبلیغات",
    ),
    "hi": (
        "यह भी पढ़ें", "ये भी पढ़ें", "इसे भी पढ़ें", "और पढ़ें", "संबंधित खबरें",
        "सम्बंधित खबरें", "संबंधित ख़बरें", "संबंधित समाचार", "लोकप्रिय", "लोकप्रिय खबरें",
        "लोकप्रिय ख़बरें", "लोकप्रिय पोस्ट", "ताज़ा खबरें", "ताजा खबरें", "ताज़ा ख़बरें",
        "ट्रेंडिंग", "टॉप न्यूज़", "टॉप न्यूज", "टैग", "विज्ञापन", "कमेंट", "टिप्पणियां",
    ),
    "ar": (
        "أخبار ذات صلة", "اخبار ذات صلة", "اقرأ أيضا", "اقرأ ايضا", "الأكثر قراءة",
        "مواضيع ذات صلة",
    ),
    "ur": ("متعلقہ خبریں", "مزید پڑھیں", "یہ بھی پڑھیں", "مقبول خبریں"),
}

# Lines that are furniture on their own (they do not start a list).
_FURNITURE_LINE = re.compile(
    r"^(?:©|\(c\)|copyright\b|all rights reserved|کلیه حقوق|تمامی حقوق|सर्वाधिकार|"
    r"share on\b|tweet\b|follow us\b|advertisement$|sponsored$)",
    re.IGNORECASE,
)

# "752 بازدید", "1,234 views", "देखा गया 52 बार"
_VIEW_COUNTER = re.compile(
    r"\d[\d,.]*\s*(?:بازدید|نمایش|مشاهده|views?\b|reads?\b|बार देखा|व्यूज|दृश्य)"
    r"|(?:بازدید|views?|देखा गया)\s*[:：]?\s*\d",
    re.IGNORECASE,
)

# A slug: Latin letters/digits joined by - _ . with no spaces (image file names, URL slugs).
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*[A-Za-z0-9]$")
# A list item that starts with such a slug glued to a non-Latin headline.
_SLUG_PREFIX = re.compile(rf"^([A-Za-z0-9][A-Za-z0-9._\-]{{4,}})(?=[{ARABIC_BLOCK}{DEVANAGARI_BLOCK}])")

_MAX_LIST_LINE = 200
"""Headline/teaser lines in furniture lists are short; a longer line is story text."""

_MAX_TITLE = 250


def _matching_key(line: str) -> str:
    """Case-folded, Persian letters folded, ZWNJ/punctuation dropped, spaces collapsed."""
    folded = normalize_for_matching(line, "fa").text.casefold().replace("\u200c", " ")
    kept = "".join(
        ch if not unicodedata.category(ch).startswith(("P", "S")) else " " for ch in folded
    )
    return " ".join(kept.split())


_HEADING_KEYS: tuple[str, ...] = tuple(
    sorted({_matching_key(h) for hs in FURNITURE_HEADINGS.values() for h in hs}, key=len,
           reverse=True)
)


def furniture_heading(line: str) -> str | None:
    """The known furniture heading that `line` is, or None."""
    # A heading's key is at most 60 characters; a longer line cannot be one, and keying a
    # multi-megabyte line costs seconds on every call.
    if ends_sentence(line) or len(line) > _MAX_TITLE:
        return None
    key = _matching_key(line)
    if not key or len(key) > 60:
        return None
    for heading in _HEADING_KEYS:
        if key == heading:
            return heading
        if key.startswith(heading + " "):
            rest = key[len(heading) + 1:].split()
            # "Comments (3)", "Related news from Asia": a few more words are allowed after a
            # multi-word heading, only a count after a one-word heading ("Tags are ..." is prose).
            if " " in heading and len(rest) <= 3 or all(w.isdigit() for w in rest):
                return heading
    return None


def _is_slug(line: str, language: str) -> bool:
    if " " in line or not _SLUG.match(line) or len(line) < 6:
        return False
    separators = sum(line.count(ch) for ch in "-_")
    if language not in _LATIN_LANGUAGES:
        # In a Persian or Hindi article a Latin token with separators is a file name or slug.
        return separators >= 1 or any(ch.isdigit() for ch in line)
    return separators >= 2 or (separators >= 1 and any(ch.isdigit() for ch in line))


def _date_only(line: str) -> bool:
    """A line that is only a date and/or a time (with separators and a weekday at most)."""
    folded = fold_digits(line)
    dates = find_dates(folded)
    if not dates:
        return False
    rest = folded
    for _date, start, end in sorted(dates, key=lambda d: -d[1]):
        rest = rest[:start] + " " + rest[end:]
    rest = re.sub(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?", " ", rest, flags=re.IGNORECASE)
    letters = [w for w in re.split(r"[\s,،./|:\-–—]+", rest) if w]
    return len(letters) <= 2 and len(" ".join(letters)) <= 20


def _front_matter_end(text: str) -> int | None:
    match = re.match(r"\ufeff?---[ \t]*\r?\n.*?\r?\n---[ \t]*(?:\r?\n|$)", text, re.DOTALL)
    return match.end() if match else None


def _classify(line: str, language: str) -> tuple[str, bool, str | None]:
    """(kind, boilerplate, reason) of one line judged on its own."""
    heading = furniture_heading(line)
    if heading:
        return "heading", True, f"furniture heading: {heading}"
    if _FURNITURE_LINE.search(line):
        return "furniture", True, "copyright/share/advertisement line"
    if len(line) <= 120 and _VIEW_COUNTER.search(fold_digits(line)):
        kind = "dateline" if _date_only(_VIEW_COUNTER.sub(" ", fold_digits(line))) else "counter"
        return kind, True, "view counter"
    if len(line) <= 60 and _date_only(line):
        return "dateline", True, "date/time line"
    if _is_slug(line, language):
        return "slug", True, "slug-like Latin line (file name or URL slug)"
    if language not in _LATIN_LANGUAGES and _SLUG_PREFIX.match(line):
        return "list", True, "list item starting with a Latin slug"
    if re.fullmatch(r"!\[[^\]]*\]\([^)]*\)", line):
        return "image", True, "Markdown image"
    if line.startswith("#"):
        return "heading", False, None
    return "paragraph", False, None


def mark_blocks(
    text: str,
    language: str,
    furniture: Sequence[tuple[int, int, str]] = (),
    headings: Sequence[tuple[int, int, str]] = (),
) -> list[Block]:
    """One `Block` per non-blank line, in order, furniture marked boilerplate with a reason.

    Every non-whitespace character of `text` lies in exactly one block; whitespace between
    lines lies in none. `furniture` gives spans already known to be furniture (from HTML
    structure) with their reasons; `headings` marks spans known to be headings.
    """
    lines = list(line_spans(text))
    blocks: list[Block] = []
    front_matter_end = _front_matter_end(text)
    in_list_after: str | None = None
    title_seen = False
    for start, end in lines:
        line = text[start:end]
        known = next((why for s, e, why in furniture if s <= start and end <= e), None)
        if front_matter_end is not None and end <= front_matter_end:
            blocks.append(Block(start, end, "front-matter", True, "Markdown front matter"))
            continue
        kind, boilerplate, reason = _classify(line, language)
        if any(s <= start and end <= e for s, e, _ in headings) and kind == "paragraph":
            kind = "heading"
        if known is not None:
            boilerplate, reason = True, known
            if kind in ("paragraph", "dateline", "counter"):
                # A date inside a sidebar belongs to another article: not a dateline.
                kind = "furniture"
        if kind == "heading" and boilerplate:
            in_list_after = reason
        elif in_list_after is not None:
            if kind in ("list", "slug", "dateline", "counter") or (
                not boilerplate and len(line) <= _MAX_LIST_LINE and not ends_sentence(line)
            ):
                if not boilerplate:
                    heading = in_list_after.removeprefix("furniture heading: ")
                    reason = f"list after {heading!r}"
                kind, boilerplate = ("slug" if kind == "slug" else "list"), True
            else:
                in_list_after = None
        if not boilerplate and not title_seen:
            title_seen = True
            if len(line) <= _MAX_TITLE and not ends_sentence(line):
                kind = "title"
        blocks.append(Block(start, end, kind, boilerplate, reason))
    return blocks
