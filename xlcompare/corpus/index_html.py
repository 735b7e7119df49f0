"""index.html of a corpus run: the stories, then what stayed unmatched, then bad articles.

One self-contained file like the comparison report (inline CSS, no script, no URL but the
relative links to pairs/; a Content-Security-Policy forbids loading anything). Every
article-derived string goes through `esc`; titles carry their language's direction.
"""
from __future__ import annotations

from typing import Any

from xlcompare.report.html_common import CSS, esc, language_name, text_attributes

# The objects drawn are xlcompare.corpus.model's CorpusResult, PairMatch and CorpusArticle;
# typed Any because the model imports this module for its Jupyter view (no import cycle).
CorpusResult = PairMatch = CorpusArticle = Any

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

INDEX_CSS = """
.xlc table.stories{width:100%;border-collapse:collapse;font-size:.92rem;margin:6px 0 18px;table-layout:fixed}
.xlc table.stories th,.xlc table.stories td{border-bottom:1px solid var(--line);padding:7px 9px;
text-align:start;vertical-align:top;overflow-wrap:anywhere}
.xlc table.stories th{background:var(--soft);font-size:.8rem}
.xlc table.stories th.num,.xlc table.stories td.num{width:150px;text-align:center}
.xlc table.stories th.story,.xlc table.stories td.story{width:60px;text-align:center}
.xlc tr.story-start td{border-top:2px solid var(--ink)}
.xlc .t-en{color:#343a40;font-size:.86rem;margin-top:2px}
.xlc .aid{color:var(--muted);font:.75rem/1.4 ui-monospace,"DejaVu Sans Mono",monospace}
.xlc .share{display:block;font-size:.8rem;color:var(--muted)}
"""


def _title(article: CorpusArticle) -> str:
    title = article.title or article.id
    english = (f'<div class="t-en" dir="ltr" lang="en">{esc(article.title_en)}</div>'
               if article.title_en else "")
    return (f"<div{text_attributes(article.language)}>{esc(title)}</div>{english}"
            f'<div class="aid">{esc(article.id)}</div>')


def _share(match: PairMatch) -> str:
    return (
        f'<span class="share">right covers {match.left_share:.0%} of left '
        f"({match.shared_left}/{match.left.sentences})</span>"
        f'<span class="share">left covers {match.right_share:.0%} of right '
        f"({match.shared_right}/{match.right.sentences})</span>"
    )


def render_stories(result: CorpusResult, *, links: bool = True) -> str:
    if not result.matches:
        return '<p class="muted">No article of one side reports the same story as an article of the other.</p>'
    rows = []
    for story in result.stories:
        for position, index in enumerate(story.matches):
            m = result.matches[index]
            report = esc(m.report) if m.report else ""
            if links and m.report:
                report = f'<a href="{esc(m.report)}">comparison</a>'
            rows.append(
                f'<tr class="{"story-start" if position == 0 else "story"}" id="match-{index}">'
                f'<td class="story">{story.id + 1 if position == 0 else ""}</td>'
                f"<td>{_title(m.left)}</td><td>{esc(m.left.date or '')}</td>"
                f"<td>{_title(m.right)}</td><td>{esc(m.right.date or '')}</td>"
                f'<td class="num"><b>{m.score:.2f}</b>{_share(m)}</td><td>{report}</td></tr>'
            )
    head = ("<tr><th class=\"story\">story</th><th>left article</th><th style=\"width:96px\">date</th>"
            "<th>right article</th><th style=\"width:96px\">date</th><th class=\"num\">score</th>"
            "<th style=\"width:110px\">report</th></tr>")
    return f'<table class="stories"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def render_unmatched(result: CorpusResult) -> str:
    parts = []
    for side in ("left", "right"):
        articles = result.unmatched(side)
        items = "".join(
            f"<li>{_title(a)}<span class=\"muted\">{esc(a.date or 'no date')} · "
            f"{esc(language_name(a.language))} · {a.sentences} sentences</span></li>"
            for a in articles
        )
        parts.append(
            f'<details{" open" if articles and len(articles) <= 50 else ""}><summary>{side.capitalize()}: '
            f"{len(articles)} unmatched</summary><ol>{items}</ol></details>"
        )
    return '<div class="two">' + "".join(parts) + "</div>"


def render_bad(result: CorpusResult) -> str:
    bad = result.bad_articles
    if not bad:
        return '<p class="muted">None: every article was read.</p>'
    items = "".join(f"<li>{esc(a.side)}: {esc(a.error)}</li>" for a in bad)
    return f'<div class="warnings"><b>Left out ({len(bad)})</b><ul>{items}</ul></div>'


def render_summary(result: CorpusResult) -> str:
    stats = [
        (len(result.left), "left articles"),
        (len(result.right), "right articles"),
        (len(result.stories), "stories"),
        (len(result.matches), "matched pairs"),
        (len(result.unmatched("left")), "left unmatched"),
        (len(result.unmatched("right")), "right unmatched"),
        (len(result.bad_articles), "bad articles"),
    ]
    return '<div class="stats">' + "".join(
        f'<div class="stat"><b>{n}</b><span>{esc(label)}</span></div>' for n, label in stats
    ) + "</div>"


def render_fragment(result: CorpusResult, *, links: bool = False) -> str:
    """The page's body, scoped under .xlc (also the Jupyter view, where links would not
    resolve, so report paths are shown as text there)."""
    return (
        f'<div class="xlc"><style>{CSS}{INDEX_CSS}</style>'
        f"<h2>Stories</h2>{render_summary(result)}{render_stories(result, links=links)}"
        f"<h2>Unmatched</h2>{render_unmatched(result)}"
        f"<h2>Bad articles</h2>{render_bad(result)}</div>"
    )


def _date_rule(result: CorpusResult) -> str:
    days = result.settings.get("max_days")
    if not days:
        return "Publication dates did not limit matching."
    return f"Only articles published at most {days} days apart were compared (when both dates are known)."


def render_page(result: CorpusResult) -> str:
    """The full index.html (a str; write it as UTF-8)."""
    title = f"xlcompare corpus: {result.left_input} ↔ {result.right_input}"
    signature = result.signature.get("string", "")
    body = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="sub">Articles of the left input matched to articles of the right input that '
        f"report the same story, by the sentences they share. Score: share of the shorter "
        f"article's sentences linked to the other. {_date_rule(result)}</p>",
        '<nav class="toc"><a href="#stories">Stories</a><a href="#unmatched">Unmatched</a>'
        '<a href="#bad">Bad articles</a></nav>',
        '<h2 id="stories">Stories</h2>', render_summary(result), render_stories(result),
        '<h2 id="unmatched">Unmatched</h2>', render_unmatched(result),
        '<h2 id="bad">Bad articles</h2>', render_bad(result),
        f'<footer id="signature">Signature: <code>{esc(signature)}</code></footer>',
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="xlcompare">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}{INDEX_CSS}</style>\n</head>\n"
        '<body>\n<div class="xlc">\n' + "\n".join(body) + "\n</div>\n</body>\n</html>\n"
    )
