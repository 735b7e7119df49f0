"""Plain-text output of `xlcompare translate`: the English, one segment per line."""
from __future__ import annotations

from xlcompare.translation.model import TranslatedArticle


def render(result: TranslatedArticle) -> str:
    out = []
    for seg in result.segments:
        t = result.translations.get(seg.id)
        if t is not None:
            out.append(t.text.replace("\n", " "))
    return "\n".join(out) + "\n"
