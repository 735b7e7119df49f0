"""xlcompare: compare how news in different languages reports the same story.

The pipeline: article (read, decode, mark page furniture) -> segments (sentences with exact
offsets) -> translations (MarianMT / NLLB through transformers) -> alignment (multilingual
embeddings) -> comparison -> report. Heavy libraries load only when a step needs them.
"""
from xlcompare.api import (
    compare,
    compare_corpus,
    load_article,
    load_engine,
    segment,
    translate,
    untranslated,
)
from xlcompare.version import __version__

__all__ = [
    "__version__",
    "compare",
    "compare_corpus",
    "load_article",
    "load_engine",
    "segment",
    "translate",
    "untranslated",
]
