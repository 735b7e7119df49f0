"""HTML report of a comparison: one self-contained file.

Inline CSS only: no script, no URL, no web font (a Content-Security-Policy forbids loading
anything, as a second line of defence behind escaping). The page has: a header (titles,
dates, languages, files, warnings), a summary, the side-by-side rows (related passages sit in
one row, their shared clauses highlighted), the page furniture (collapsed), theme groups,
numbers/dates/names mentioned by one side only, and the signature.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from xlcompare.comparison.names import SOURCE_NAMES_NOTE
from xlcompare.report.html_common import (
    CSS,
    SIDES,
    anchor,
    article_name,
    esc,
    render_header,
    render_legend,
    render_segment,
    render_side_by_side,
    render_summary,
    side_label,
    text_attributes,
)

if TYPE_CHECKING:
    from xlcompare.comparison.model import Comparison, MentionGroup

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def render(comparison: Comparison) -> str:
    """The full HTML document (a str; write it as UTF-8)."""
    left, right = (article_name(comparison.side(s)) for s in SIDES)
    sections = [
        render_header(comparison),
        '<nav class="toc"><a href="#side-by-side">Side by side</a><a href="#furniture">Page furniture</a>'
        '<a href="#themes">Themes</a><a href="#differences">Numbers, dates, names</a>'
        '<a href="#signature">Signature</a></nav>',
        '<h2 id="summary">Summary</h2>',
        render_summary(comparison),
        '<h2 id="side-by-side">Side by side</h2>',
        '<p class="muted">Rows follow the left article. A passage only the right article has sits '
        "right after the row holding the right article's preceding sentence; since the two "
        "articles order their content differently, the right column jumps where they do.</p>",
        render_legend(),
        render_side_by_side(comparison),
        render_furniture(comparison),
        render_themes(comparison),
        render_differences(comparison),
        render_signature(comparison),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="xlcompare">\n'
        f"<title>xlcompare: {esc(left)} ↔ {esc(right)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n"
        f'<body>\n<div class="xlc">\n' + "\n".join(sections) + "\n</div>\n</body>\n</html>\n"
    )


def render_furniture(comparison: Comparison) -> str:
    columns = []
    for side_name in SIDES:
        side = comparison.side(side_name)
        furniture = [s for s in side.segments if s.boilerplate]
        items = "".join(
            f"<li{text_attributes(side.article.language)}>{render_segment(side, s, side_name, link=False)}</li>"
            for s in furniture
        )
        columns.append(
            f"<details><summary>{esc(side_label(comparison, side_name))}: {len(furniture)} segments "
            f"of page furniture</summary><ol>{items or '<li>none</li>'}</ol></details>"
        )
    return (
        '<h2 id="furniture">Page furniture (not compared)</h2>'
        '<p class="muted">Headline lists, view counters and navigation found around the article '
        "text. They are kept for reference and never matched.</p>"
        f'<div class="two">{"".join(columns)}</div>'
    )


def _theme_column(comparison: Comparison, side_name: str, ids: tuple[int, ...]) -> str:
    side = comparison.side(side_name)
    if not ids:
        return f'<div class="col muted">nothing in the {esc(side_name)} article</div>'
    segs = "".join(
        render_segment(side, comparison.segment(side_name, i), side_name, with_anchor=False, link=True)
        for i in ids
    )
    return f'<div class="col"{text_attributes(side.article.language)}>{segs}</div>'


def render_themes(comparison: Comparison) -> str:
    parts = [
        '<h2 id="themes">Themes</h2>',
        '<p class="muted">Segments of both articles grouped by topic (clustered by meaning with '
        "the embedder). Each topic shows what each article says about it; a topic with one "
        "side empty is covered by one article only. Labels are "
        + (
            "the English of the topic's most central segment."
            if comparison.translated
            else "the three words of each side that best tell the topic from the rest of its article "
            "(stop-words left out; English words for a translated side)."
        )
        + "</p>",
    ]
    if not comparison.themes:
        parts.append('<p class="muted">No theme groups (see the warnings above, if any).</p>')
    for number, theme in enumerate(comparison.themes, start=1):
        counts = f"{len(theme.left_ids)} left · {len(theme.right_ids)} right"
        body = (
            f'<div class="cols">{_theme_column(comparison, "left", theme.left_ids)}'
            f'{_theme_column(comparison, "right", theme.right_ids)}</div>'
        )
        if theme.other:
            parts.append(
                f'<details class="theme-other" id="theme-{number}"><summary>{esc(theme.label)} '
                f'<span class="count">({counts})</span></summary>{body}</details>'
            )
        else:
            parts.append(
                f'<section class="theme" id="theme-{number}"><h3>{esc(theme.label)}</h3>'
                f'<div class="count">Topic {number} · {counts}</div>{body}</section>'
            )
    return "".join(parts)


def _refs(side_name: str, ids: tuple[int, ...]) -> str:
    return ", ".join(
        f'<a class="ref" href="#{anchor(side_name, i)}">{esc(side_name[0].upper())}{i}</a>' for i in ids
    )


def _mention_table(comparison: Comparison, side_name: str, groups: list[MentionGroup]) -> str:
    if not groups:
        return '<p class="muted">nothing</p>'
    lang = comparison.side(side_name).article.language
    names_lang = "en" if comparison.mentions.names_from == "english" else lang
    rows = "".join(
        f"<tr><td>{esc(g.kind)}</td><td><b>{esc(g.display)}</b></td>"
        f'<td{text_attributes(names_lang if g.kind in ("person", "place", "organisation", "name") else lang)}>'
        f'{esc(" · ".join(g.texts))}</td><td>{_refs(side_name, g.segment_ids)}</td></tr>'
        for g in groups
    )
    return (
        '<table class="diff"><thead><tr><th>kind</th><th>value</th><th>as written</th>'
        f"<th>where</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def render_differences(comparison: Comparison) -> str:
    m = comparison.mentions
    note = {
        "english": "Names (people, places, organisations) come from the English translations "
        "with a simple heuristic (capitalised spans and a small gazetteer) and may miss or "
        "over-count.",
        "source": SOURCE_NAMES_NOTE,
    }.get(m.names_from or "", "Names were not compared: xlcompare reads names in English, "
          "Devanagari and Arabic-script text only.")
    shared = ", ".join(esc(left.display) for left, _ in m.shared) or '<span class="muted">nothing in common</span>'
    columns = "".join(
        f"<div><h3>Only in the {esc(side_label(comparison, side_name))} article</h3>"
        f"{_mention_table(comparison, side_name, m.left_only if side_name == 'left' else m.right_only)}</div>"
        for side_name in SIDES
    )
    return (
        '<h2 id="differences">Numbers, dates and names mentioned by one side only</h2>'
        '<p class="muted">Numbers and dates are read from the source texts in any script '
        "(Persian and Devanagari digits are folded to 0-9, month names in Hindi, Persian and "
        "English are understood; Solar Hijri dates are converted). Page furniture is ignored. "
        f"{esc(note)}</p>"
        f'<div class="two">{columns}</div>'
        f"<p><b>Mentioned by both:</b> {shared}</p>"
    )


def render_signature(comparison: Comparison) -> str:
    sig = comparison.signature
    embedder = sig.get("embedder") or {}
    alignment = sig.get("alignment") or {}
    items = [
        ("xlcompare", sig.get("xlcompare")),
        ("embedder", ", ".join(f"{k}={v}" for k, v in embedder.items()) if embedder else "none"),
        ("alignment", ", ".join(f"{k}={v}" for k, v in alignment.items() if k != "embedder") or "—"),
        ("themes", ", ".join(f"{k}={v}" for k, v in (sig.get("themes") or {}).items()) or "—"),
        ("mentions", sig.get("mentions")),
    ]
    for side_name in SIDES:
        t = (sig.get("translation") or {}).get(side_name)
        items.append((f"translation ({side_name})", (t or {}).get("string") or ("none" if not t else t)))
    meta = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    full = json.dumps(sig, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    return (
        '<footer id="signature"><h2>Signature</h2>'
        f'<p><code>{esc(sig.get("string", ""))}</code></p>'
        f'<dl class="meta">{meta}</dl>'
        f"<details><summary>Full signature (JSON)</summary><pre>{esc(full)}</pre></details>"
        "</footer>"
    )
