"""Markdown output of `xlcompare translate`: source and English side by side."""
from __future__ import annotations

from xlcompare.translation.model import TranslatedArticle


def md_cell(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return (
        text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", " ").replace("\n", " ")
        .replace("<", "&lt;").replace(">", "&gt;")
    )


def render(result: TranslatedArticle) -> str:
    article = result.article
    lines = [f"# {md_cell(article.title or article.path or 'Article')}", ""]
    meta = [
        ("file", article.path),
        ("language", article.language),
        ("date", article.date),
        ("encoding", article.encoding),
    ]
    lines += [f"- **{k}**: {md_cell(str(v))}" for k, v in meta if v]
    for warning in article.warnings:
        lines.append(f"- **warning**: {md_cell(warning)}")
    sig = result.signature.get("string")
    if sig:
        lines.append(f"- **signature**: `{sig}`")
    lines += ["", "| # | source | English | flags |", "|---:|---|---|---|"]
    boilerplate = []
    for seg in result.segments:
        if seg.boilerplate:
            boilerplate.append(seg)
            continue
        t = result.translations.get(seg.id)
        english = md_cell(t.text) if t else "*(not translated)*"
        flags = ", ".join(t.flags) if t and t.flags else ""
        lines.append(f"| {seg.id} | {md_cell(seg.text)} | {english} | {flags} |")
    if boilerplate:
        lines += ["", f"<details><summary>Page furniture ({len(boilerplate)} segments, not translated)</summary>", ""]
        lines += [f"- [{seg.id}] {md_cell(seg.text)}" for seg in boilerplate]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
