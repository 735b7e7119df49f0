"""Notebook helpers: pandas tables, matplotlib figures and inline HTML views.

    from xlcompare.notebook import alignments_dataframe, plot_similarity
    alignments_dataframe(comparison)           # also: comparison.to_dataframe("alignments")
    plot_similarity(comparison, embedder=emb)  # a Figure; Jupyter shows it inline

pandas and matplotlib are the optional `xlcompare[notebook]` extra: they are imported when a
table or a figure is made (MissingDependencyError with the install command when absent),
never when this package is imported.
"""
from xlcompare.notebook.dataframes import (
    alignments_dataframe,
    comparison_dataframe,
    comparison_segments_dataframe,
    mentions_dataframe,
    segments_dataframe,
    themes_dataframe,
    uniques_dataframe,
)
from xlcompare.notebook.plots import (
    new_figure,
    plot_confidence,
    plot_evaluation,
    plot_scores,
    plot_similarity,
    plot_themes,
)

__all__ = [
    "alignments_dataframe",
    "comparison_dataframe",
    "comparison_segments_dataframe",
    "mentions_dataframe",
    "new_figure",
    "plot_confidence",
    "plot_evaluation",
    "plot_scores",
    "plot_similarity",
    "plot_themes",
    "segments_dataframe",
    "themes_dataframe",
    "uniques_dataframe",
]
