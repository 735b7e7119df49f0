"""Pieces shared by the HTML report and the Jupyter view: escaping, CSS, the side-by-side table.

Rules every function here keeps:

- All article-derived text (source, English, titles, paths, labels, flags) goes through `esc`,
  which is `html.escape(..., quote=True)`: an article containing `<script>` shows it as text.
- Nothing refers to anything outside the page: no URL, no web font, no script. Fonts are
  named from the system's own (Noto, DejaVu, Tahoma, ...).
- Every CSS rule is scoped under `.xlc`, so the same markup can sit inside a Jupyter page
  without restyling it.
- The side of an RTL language (Persian, Arabic, Urdu, ...) gets `dir="rtl"` and `lang` on
  its cells; its English keeps `dir="ltr"`.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from xlcompare.lang.languages import RTL_LANGUAGES
from xlcompare.lang.languages import language_name as language_name
from xlcompare.translation.model import FLAG_LOW_CONFIDENCE

if TYPE_CHECKING:
    from xlcompare.comparison.model import Comparison, Row
    from xlcompare.segments.model import Segment
    from xlcompare.translation.model import TranslatedArticle

SIDES = ("left", "right")


def esc(value: Any) -> str:
    """HTML-escape anything, quotes included (safe in text and in attribute values)."""
    return html.escape("" if value is None else str(value), quote=True)


def direction(language: str | None) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def text_attributes(language: str | None) -> str:
    """` dir="rtl" lang="fa"` for an element holding text in `language`."""
    lang = f' lang="{esc(language)}"' if language else ""
    return f' dir="{direction(language)}"{lang}'


def side_label(comparison: Comparison, side: str) -> str:
    return f"{side.capitalize()} · {language_name(comparison.side(side).article.language)}"


def article_name(side: TranslatedArticle) -> str:
    article = side.article
    if article.title:
        return article.title
    if article.path:
        return article.path.replace("\\", "/").rsplit("/", 1)[-1]
    return "untitled article"


def anchor(side: str, segment_id: int) -> str:
    return f"{side[0].upper()}-{segment_id}"


CSS = """
.xlc{--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--soft:#f6f8fa;--left:#3b5bdb;--right:#0b7285;
--uniq:#fff4e0;--uniq-line:#e8590c;--rel:#eef3ff;--rel-line:#4c6ef5;--mark:#ffe27a;--warn:#fff8c5;--warn-line:#d4a72c;--good:#2b8a3e;
color:var(--ink);background:#fff;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,
"Noto Sans","Noto Sans Devanagari","Noto Naskh Arabic","Vazirmatn",Tahoma,"DejaVu Sans",sans-serif;
max-width:1400px;margin:0 auto;padding:0 20px 40px}
.xlc *{box-sizing:border-box}
.xlc h1{font-size:1.5rem;margin:20px 0 4px}
.xlc h2{font-size:1.2rem;margin:34px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
.xlc h3{font-size:1rem;margin:0 0 6px}
.xlc .sub{color:var(--muted);margin:0 0 16px}
.xlc .muted{color:var(--muted)}
.xlc .cards{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.xlc .card{border:1px solid var(--line);border-radius:8px;padding:12px 16px;background:#fff}
.xlc .card.left{border-top:4px solid var(--left)}
.xlc .card.right{border-top:4px solid var(--right)}
.xlc .card .who{font-size:.78rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.xlc .card .title{font-size:1.1rem;font-weight:600;margin:4px 0 8px;overflow-wrap:anywhere}
.xlc dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0;font-size:.88rem}
.xlc dl.meta dt{color:var(--muted)}
.xlc dl.meta dd{margin:0;overflow-wrap:anywhere}
.xlc .warnings{border:1px solid var(--warn-line);background:var(--warn);border-radius:8px;
padding:10px 16px;margin:14px 0}
.xlc .warnings ul{margin:4px 0 0;padding-left:20px}
.xlc nav.toc{margin:14px 0;font-size:.9rem}
.xlc nav.toc a{margin-right:14px;color:var(--left);text-decoration:none}
.xlc .stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:12px 0}
.xlc .stat{border:1px solid var(--line);border-radius:8px;padding:8px 12px;background:var(--soft)}
.xlc .stat b{display:block;font-size:1.4rem}
.xlc .stat span{color:var(--muted);font-size:.85rem}
.xlc .coverage{display:grid;grid-template-columns:max-content 1fr max-content;gap:6px 10px;
align-items:center;font-size:.88rem;margin:8px 0 0}
.xlc .cbar{display:flex;height:12px;border-radius:6px;overflow:hidden;background:var(--soft);
border:1px solid var(--line)}
.xlc .cbar .m{background:var(--good)}
.xlc .cbar .r{background:var(--rel-line);opacity:.8}
.xlc .cbar .u{background:var(--uniq-line);opacity:.75}
.xlc .legend{display:flex;flex-wrap:wrap;gap:16px;font-size:.85rem;color:var(--muted);margin:6px 0 10px}
.xlc .legend .sw{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;
margin-right:5px;border:1px solid var(--line)}
.xlc table.sbs{width:100%;border-collapse:separate;border-spacing:0;table-layout:fixed;
border:1px solid var(--line);border-radius:8px}
.xlc table.sbs th{position:sticky;top:0;background:var(--soft);font-size:.85rem;text-align:left;
padding:8px 10px;border-bottom:1px solid var(--line);z-index:1}
.xlc table.sbs th.score,.xlc table.sbs td.score{width:118px;text-align:center}
.xlc table.sbs td{vertical-align:top;padding:10px 12px;border-bottom:1px solid var(--line)}
.xlc tr.row.unique-left td.left,.xlc tr.row.unique-right td.right{background:var(--uniq);
box-shadow:inset 4px 0 0 var(--uniq-line)}
.xlc tr.row.related td.left,.xlc tr.row.related td.right{background:var(--rel);
box-shadow:inset 4px 0 0 var(--rel-line)}
.xlc mark{background:var(--mark);color:inherit;padding:0 1px;border-radius:2px}
.xlc tr.row td.empty{background:repeating-linear-gradient(135deg,#fafbfc 0 8px,#f0f2f4 8px 16px);
color:var(--muted);font-size:.85rem;text-align:center;vertical-align:middle}
.xlc .seg+.seg{margin-top:8px;padding-top:8px;border-top:1px dashed var(--line)}
.xlc .sid{display:inline-block;font:600 .72rem/1.5 ui-monospace,"DejaVu Sans Mono",monospace;
color:var(--muted);background:var(--soft);border:1px solid var(--line);border-radius:4px;
padding:0 5px;margin:0 6px 0 0;direction:ltr;unicode-bidi:isolate}
.xlc [dir="rtl"] .sid{margin:0 0 0 6px}
.xlc td.left .sid{border-color:var(--left)}
.xlc td.right .sid{border-color:var(--right)}
.xlc .src{font-size:1.02rem;overflow-wrap:anywhere}
.xlc .en{margin-top:4px;color:#343a40;font-size:.92rem;border-inline-start:3px solid var(--line);
padding-inline-start:8px;overflow-wrap:anywhere}
.xlc .en.low{border-color:var(--warn-line);background:var(--warn)}
.xlc .flag{display:inline-block;font-size:.72rem;border-radius:10px;padding:0 7px;margin:3px 4px 0 0;
background:#eef1f4;color:var(--muted);border:1px solid var(--line)}
.xlc .flag.warn{background:var(--warn);border-color:var(--warn-line);color:#6b4e00}
.xlc .badge{display:inline-block;font-size:.72rem;font-weight:600;border-radius:10px;padding:0 8px;
background:var(--uniq-line);color:#fff;margin-bottom:4px}
.xlc .badge.related{background:var(--rel-line)}
.xlc .score b{font-size:1.05rem}
.xlc .score small{display:block;color:var(--muted);font-size:.75rem}
.xlc .kind{font-size:.75rem;color:var(--muted)}
.xlc td.score .kind{display:block}
.xlc details{border:1px solid var(--line);border-radius:8px;padding:8px 14px;margin:8px 0;background:var(--soft)}
.xlc details summary{cursor:pointer;font-weight:600}
.xlc details ol{margin:8px 0 0;padding-inline-start:0;list-style:none}
.xlc details li{padding:3px 0;border-bottom:1px dotted var(--line);overflow-wrap:anywhere}
.xlc .two{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.xlc .theme{border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:12px 0}
.xlc .theme .cols{display:grid;grid-template-columns:1fr 1fr;gap:14px;margin-top:8px}
.xlc .theme .col{font-size:.92rem}
.xlc .theme .col .seg{padding:4px 0}
.xlc .theme .count{font-size:.8rem;color:var(--muted)}
.xlc table.diff{width:100%;border-collapse:collapse;font-size:.9rem;margin:6px 0 14px}
.xlc table.diff th,.xlc table.diff td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:start;
vertical-align:top}
.xlc table.diff th{background:var(--soft);font-size:.8rem}
.xlc a.ref{color:inherit;text-decoration:none;border-bottom:1px dotted var(--muted)}
.xlc a.sidlink{text-decoration:none}
.xlc footer{margin-top:40px;border-top:1px solid var(--line);padding-top:12px;font-size:.85rem;color:var(--muted)}
.xlc footer code,.xlc pre{font:.8rem/1.45 ui-monospace,"DejaVu Sans Mono",monospace}
.xlc pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px;
overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;color:var(--ink)}
@media (max-width:800px){.xlc .cards,.xlc .two,.xlc .theme .cols{grid-template-columns:1fr}}
@media print{.xlc table.sbs th{position:static}.xlc details{break-inside:avoid}}
"""


def render_flags(side: TranslatedArticle, segment_id: int) -> str:
    t = side.translations.get(segment_id)
    if t is None:
        return ""
    parts = []
    for flag in t.flags:
        cls = "flag warn" if flag == FLAG_LOW_CONFIDENCE else "flag"
        parts.append(f'<span class="{cls}">{esc(flag)}</span>')
    if t.confidence is not None:
        parts.append(f'<span class="flag" title="source/translation similarity">conf {t.confidence:.2f}</span>')
    if t.pieces > 1:
        parts.append(f'<span class="flag">{t.pieces} pieces</span>')
    return f'<div class="flags" dir="ltr">{"".join(parts)}</div>' if parts else ""


def highlighted(segment: Segment, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The segment's text cut into (piece, inside a span) parts; spans are article offsets."""
    merged: list[list[int]] = []
    for start, end in sorted((max(s, segment.start), min(e, segment.end)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[tuple[str, bool]] = []
    position = segment.start
    for start, end in merged:
        if start > position:
            parts.append((segment.text[position - segment.start:start - segment.start], False))
        parts.append((segment.text[start - segment.start:end - segment.start], True))
        position = end
    if position < segment.end:
        parts.append((segment.text[position - segment.start:], False))
    return parts


def render_segment(
    side: TranslatedArticle, segment: Segment, side_name: str, *, with_anchor: bool = True,
    link: bool = False, highlight: Sequence[tuple[int, int]] = (),
) -> str:
    """One segment: its id, source text, English (when translated) and translation flags.

    `with_anchor` gives it the id the rest of the page links to; `link` makes its id badge a
    link to that anchor instead (for copies of a segment elsewhere on the page). `highlight`
    marks spans of the source (article offsets: the clauses a related passage shares). The
    caller's element carries the side's `dir` and `lang`; the English is marked LTR here.
    """
    id_attr = f' id="{anchor(side_name, segment.id)}"' if with_anchor else ""
    title = f"characters {segment.start}–{segment.end}"
    badge = f'<span class="sid" title="{esc(title)}">{esc(side_name[0].upper())}{segment.id}</span>'
    if link:
        badge = f'<a class="sidlink" href="#{anchor(side_name, segment.id)}" title="go to this row">{badge}</a>'
    parts = [
        f'<div class="seg"{id_attr}>',
        badge,
        '<span class="src">'
        + "".join(f"<mark>{esc(piece)}</mark>" if marked else esc(piece) for piece, marked in highlighted(segment, highlight))
        + "</span>",
    ]
    t = side.translations.get(segment.id)
    if t is not None:
        low = " low" if FLAG_LOW_CONFIDENCE in t.flags else ""
        parts.append(f'<div class="en{low}" dir="ltr" lang="en">{esc(t.text)}</div>')
        parts.append(render_flags(side, segment.id))
    parts.append("</div>")
    return "".join(parts)


def _cell(comparison: Comparison, side_name: str, row: Row) -> str:
    side = comparison.side(side_name)
    ids = list(row.left_ids if side_name == "left" else row.right_ids)
    if not ids:
        other = "left" if side_name == "right" else "right"
        return f'<td class="{side_name} empty">no counterpart in the {side_name} article;<br>only the {other} says this</td>'
    badge = ""
    if row.kind == f"unique-{side_name}":
        badge = f'<span class="badge" dir="ltr">only in {side_name}</span>'
    elif row.kind == "related":
        badge = '<span class="badge related" dir="ltr">related: shares the highlighted clause</span>'
    spans = row.shared_spans(side_name)
    segments = "".join(
        render_segment(side, comparison.segment(side_name, i), side_name, highlight=spans) for i in ids
    )
    return f'<td class="{side_name}"{text_attributes(side.article.language)}>{badge}{segments}</td>'


def render_score(row: Row) -> str:
    a = row.alignment
    if a is None and row.related:
        best = max(row.related, key=lambda r: r.score)
        return (
            f'<td class="score"><span class="kind">related</span><b title="clause margin score">{best.score:.3f}</b>'
            f"<small>clause margin</small><small>cosine {best.cosine:.3f}</small></td>"
        )
    if a is None:
        return '<td class="score"><span class="kind">unique</span></td>'
    # No bar: a small multilingual model's cosines all sit in a narrow band (0.8-0.9), so
    # a bar would look equally full for good and poor matches.
    cosine = "" if a.cosine is None else f"<small>cosine {a.cosine:.3f}</small>"
    shape = f"{len(a.left)}:{len(a.right)}"
    return (
        f'<td class="score"><b title="margin score">{a.score:.3f}</b><small>margin · {shape}</small>'
        f"{cosine}</td>"
    )


def render_side_by_side(comparison: Comparison) -> str:
    """The two articles as aligned rows: left segments | score | right segments."""
    head = (
        '<table class="sbs"><thead><tr>'
        f'<th class="left">{esc(side_label(comparison, "left"))}</th>'
        '<th class="score">similarity</th>'
        f'<th class="right">{esc(side_label(comparison, "right"))}</th>'
        "</tr></thead><tbody>"
    )
    body = []
    for number, row in enumerate(comparison.rows(), start=1):
        body.append(
            f'<tr class="row {row.kind}" id="row-{number}">'
            + _cell(comparison, "left", row)
            + render_score(row)
            + _cell(comparison, "right", row)
            + "</tr>"
        )
    if not body:
        body.append('<tr><td colspan="3" class="muted">Neither article has content segments.</td></tr>')
    return head + "".join(body) + "</tbody></table>"


def render_legend() -> str:
    return (
        '<div class="legend">'
        '<span><span class="sw" style="background:#fff"></span>matched: both articles say this</span>'
        '<span><span class="sw" style="background:#eef3ff;border-color:#4c6ef5"></span>related: the sentences '
        "differ, the <mark>highlighted</mark> clauses say the same</span>"
        '<span><span class="sw" style="background:#fff4e0;border-color:#e8590c"></span>said by one article only</span>'
        '<span><span class="sw" style="background:repeating-linear-gradient(135deg,#fafbfc 0 4px,#f0f2f4 4px 8px)"></span>'
        "no counterpart</span>"
        "<span><b>margin</b>: how much closer the pair is than each side's other nearest "
        "neighbours (higher is clearer); <b>cosine</b>: plain similarity</span>"
        "</div>"
    )


def render_header(comparison: Comparison, *, heading_level: int = 1) -> str:
    h = f"h{heading_level}"
    cards = []
    for side_name in SIDES:
        side = comparison.side(side_name)
        article = side.article
        content = sum(not s.boilerplate for s in side.segments)
        furniture = len(side.segments) - content
        translated = (
            f"{len(side.translations)} segments · {side.signature.get('string') or side.signature.get('model') or 'yes'}"
            if side.translations
            else "no (source text only)"
        )
        rows = [
            ("language", language_name(article.language)),
            ("published", article.date or "unknown"),
            ("file", article.path or "—"),
            ("segments", f"{content} content · {furniture} page furniture"),
            ("translated", translated),
        ]
        meta = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
        warnings = "".join(f"<li>{esc(w)}</li>" for w in article.warnings)
        warn_html = f'<ul class="muted">{warnings}</ul>' if warnings else ""
        cards.append(
            f'<div class="card {side_name}"><div class="who">{esc(side_name)} article</div>'
            f'<div class="title"{text_attributes(article.language)}>{esc(article_name(side))}</div>'
            f'<dl class="meta">{meta}</dl>{warn_html}</div>'
        )
    warnings = ""
    if comparison.warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in comparison.warnings)
        warnings = f'<div class="warnings" role="note"><b>Read with care</b><ul>{items}</ul></div>'
    names = " ↔ ".join(f"{language_name(comparison.side(s).article.language)}" for s in SIDES)
    return (
        f"<{h}>Comparison of two articles: {esc(names)}</{h}>"
        f'<p class="sub">Generated by xlcompare {esc(comparison.signature.get("xlcompare", ""))}. '
        "The sentences of the two articles are aligned across languages: each row pairs what "
        "both say; rows marked related pair sentences that share a clause; highlighted rows "
        "hold what only one of them says.</p>"
        f'<div class="cards">{"".join(cards)}</div>{warnings}'
    )


def render_summary(comparison: Comparison) -> str:
    c = comparison.summary()
    stats = [
        (c["links"], "matched passages (links)"),
        (c["related_passages"], "related passages (a shared clause)"),
        (f'{c["left"]["matched"]}/{c["left"]["content"]}', "left segments matched"),
        (f'{c["right"]["matched"]}/{c["right"]["content"]}', "right segments matched"),
        (c["left"]["only"], "said by the left only"),
        (c["right"]["only"], "said by the right only"),
        (c["themes"], "theme groups"),
    ]
    if c["mean_score"] is not None:
        stats.append((f'{c["mean_score"]:.3f}', "mean margin score"))
    boxes = "".join(f'<div class="stat"><b>{esc(v)}</b><span>{esc(k)}</span></div>' for v, k in stats)
    bars = []
    for side_name in SIDES:
        s = c[side_name]
        total = s["content"] or 1
        matched, related = 100 * s["matched"] / total, 100 * s["related"] / total
        only = 100 * s["only"] / total
        bars.append(
            f"<span>{esc(side_label(comparison, side_name))}</span>"
            f'<div class="cbar" title="matched / related / said by this side only">'
            f'<span class="m" style="width:{matched:.1f}%"></span><span class="r" style="width:{related:.1f}%"></span>'
            f'<span class="u" style="width:{only:.1f}%"></span></div>'
            f'<span class="muted">{matched:.0f}% matched, {related:.0f}% related</span>'
        )
    return f'<div class="stats">{boxes}</div><div class="coverage">{"".join(bars)}</div>'


def render_comparison_fragment(comparison: Comparison) -> str:
    """The inline (Jupyter) view: header, summary and side-by-side table, styles scoped."""
    return (
        f'<div class="xlc"><style>{CSS}</style>'
        + render_header(comparison, heading_level=3)
        + render_summary(comparison)
        + render_legend()
        + render_side_by_side(comparison)
        + "</div>"
    )
