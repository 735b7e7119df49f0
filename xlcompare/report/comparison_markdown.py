"""Markdown report of a comparison, for terminals and repositories (GitHub-flavoured tables).

Article text is escaped so it cannot change the layout: `|` and newlines cannot break a table
row, and Markdown/HTML punctuation (`< > * _ [ ] ...`) is backslash-escaped, so `<script>`
in an article stays text.
"""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from xlcompare.comparison.names import SOURCE_NAMES_NOTE
from xlcompare.report.html_common import SIDES, article_name, highlighted, language_name

if TYPE_CHECKING:
    from xlcompare.comparison.model import Comparison, MentionGroup, Row

_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#])")


def md_text(text: object) -> str:
    """Escape Markdown/HTML punctuation and fold line breaks to spaces: safe inline and in cells."""
    flat = " ".join(str("" if text is None else text).split())
    return _SPECIAL.sub(r"\\\1", flat)


def _segment(
    comparison: Comparison, side_name: str, segment_id: int, *, sep: str = "<br>",
    highlight: list[tuple[int, int]] | None = None,
) -> str:
    """A segment's id, text and English; `highlight` (article offsets) puts shared clauses in bold."""
    seg = comparison.segment(side_name, segment_id)
    text = "".join(
        f"**{md_text(piece)}**" if marked else _spaced(piece) for piece, marked in highlighted(seg, highlight or [])
    )
    parts = [f"**{side_name[0].upper()}{segment_id}** {text}"]
    t = comparison.side(side_name).translations.get(segment_id)
    if t is not None:
        flags = f" ⚠ {md_text(', '.join(t.flags))}" if t.flags else ""
        parts.append(f"*en:* {md_text(t.text)}{flags}")
    return sep.join(parts)


def _spaced(piece: str) -> str:
    """md_text of a piece between highlights, keeping one space where the piece had any at its
    ends (md_text trims: "a, " + "**b**" would become "a,**b**")."""
    inner = md_text(piece)
    lead = " " if piece[:1].isspace() and inner else ""
    trail = " " if piece[-1:].isspace() and inner else ""
    return lead + inner + trail if inner else (" " if piece.strip() == "" and piece else "")


def _side_label(comparison: Comparison, side_name: str) -> str:
    return f"{side_name.capitalize()} · {language_name(comparison.side(side_name).article.language)}"


def _mentions(comparison: Comparison, side_name: str, groups: list[MentionGroup]) -> list[str]:
    if not groups:
        return ["*nothing*", ""]
    lines = ["| Kind | Value | As written | Segments |", "|---|---|---|---|"]
    prefix = side_name[0].upper()
    for g in groups:
        where = ", ".join(f"{prefix}{i}" for i in g.segment_ids)
        lines.append(f"| {g.kind} | **{md_text(g.display)}** | {md_text(' · '.join(g.texts))} | {where} |")
    return lines + [""]


def _row_cell(comparison: Comparison, row: Row, side_name: str) -> str:
    ids = row.left_ids if side_name == "left" else row.right_ids
    spans = row.shared_spans(side_name)
    return "<br>".join(_segment(comparison, side_name, i, highlight=spans) for i in ids)


def _row_score(row: Row) -> str:
    if row.alignment is None:
        best = max(row.related, key=lambda r: r.score)
        return f"related<br>{best.score:.3f}<br>cos {best.cosine:.3f}"
    a = row.alignment
    return f"{a.score:.3f}" + ("" if a.cosine is None else f"<br>cos {a.cosine:.3f}")


def render(comparison: Comparison) -> str:
    left, right = comparison.left, comparison.right
    lines = [
        f"# Comparison of two articles: {language_name(left.article.language)} ↔ "
        f"{language_name(right.article.language)}",
        "",
        "| | Left | Right |",
        "|---|---|---|",
    ]
    counts = comparison.summary()

    def meta(label: str, get) -> None:  # type: ignore[no-untyped-def]
        lines.append(f"| {label} | {md_text(get(left, 'left'))} | {md_text(get(right, 'right'))} |")

    meta("Title", lambda s, n: article_name(s))
    meta("Language", lambda s, n: language_name(s.article.language))
    meta("Published", lambda s, n: s.article.date or "unknown")
    meta("File", lambda s, n: s.article.path or "—")
    meta("Segments", lambda s, n: f"{counts[n]['content']} content · {counts[n]['furniture']} page furniture")
    meta("Translated", lambda s, n: (s.signature.get("model") or "yes") if s.translations else "no")
    lines.append("")
    notes = [f"> **{side_name} file:** {md_text(warning)}" for side_name in SIDES
             for warning in comparison.side(side_name).article.warnings]
    notes += [f"> **Warning:** {md_text(warning)}" for warning in comparison.warnings]
    if notes:
        # A ">" line between them keeps each note its own paragraph.
        lines += ["\n>\n".join(notes), ""]

    def pct(side_name: str) -> str:
        c = counts[side_name]
        share = 100 * c["matched"] / c["content"] if c["content"] else 0
        return f"{c['matched']}/{c['content']} ({share:.0f}%)"

    lines += [
        "## Summary",
        "",
        f"- **{counts['links']}** matched passages; left segments matched: {pct('left')}, "
        f"right: {pct('right')}.",
        f"- **{counts['related_passages']}** related passages: sentences that differ as a whole but "
        f"share a clause ({counts['left']['related']} left, {counts['right']['related']} right "
        "segments; in the table below, shared clauses in bold).",
        f"- Said by one article only: **{counts['left']['only']}** left, "
        f"**{counts['right']['only']}** right.",
        f"- **{counts['themes']}** theme groups.",
    ]
    if counts["mean_score"] is not None:
        threshold = (comparison.signature.get("alignment") or {}).get("threshold")
        cut = f"; links need at least {threshold}" if threshold is not None else ""
        lines.append(f"- Mean margin score {counts['mean_score']:.3f} (higher is clearer{cut}).")
    lines += [
        "",
        "## Matched passages",
        "",
        "Matched rows say the same thing; score: margin, how much closer the pair is than each "
        "side's other nearest neighbours (higher is clearer); cos: plain cosine similarity. "
        "Related rows pair sentences that differ as a whole but share the clauses in bold "
        "(score: the clause pair's margin).",
        "",
    ]
    rows = [row for row in comparison.rows() if row.kind in ("match", "related")]
    if rows:
        lines += [
            f"| # | {_side_label(comparison, 'left')} | Score | {_side_label(comparison, 'right')} |",
            "|---:|---|:---:|---|",
        ]
        for number, row in enumerate(rows, start=1):
            lines.append(f"| {number} | {_row_cell(comparison, row, 'left')} | {_row_score(row)} | "
                         f"{_row_cell(comparison, row, 'right')} |")
    else:
        lines.append("*No passage was matched or related.*")
    lines.append("")

    # Markdown line break inside a list item: two trailing spaces, then an indented line.
    list_break = "  \n  "
    for side_name, ids in (("left", comparison.unique_left), ("right", comparison.unique_right)):
        related = {getattr(r, side_name) for r in comparison.related}
        only = [i for i in ids if i not in related]
        lines += [f"## Said by the {_side_label(comparison, side_name)} article only", ""]
        if not only:
            lines.append("*nothing*")
        for i in only:
            lines.append(f"- {_segment(comparison, side_name, i, sep=list_break)}")
        lines.append("")

    m = comparison.mentions
    lines += ["## Numbers, dates and names mentioned by one side only", ""]
    if not m.entities_compared:
        lines += ["Names were not compared (xlcompare reads names in English, Devanagari and "
                  "Arabic-script text only).", ""]
    elif m.names_from == "source":
        lines += [SOURCE_NAMES_NOTE, ""]
    for side_name, groups in (("left", m.left_only), ("right", m.right_only)):
        lines += [f"### Only in the {_side_label(comparison, side_name)} article", ""]
        lines += _mentions(comparison, side_name, groups)
    shared = ", ".join(md_text(a.display) for a, _ in m.shared)
    lines += [f"Mentioned by both: {shared or '*nothing in common*'}", ""]

    lines += ["## Themes", ""]
    if not comparison.themes:
        lines += ["*No theme groups.*", ""]
    for number, theme in enumerate(comparison.themes, start=1):
        title = md_text(theme.label)
        lines += [
            f"### {number}. {title} ({len(theme.left_ids)} left · {len(theme.right_ids)} right)",
            "",
        ]
        for side_name, ids in (("left", theme.left_ids), ("right", theme.right_ids)):
            for i in ids:
                lines.append(f"- {_segment(comparison, side_name, i, sep=' — ')}")
        lines.append("")

    lines += ["## Page furniture (not compared)", ""]
    for side_name in SIDES:
        furniture = [s for s in comparison.side(side_name).segments if s.boilerplate]
        lines += [
            f"<details><summary>{side_name.capitalize()}: {len(furniture)} segments</summary>",
            "",
        ]
        lines += [f"- **{side_name[0].upper()}{s.id}** {md_text(s.text)}" for s in furniture]
        lines += ["", "</details>", ""]

    signature = json.dumps(comparison.signature, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    fence = "```"
    while fence in signature:
        fence += "`"
    lines += [
        "## Signature",
        "",
        f"`{comparison.signature.get('string', '')}`",
        "",
        f"{fence}json",
        signature,
        fence,
        "",
    ]
    return "\n".join(lines)
