"""JSON output of `xlcompare translate` (schema "xlcompare.translation/1")."""
from __future__ import annotations

import json

from xlcompare.translation.model import TranslatedArticle


def render(result: TranslatedArticle) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
