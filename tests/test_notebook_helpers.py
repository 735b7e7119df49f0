"""Notebook helpers: lazy optional imports, DataFrames, figures and escaped inline HTML.

Comparisons are built from the real seed articles with hand-made alignments and a tiny
hashing embedder, so these tests need no model and run in seconds. Translations, where a test
needs some, are placeholders: only the table's structure is asserted, never the English.
"""
from __future__ import annotations

import dataclasses
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import xlcompare
from xlcompare.alignment.model import Alignment
from xlcompare.comparison import build_comparison
from xlcompare.errors import MissingDependencyError
from xlcompare.notebook import segments_dataframe, uniques_dataframe
from xlcompare.translation.model import (
    FLAG_LOW_CONFIDENCE,
    SEGMENT_FIELDS,
    TranslatedArticle,
    Translation,
)

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SEGMENT_COLUMNS = list(SEGMENT_FIELDS)


class HashingEmbedder:
    """Character-trigram counts hashed into 64 dimensions: deterministic, instant, and close
    texts get close vectors, which is all the plots need."""

    name = "hashing-test"

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {text}  "
            for k in range(len(padded) - 2):
                out[row, zlib.crc32(padded[k : k + 3].encode()) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=out, where=norms > 0)

    def signature(self) -> dict[str, Any]:
        return {"embedder": self.name}


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_articles():
    return (
        xlcompare.load_article(SEEDS / "hi_tajikistan_china_counterterrorism.txt"),
        xlcompare.load_article(SEEDS / "fa_tajikistan_denies_chinese_base.txt"),
    )


def _content_ids(side: TranslatedArticle) -> list[int]:
    return [s.id for s in side.segments if not s.boilerplate]


def _with_placeholder_english(side: TranslatedArticle) -> TranslatedArticle:
    translations = {
        i: Translation(i, f"placeholder {i}", flags=(FLAG_LOW_CONFIDENCE,) if i % 2 else (),
                       confidence=0.5 if i % 3 == 0 else None)
        for i in _content_ids(side)
    }
    return dataclasses.replace(side, translations=translations)


def _comparison(seed_articles, translated: tuple[bool, bool] = (False, False), embedder=None):
    sides = [xlcompare.untranslated(a) for a in seed_articles]
    sides = [_with_placeholder_english(s) if t else s for s, t in zip(sides, translated)]
    left_ids, right_ids = (_content_ids(s) for s in sides)
    alignments = [
        Alignment((left_ids[1],), (right_ids[1],), 1.05, 0.91),
        Alignment((left_ids[2], left_ids[3]), (right_ids[3],), 1.02, 0.88),
    ]
    return build_comparison(sides[0], sides[1], alignments, embedder=embedder,
                            alignment_parameters={"threshold": 1.01, "min_z": 2.4})


@pytest.fixture(scope="module")
def comparison(seed_articles):
    return _comparison(seed_articles, embedder=HashingEmbedder())


# --- lazy, optional imports ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "module", ["xlcompare", "xlcompare.notebook", "xlcompare.comparison", "xlcompare.report.html_common"]
)
def test_importing_does_not_import_pandas_or_matplotlib(module):
    code = (
        f"import sys, {module}\n"
        "heavy = [m for m in ('pandas', 'matplotlib') if m in sys.modules]\n"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_plots_never_touch_pyplot(tmp_path):
    code = f"""
import sys
sys.path.insert(0, {str(REPO / 'tests')!r})
from test_notebook_helpers import HashingEmbedder
import xlcompare
from xlcompare.notebook import plot_similarity, plot_themes, plot_scores
left = xlcompare.load_article({str(SEEDS / 'hi_tajikistan_china_counterterrorism.txt')!r})
right = xlcompare.load_article({str(SEEDS / 'fa_tajikistan_denies_chinese_base.txt')!r})
c = xlcompare.compare(left, right, embedder=HashingEmbedder())
for fig in (plot_similarity(c, embedder=HashingEmbedder()), plot_themes(c), plot_scores(c)):
    fig.savefig({str(tmp_path)!r} + "/x.png")
assert "matplotlib.pyplot" not in sys.modules
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


@pytest.fixture
def no_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)


@pytest.fixture
def no_matplotlib(monkeypatch):
    from xlcompare.notebook import plots

    plots._figure_class.cache_clear()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    yield
    plots._figure_class.cache_clear()


@pytest.mark.parametrize(
    "make",
    [
        lambda c: c.left.to_dataframe(),
        lambda c: c.to_dataframe("alignments"),
        lambda c: c.to_dataframe("segments"),
        lambda c: segments_dataframe(c.right.article),
    ],
    ids=["translated-article", "alignments", "segments", "article"],
)
def test_tables_without_pandas_say_how_to_install(comparison, no_pandas, make):
    with pytest.raises(MissingDependencyError, match=r"\[notebook\] extra"):
        make(comparison)


@pytest.mark.parametrize(
    "plot",
    [
        lambda c, nb: nb.plot_themes(c),
        lambda c, nb: nb.plot_scores(c),
        lambda c, nb: nb.plot_similarity(c, embedder=HashingEmbedder()),
        lambda c, nb: nb.plot_evaluation([{"pair": "hi-en", "system": "a", "bleu": 1.0, "chrf": 2.0}]),
    ],
    ids=["themes", "scores", "similarity", "evaluation"],
)
def test_plots_without_matplotlib_say_how_to_install(comparison, no_matplotlib, plot):
    import xlcompare.notebook as nb

    with pytest.raises(MissingDependencyError, match=r"\[notebook\] extra"):
        plot(comparison, nb)


# --- DataFrames ---------------------------------------------------------------------------------


def test_segments_dataframe_of_an_article_keeps_offsets(seed_articles):
    from xlcompare.notebook import segments_dataframe

    article = seed_articles[1]
    frame = segments_dataframe(article)
    assert list(frame.columns) == SEGMENT_COLUMNS
    assert len(frame) == len(xlcompare.segment(article))
    assert all(article.text[r.start : r.end] == r.text for r in frame.itertuples())
    assert frame["translation"].isna().all()
    assert frame["boilerplate"].any() and not frame["boilerplate"].all()


def test_translated_article_to_dataframe(seed_articles):
    side = _with_placeholder_english(xlcompare.untranslated(seed_articles[0]))
    frame = side.to_dataframe()
    assert list(frame.columns) == SEGMENT_COLUMNS
    translated = frame[frame["translation"].notna()]
    assert set(translated["id"]) == set(side.translations)
    assert frame["confidence"].dtype == np.float64
    assert frame.loc[frame["confidence"].notna(), "id"].tolist() == [
        i for i, t in side.translations.items() if t.confidence is not None
    ]
    flagged = frame[frame["flags"].map(lambda f: FLAG_LOW_CONFIDENCE in f)]
    assert set(flagged["id"]) == {i for i, t in side.translations.items() if FLAG_LOW_CONFIDENCE in t.flags}


@pytest.mark.parametrize(
    ("translated", "english_columns"),
    [
        ((False, False), []),
        ((True, False), ["left_english"]),
        ((False, True), ["right_english"]),
        ((True, True), ["left_english", "right_english"]),
    ],
)
def test_alignments_dataframe(seed_articles, translated, english_columns):
    c = _comparison(seed_articles, translated)
    frame = c.to_dataframe()  # "alignments" is the default
    assert list(frame.columns) == [
        "left_ids", "right_ids", "shape", "score", "cosine", "left_text", "right_text", *english_columns
    ]
    assert len(frame) == len(c.alignments)
    for row, a in zip(frame.itertuples(), c.alignments):
        assert (row.left_ids, row.right_ids) == (a.left, a.right)
        assert row.shape == f"{len(a.left)}:{len(a.right)}"
        assert row.left_text == " ".join(c.segment("left", i).text for i in a.left)
        assert row.right_text == " ".join(c.segment("right", i).text for i in a.right)
    for column in english_columns:
        assert frame[column].notna().all()


def test_comparison_segments_dataframe_status(comparison):
    frame = comparison.to_dataframe("segments")
    assert len(frame) == len(comparison.left.segments) + len(comparison.right.segments)
    for side, unique in (("left", comparison.unique_left), ("right", comparison.unique_right)):
        rows = frame[frame["side"] == side]
        assert sorted(rows.loc[rows["status"] == "unique", "id"]) == sorted(unique)
        matched = {i for a in comparison.alignments for i in getattr(a, side)}
        assert set(rows.loc[rows["status"] == "matched", "id"]) == matched
        assert (rows.loc[rows["status"] == "boilerplate", "boilerplate"]).all()
    matched = frame[frame["status"] == "matched"]
    assert matched["score"].notna().all() and matched["partners"].map(len).gt(0).all()
    assert frame.loc[frame["status"] != "matched", "score"].isna().all()
    # Theme numbers are 1-based, as in the HTML report and plot_themes.
    numbers = set(frame["theme"].dropna())
    assert numbers and numbers <= set(range(1, len(comparison.themes) + 1))


@pytest.mark.parametrize("side", [None, "left", "right"])
def test_uniques_dataframe(comparison, side):
    from xlcompare.notebook import uniques_dataframe

    frame = uniques_dataframe(comparison, side)
    expected = [
        (name, i)
        for name in (("left", "right") if side is None else (side,))
        for i in (comparison.unique_left if name == "left" else comparison.unique_right)
    ]
    assert list(zip(frame["side"], frame["id"])) == expected


def test_mentions_and_themes_dataframes(comparison):
    mentions = comparison.to_dataframe("mentions")
    m = comparison.mentions
    assert len(mentions) == len(m.left_only) + len(m.right_only) + len(m.shared)
    assert set(mentions["where"]) <= {"left only", "right only", "both"}
    themes = comparison.to_dataframe("themes")
    assert len(themes) == sum(len(t.left_ids) + len(t.right_ids) for t in comparison.themes)
    assert set(themes["theme"]) == set(range(1, len(comparison.themes) + 1))


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c: c.to_dataframe("rows"), "kind must be one of"),
        (lambda c: uniques_dataframe(c, "middle"), "side must be"),
    ],
)
def test_bad_arguments_raise_value_error(comparison, call, error):
    with pytest.raises(ValueError, match=error):
        call(comparison)


# --- figures ------------------------------------------------------------------------------------


def _is_png(data: bytes) -> bool:
    return data[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_similarity_of_a_comparison(comparison):
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from xlcompare.notebook import plot_similarity

    fig = plot_similarity(comparison, embedder=HashingEmbedder())
    assert isinstance(fig, Figure)
    heatmap = fig.axes[0]
    n_left, n_right = (len(_content_ids(comparison.side(s))) for s in ("left", "right"))
    assert heatmap.images[0].get_array().shape == (n_left, n_right)
    boxes = [p for p in heatmap.patches if isinstance(p, Rectangle)]
    assert len(boxes) == len(comparison.alignments)
    two_to_one = next(b for b, a in zip(boxes, comparison.alignments) if len(a.left) == 2)
    assert (two_to_one.get_width(), two_to_one.get_height()) == (1, 2)
    labels = [t.get_text() for t in heatmap.get_yticklabels()]
    assert labels[0].startswith("L") and all(label.isascii() for label in labels)
    assert _is_png(fig._repr_png_())


def test_plot_similarity_of_segments_and_alignment_result(seed_articles, tmp_path):
    from xlcompare.alignment import align_segments
    from xlcompare.notebook import plot_similarity

    left, right = (xlcompare.segment(a) for a in seed_articles)
    result = align_segments(left, right, HashingEmbedder())
    fig = plot_similarity(left=left, right=right, alignments=result, embedder=HashingEmbedder(),
                          left_label="Hindi", right_label="Persian")
    assert fig.axes[0].images[0].get_array().shape == (len(left), len(right))
    assert "Hindi" in fig.axes[0].get_title()
    fig.savefig(tmp_path / "similarity.png")
    assert _is_png((tmp_path / "similarity.png").read_bytes())


def test_plot_similarity_needs_segments():
    from xlcompare.notebook import plot_similarity

    with pytest.raises(ValueError, match="needs a comparison"):
        plot_similarity(left=[], embedder=HashingEmbedder())


def test_plot_similarity_draws_into_a_given_axes(comparison):
    from xlcompare.notebook import new_figure, plot_similarity

    fig = new_figure()
    ax = fig.add_subplot()
    assert plot_similarity(comparison, embedder=HashingEmbedder(), ax=ax) is fig


def test_plot_themes(comparison):
    from xlcompare.notebook import plot_themes

    fig = plot_themes(comparison)
    ax = fig.axes[0]
    lanes = ax.collections
    assert [len(c.get_offsets()) for c in lanes] == [
        len(_content_ids(comparison.left)), len(_content_ids(comparison.right))
    ]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == len(comparison.themes) + 1  # one per theme, plus "aligned pair"
    assert all(text.isascii() for text in legend)
    assert _is_png(fig._repr_png_())


@pytest.mark.parametrize("with_embedder", [False, True])
def test_plot_scores(comparison, with_embedder):
    from xlcompare.notebook import plot_scores

    fig = plot_scores(comparison, embedder=HashingEmbedder() if with_embedder else None)
    margin_ax, cosine_ax = fig.axes
    assert str(len(comparison.alignments)) in margin_ax.get_title()
    assert any(line.get_label().startswith("margin threshold") for line in margin_ax.lines)
    if with_embedder:
        assert any("floor" in line.get_label() for line in cosine_ax.lines)
    assert _is_png(fig._repr_png_())


def test_plot_scores_without_alignments(seed_articles):
    from xlcompare.notebook import plot_scores

    sides = [xlcompare.untranslated(a) for a in seed_articles]
    fig = plot_scores(build_comparison(sides[0], sides[1], []))
    assert any("no alignments" in t.get_text() for ax in fig.axes for t in ax.texts)


def test_plot_evaluation_and_confidence():
    from xlcompare.notebook import plot_confidence, plot_evaluation

    table = [
        {"pair": "hi-en", "system": "a", "bleu": 30.0, "chrf": 55.0},
        {"pair": "hi-en", "system": "b", "bleu": 20.0, "chrf": 45.0},
        {"pair": "fa-en", "system": "a", "bleu": 25.0, "chrf": 50.0},
    ]
    fig = plot_evaluation(table)
    assert [len(ax.patches) for ax in fig.axes] == [3, 3]
    assert [ax.get_title() for ax in fig.axes] == ["BLEU", "chrF"]
    with pytest.raises(ValueError, match="lacks columns"):
        plot_evaluation([{"pair": "hi-en", "system": "a", "bleu": 1.0}])

    fig = plot_confidence({"correct": [0.9, 0.95, 0.8], "broken": [0.7, 0.75]}, threshold=0.85)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[:2] == ["correct: 33% flagged", "broken: 100% flagged"]


# --- inline HTML is escaped ---------------------------------------------------------------------

HOSTILE = "<script>alert('x')</script> & <img src=x onerror=alert(1)>"


@pytest.fixture
def hostile_articles(tmp_path):
    """The seeds with markup added to their second line and to their file names."""
    articles = []
    for name in ("hi_tajikistan_china_counterterrorism.txt", "fa_tajikistan_denies_chinese_base.txt"):
        lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
        lines[1] = f"{lines[1]} {HOSTILE}"
        path = tmp_path / f"<script>{name}"
        path.write_text("\n".join(lines), encoding="utf-8")
        articles.append(xlcompare.load_article(path, language=name[:2]))
    return articles


def _assert_escaped(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;" in html


def test_article_repr_html_is_escaped(hostile_articles):
    for article in hostile_articles:
        _assert_escaped(article._repr_html_())


def test_translated_article_repr_html_is_escaped_and_side_by_side(hostile_articles):
    side = xlcompare.untranslated(hostile_articles[1])
    hostile_id = next(s.id for s in side.segments if "<script>" in s.text)
    side = dataclasses.replace(
        side,
        translations={
            **_with_placeholder_english(side).translations,
            hostile_id: Translation(hostile_id, HOSTILE, flags=("<b>flag</b>",)),
        },
    )
    html = side._repr_html_()
    _assert_escaped(html)
    assert "<b>flag" not in html
    assert html.count('<tr class="row') == len(side.segments)
    assert 'dir="rtl" lang="fa"' in html  # Persian source cells
    assert 'dir="ltr" lang="en"' in html  # English cells
    assert html.count("page furniture, not translated") == sum(s.boilerplate for s in side.segments)


def test_comparison_repr_html_is_escaped(hostile_articles):
    sides = [xlcompare.untranslated(a) for a in hostile_articles]
    left_ids, right_ids = (_content_ids(s) for s in sides)
    c = build_comparison(sides[0], sides[1], [Alignment((left_ids[1],), (right_ids[1],), 1.1, 0.9)])
    _assert_escaped(c._repr_html_())


def test_alignment_result_to_dataframe():
    from xlcompare.alignment.result import AlignmentResult

    result = AlignmentResult([Alignment((1, 2), (0,), 1.04, 0.91)], [3], [], {})
    frame = result.to_dataframe()
    assert list(frame.columns) == ["left", "right", "score", "cosine"]
    assert frame.iloc[0]["left"] == [1, 2] and frame.iloc[0]["cosine"] == pytest.approx(0.91)
