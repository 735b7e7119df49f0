"""Markdown output of `xlcompare translate`: source and English side by side.

Article text (and the model's English) is escaped exactly as in the comparison report, so
`![](http://tracker/pixel.png)` in an article stays text: rendered, it would be a remote
image that tells a third party who opened the report.
"""
from __future__ import annotations

from xlcompare.report.comparison_markdown import md_text
from xlcompare.translation.model import TranslatedArticle


def render(result: TranslatedArticle) -> str:
    article = result.article
    lines = [f"# {md_text(article.title or article.path or 'Article')}", ""]
    meta = [
        ("file", article.path),
        ("language", article.language),
        ("date", article.date),
        ("encoding", article.encoding),
    ]
    lines += [f"- **{k}**: {md_text(str(v))}" for k, v in meta if v]
    for warning in article.warnings:
        lines.append(f"- **warning**: {md_text(warning)}")
    sig = result.signature.get("string")
    if sig:
        lines.append(f"- **signature**: `{sig.replace('`', '')}`")
    lines += ["", "| # | source | English | flags |", "|---:|---|---|---|"]
    boilerplate = []
    for seg in result.segments:
        if seg.boilerplate:
            boilerplate.append(seg)
            continue
        t = result.translations.get(seg.id)
        english = md_text(t.text) if t else "*(not translated)*"
        flags = md_text(", ".join(t.flags)) if t and t.flags else ""
        lines.append(f"| {seg.id} | {md_text(seg.text)} | {english} | {flags} |")
    if boilerplate:
        lines += ["", f"<details><summary>Page furniture ({len(boilerplate)} segments, not translated)</summary>", ""]
        lines += [f"- \\[{seg.id}\\] {md_text(seg.text)}" for seg in boilerplate]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
