"""Ingestion: read an article file losslessly, detect its language, mark its furniture."""
from __future__ import annotations

from xlcompare.article.boilerplate import mark_blocks
from xlcompare.article.decode import decode_bytes
from xlcompare.article.language import detect_language
from xlcompare.article.metadata import extract_date, extract_title
from xlcompare.article.model import Article, Block
from xlcompare.article.normalize import NormalizedText, fold_digits, normalize_for_matching
from xlcompare.article.reader import article_from_text, load_article

__all__ = [
    "Article",
    "Block",
    "article_from_text",
    "NormalizedText",
    "decode_bytes",
    "detect_language",
    "extract_date",
    "extract_title",
    "fold_digits",
    "load_article",
    "mark_blocks",
    "normalize_for_matching",
]
