"""Comparison of two articles: what both say, what only one says, and where they differ.

    from xlcompare.comparison import compare_articles
    comparison = compare_articles(left, right)   # TranslatedArticle x 2
"""
from xlcompare.comparison.compare import build_comparison, compare_articles
from xlcompare.comparison.model import (
    SCHEMA,
    Comparison,
    MentionDifferences,
    MentionGroup,
    Row,
    ThemeGroup,
)

__all__ = [
    "SCHEMA",
    "Comparison",
    "MentionDifferences",
    "MentionGroup",
    "Row",
    "ThemeGroup",
    "build_comparison",
    "compare_articles",
]
