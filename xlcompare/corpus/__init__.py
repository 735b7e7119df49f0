"""Corpus comparison: match the articles of two presses that report the same story, then
compare every matched pair.

    from xlcompare.corpus import compare_corpus
    result = compare_corpus("hindi/", "persian.jsonl", "out/", translate=False)

sources.py (folders, JSONL) -> stages.py (read, translate, embed; filed in store.py) run by a
backend (backends/: local process pool, Ray Data) -> matching.py -> pairs.py (each matched
pair through `api.compare`) -> outputs.py + index_html.py. run.py drives it all.
"""
from xlcompare.corpus.matching import ArticleMatch, MatchSettings, SideVectors, match_articles
from xlcompare.corpus.model import SCHEMA, CorpusArticle, CorpusResult, PairMatch, Story
from xlcompare.corpus.run import compare_corpus

__all__ = [
    "SCHEMA",
    "ArticleMatch",
    "CorpusArticle",
    "CorpusResult",
    "MatchSettings",
    "PairMatch",
    "SideVectors",
    "Story",
    "compare_corpus",
    "match_articles",
]
