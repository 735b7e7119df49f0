"""Read an article file into an `Article`: decode, extract (HTML), detect, mark, describe."""
from __future__ import annotations

import logging
from pathlib import Path

from xlcompare.article.boilerplate import mark_blocks
from xlcompare.article.decode import (
    control_characters_note,
    decode_bytes,
    decode_with,
    forced_encoding_note,
)
from xlcompare.article.files import read_input_bytes
from xlcompare.article.html_text import extract_html_text
from xlcompare.article.language import canonical_language, guess_language
from xlcompare.article.metadata import extract_date, extract_title, given_date
from xlcompare.article.model import Article
from xlcompare.errors import InputError, LanguageError
from xlcompare.lang.languages import language_name as _language_name

log = logging.getLogger(__name__)

SOURCE_FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}


def load_article(
    path: str | Path,
    language: str | None = None,
    encoding: str | None = None,
    date: str | None = None,
) -> Article:
    """Read a .txt, .md or .html article.

    `language` None or "auto" detects it; an explicit language wins, and a disagreement with
    detection is recorded in `article.warnings` (and logged). `encoding` forces a codec;
    otherwise UTF-8/UTF-16 are accepted and anything else is refused with the likely codec.
    `date` (YYYY-MM-DD) is the publication date when the article does not say it, or says it
    wrongly; it wins over the date found in the file.
    """
    file = Path(path)
    name = str(path)
    if date is not None:
        try:
            date = given_date(date)
        except ValueError as exc:
            raise InputError(f"{name}: publication date {exc}") from None
    source_format = SOURCE_FORMATS.get(file.suffix.lower())
    if source_format is None:
        accepted = ", ".join(sorted(SOURCE_FORMATS))
        raise InputError(
            f"{name}: unsupported file type {file.suffix or '(no extension)'!r}; "
            f"xlcompare reads {accepted} (save the article as text or HTML)"
        )
    data = read_input_bytes(file, what="article file")

    if encoding:
        decoded, used_encoding = decode_with(data, name, encoding)
    else:
        decoded, used_encoding = decode_bytes(data, name)
    article = article_from_text(
        decoded, name=name, source_format=source_format, language=language,
        encoding=used_encoding, date=date,
    )
    note = forced_encoding_note(data, used_encoding) if encoding else None
    if note:
        article.warnings.insert(0, f"{name}: {note}")
        log.warning(article.warnings[0])
    return article


def article_from_text(
    decoded: str,
    *,
    name: str,
    source_format: str = "text",
    language: str | None = None,
    encoding: str = "utf-8",
    date: str | None = None,
) -> Article:
    """An `Article` from text already decoded (a file's contents, a JSONL record's field).

    `source_format` is "text", "markdown" or "html"; `name` is used in messages and as the
    article's path. Language, furniture, title and date are found as `load_article` finds them;
    `date`, checked YYYY-MM-DD, wins over the date found in the text.
    """
    html = None
    if source_format == "html":
        html = extract_html_text(decoded)
        text = html.text
        if not text.strip():
            raise InputError(f"{name}: the HTML page has no visible text")
    else:
        text = decoded

    furniture = html.furniture if html is not None else []
    # Detect on the text outside known furniture, so a sidebar cannot outvote the story.
    detection_text = text
    if furniture:
        pieces, last = [], 0
        for start, end, _why in furniture:
            pieces.append(text[last:start])
            last = max(last, end)
        pieces.append(text[last:])
        detection_text = "\n".join(pieces)
    guess = guess_language(detection_text)
    detected = guess.language
    # Warnings travel with the article (reports show them) and are logged; the CLI prints a
    # message once, however it reaches it.
    warnings: list[str] = []
    note = control_characters_note(text)
    if note:
        warnings.append(f"{name}: {note}")
        log.warning(warnings[-1])

    if language is None or language.strip().lower() == "auto":
        declared = html.lang if html is not None else None
        chosen = detected if guess.certain or not declared else declared
        if chosen is None:
            raise LanguageError(
                f"{name}: too little text to detect its language ({guess.letters} letters); "
                "pass the language explicitly (--from hi, --from fa, ...)"
            )
        if not guess.certain and chosen == detected:
            # A guess is good enough to segment and embed the text; say so, never refuse.
            message = (
                f"{name}: could not tell the language of this text for sure "
                f"({guess.letters} letters, {guess.script} script); using "
                f"{_language_name(chosen)}. Pass the language (--from, --left-lang, "
                "--right-lang) to set it."
            )
            warnings.append(message)
            log.warning(message)
    else:
        try:
            chosen = canonical_language(language)
        except ValueError:
            raise LanguageError(
                f"{name}: {language!r} is not a language code; use an ISO 639-1 code such as "
                "hi, fa or en (or auto)"
            ) from None
        if guess.certain and detected is not None and detected != chosen:
            message = (
                f"{name}: language given as {_language_name(chosen)} but the text looks like "
                f"{_language_name(detected)} ({guess.script} script); using {chosen}"
            )
            warnings.append(message)
            log.warning(message)

    blocks = mark_blocks(
        text,
        chosen,
        furniture=furniture,
        headings=html.block_kinds if html is not None else (),
    )
    title = extract_title(text, blocks, chosen, html=html)
    found_date = extract_date(text, blocks, chosen, html=html)
    if date is not None and found_date is not None and found_date != date:
        warnings.append(f"publication date given as {date}; the article says {found_date}")
    date = date or found_date
    log.debug(
        "%s: %s, %d characters, %d blocks (%d boilerplate), title=%r, date=%s",
        name, chosen, len(text), len(blocks), sum(b.boilerplate for b in blocks), title, date,
    )
    return Article(
        text=text,
        language=chosen,
        path=name,
        title=title,
        date=date,
        encoding=encoding,
        source_format=source_format,
        blocks=blocks,
        detected_language=detected,
        warnings=warnings,
        source_text=decoded if html is not None else None,
        source_offsets=html.source_starts if html is not None else None,
        source_offset_ends=html.source_ends if html is not None else None,
    )
