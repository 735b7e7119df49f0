"""The inline (Jupyter) view of a translated article: source and English side by side.

Built from the HTML report's pieces (`xlcompare.report.html_common`), so it follows the same
rules: every article-derived string is escaped, styles are scoped under `.xlc`, nothing is
loaded from outside the page, and an RTL source gets `dir="rtl"` while its English stays LTR.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from xlcompare.report.html_common import (
    CSS,
    article_name,
    esc,
    language_name,
    render_flags,
    text_attributes,
)
from xlcompare.translation.model import FLAG_LOW_CONFIDENCE

if TYPE_CHECKING:
    from xlcompare.translation.model import TranslatedArticle

# Page furniture is shown (offsets stay traceable) but greyed out, as the HTML report does.
EXTRA_CSS = (
    ".xlc table.sbs tr.furniture td{color:var(--muted);background:var(--soft)}"
    ".xlc table.sbs th.src-col,.xlc table.sbs th.en-col{width:50%}"
)


def render_translated_article(side: TranslatedArticle) -> str:
    """Header (title, language, date, file, signature) and one row per segment: the source
    with its id badge | the English with its flags (or why there is none)."""
    article = side.article
    content = sum(not s.boilerplate for s in side.segments)
    model = side.signature.get("string") or side.signature.get("model")
    rows = [
        ("language", language_name(article.language)),
        ("published", article.date or "unknown"),
        ("file", article.path or "—"),
        ("segments", f"{content} content · {len(side.segments) - content} page furniture"),
        ("translated", f"{len(side.translations)} segments · {model or 'yes'}" if side.translations
         else "no (source text only)"),
    ]
    meta = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    warnings = "".join(f"<li>{esc(w)}</li>" for w in article.warnings)
    header = (
        f'<div class="card left"><div class="who">translated article</div>'
        f'<div class="title"{text_attributes(article.language)}>{esc(article_name(side))}</div>'
        f'<dl class="meta">{meta}</dl>'
        + (f'<ul class="muted">{warnings}</ul>' if warnings else "")
        + "</div>"
    )
    body = []
    for seg in side.segments:
        t = side.translations.get(seg.id)
        badge = (
            f'<span class="sid" title="{esc(f"characters {seg.start}–{seg.end}")}">'
            f"{seg.id}</span>"
        )
        source = (
            f'<td class="left"{text_attributes(article.language)}>{badge}'
            f'<span class="src">{esc(seg.text)}</span></td>'
        )
        if t is not None:
            low = " low" if FLAG_LOW_CONFIDENCE in t.flags else ""
            english = (
                f'<td class="right" dir="ltr" lang="en"><div class="en{low}">{esc(t.text)}</div>'
                f"{render_flags(side, seg.id)}</td>"
            )
        else:
            why = "page furniture, not translated" if seg.boilerplate else "not translated"
            english = f'<td class="right empty">{esc(why)}</td>'
        furniture = " furniture" if seg.boilerplate else ""
        body.append(f'<tr class="row{furniture}">{source}{english}</tr>')
    if not body:
        body.append('<tr><td colspan="2" class="muted">The article has no segments.</td></tr>')
    table = (
        '<table class="sbs"><thead><tr>'
        f'<th class="src-col">{esc(language_name(article.language))}</th>'
        '<th class="en-col">English</th></tr></thead><tbody>'
        + "".join(body)
        + "</tbody></table>"
    )
    return f'<div class="xlc"><style>{CSS}{EXTRA_CSS}</style>{header}<p></p>{table}</div>'
