"""xlcompare: compare how news in different languages reports the same story.

The pipeline: article (read, decode, mark page furniture) -> segments (sentences with exact
offsets) -> translations (MarianMT / NLLB through transformers) -> alignment (multilingual
embeddings) -> comparison -> report. Heavy libraries load only when a step needs them.
"""
from xlcompare import views as _views
from xlcompare.api import (
    compare,
    compare_corpus,
    load_article,
    load_engine,
    open_embedder,
    segment,
    translate,
    untranslated,
)
from xlcompare.version import __version__

# The models' Jupyter and pandas views live in the layers above them (see xlcompare.views).
_views.register("AlignmentResult", "dataframe", "xlcompare.notebook.dataframes:alignment_result_dataframe")
_views.register("Comparison", "html", "xlcompare.report.html_common:render_comparison_fragment")
_views.register("Comparison", "dataframe", "xlcompare.notebook.dataframes:comparison_dataframe")
_views.register("TranslatedArticle", "html", "xlcompare.notebook.display:render_translated_article")
_views.register("TranslatedArticle", "dataframe", "xlcompare.notebook.dataframes:segments_dataframe")

__all__ = [
    "__version__",
    "compare",
    "compare_corpus",
    "load_article",
    "load_engine",
    "open_embedder",
    "segment",
    "translate",
    "untranslated",
]
