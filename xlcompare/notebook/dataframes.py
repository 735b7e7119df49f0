"""pandas views of articles, translations and comparisons, for slicing in a notebook.

Every function takes the library's dataclasses and returns a new `pandas.DataFrame` (one row
per segment, alignment, unique segment, mention or theme member); nothing is cached, so a
table always reflects the object as it is now. Segment ids are the ids of the reports and the
side-by-side view, so a row can be found there and traced back to its `[start, end)`
characters in the input.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlcompare.notebook.deps import pandas
from xlcompare.translation.model import SEGMENT_FIELDS

if TYPE_CHECKING:
    import pandas as pd

    from xlcompare.alignment.result import AlignmentResult
    from xlcompare.article.model import Article
    from xlcompare.comparison.model import Comparison
    from xlcompare.translation.model import TranslatedArticle

SEGMENT_COLUMNS = list(SEGMENT_FIELDS)
COMPARISON_KINDS = ("alignments", "segments", "uniques", "mentions", "themes")
SIDES = ("left", "right")


def _as_translated(article: Article | TranslatedArticle) -> TranslatedArticle:
    from xlcompare.article.model import Article as _Article

    if isinstance(article, _Article):
        from xlcompare.translation.pipeline import untranslated

        return untranslated(article)
    return article


def _frame(records: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    pd = pandas()
    extra = [c for r in records[:1] for c in r if c not in columns]
    frame = pd.DataFrame.from_records(records, columns=columns + extra)
    if "confidence" in frame.columns:
        # None -> NaN, so the column sorts and plots as numbers.
        frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce").astype("float64")
    return frame


def alignment_result_dataframe(result: AlignmentResult) -> pd.DataFrame:
    """One row per alignment of an `AlignmentResult`: left, right, score, cosine."""
    return _frame([a.to_dict() for a in result.alignments], ["left", "right", "score", "cosine"])


def segments_dataframe(article: Article | TranslatedArticle) -> pd.DataFrame:
    """One row per segment, with the keys of `xlcompare.translation.model.segment_record`:
    id, start, end, text, boilerplate, translation, flags, pieces, cached, confidence.

    An `Article` is segmented first (no translation). For HTML input, `source_start` and
    `source_end` locate each segment in the HTML file.
    """
    return _frame(_as_translated(article).segment_records(), list(SEGMENT_COLUMNS))


def _side_text(comparison: Comparison, side: str, ids: tuple[int, ...]) -> str:
    return " ".join(comparison.segment(side, i).text for i in ids)


def _side_english(comparison: Comparison, side: str, ids: tuple[int, ...]) -> str | None:
    parts = [comparison.english(side, i) for i in ids]
    if all(p is None for p in parts):
        return None
    return " ".join(p for p in parts if p)


def alignments_dataframe(comparison: Comparison) -> pd.DataFrame:
    """One row per alignment: left_ids, right_ids, shape, score (margin), cosine, left_text,
    right_text, and left_english / right_english for each side that is translated."""
    translated = {side: bool(comparison.side(side).translations) for side in SIDES}
    columns = ["left_ids", "right_ids", "shape", "score", "cosine", "left_text", "right_text"]
    columns += [f"{side}_english" for side in SIDES if translated[side]]
    records = []
    for a in comparison.alignments:
        record: dict[str, Any] = {
            "left_ids": tuple(a.left),
            "right_ids": tuple(a.right),
            "shape": f"{len(a.left)}:{len(a.right)}",
            "score": float(a.score),
            "cosine": None if a.cosine is None else float(a.cosine),
            "left_text": _side_text(comparison, "left", a.left),
            "right_text": _side_text(comparison, "right", a.right),
        }
        for side in SIDES:
            if translated[side]:
                record[f"{side}_english"] = _side_english(comparison, side, getattr(a, side))
        records.append(record)
    frame = _frame(records, columns)
    frame["cosine"] = pandas().to_numeric(frame["cosine"], errors="coerce").astype("float64")
    return frame


def uniques_dataframe(comparison: Comparison, side: str | None = None) -> pd.DataFrame:
    """The segments one article says alone: side, id, text, translation (None if untranslated).

    `side="left"` or `"right"` keeps one side; the default stacks both.
    """
    if side is not None:
        comparison.side(side)  # raises ValueError for anything but "left" / "right"
    sides = SIDES if side is None else (side,)
    records = []
    for name in sides:
        ids = comparison.unique_left if name == "left" else comparison.unique_right
        for i in ids:
            seg = comparison.segment(name, i)
            records.append(
                {"side": name, "id": i, "start": seg.start, "end": seg.end, "text": seg.text,
                 "translation": comparison.english(name, i)}
            )
    return _frame(records, ["side", "id", "start", "end", "text", "translation"])


def comparison_segments_dataframe(comparison: Comparison) -> pd.DataFrame:
    """Every segment of both sides with its fate in the comparison.

    The segment columns of `segments_dataframe`, plus `side`, `status` ("matched", "unique" or
    "boilerplate"), `partners` (the other side's ids it is aligned with), `score` and `cosine`
    of that alignment, and `theme`: the theme group's number, as in the HTML report and
    `plot_themes` (1 is `comparison.themes[0]`; the last may be the "other" group of segments
    that joined no topic; None for boilerplate).
    """
    partner: dict[tuple[str, int], tuple[tuple[int, ...], float, float | None]] = {}
    for a in comparison.alignments:
        for i in a.left:
            partner[("left", i)] = (tuple(a.right), float(a.score), a.cosine)
        for i in a.right:
            partner[("right", i)] = (tuple(a.left), float(a.score), a.cosine)
    theme_of: dict[tuple[str, int], int] = {}
    for number, theme in enumerate(comparison.themes, start=1):
        for i in theme.left_ids:
            theme_of[("left", i)] = number
        for i in theme.right_ids:
            theme_of[("right", i)] = number
    records = []
    for name in SIDES:
        for record in comparison.side(name).segment_records():
            key = (name, record["id"])
            link = partner.get(key)
            status = "boilerplate" if record["boilerplate"] else ("matched" if link else "unique")
            records.append(
                {
                    "side": name,
                    **record,
                    "status": status,
                    "partners": link[0] if link else (),
                    "score": link[1] if link else None,
                    "cosine": link[2] if link else None,
                    "theme": theme_of.get(key),
                }
            )
    columns = ["side", *SEGMENT_COLUMNS, "status", "partners", "score", "cosine", "theme"]
    frame = _frame(records, columns)
    pd = pandas()
    for column in ("score", "cosine"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["theme"] = frame["theme"].astype("Int64")
    return frame


def mentions_dataframe(comparison: Comparison) -> pd.DataFrame:
    """Numbers, dates and names: one row per value, with `where` = "left only", "right only" or
    "both", its kind, canonical value, readable form, how each side wrote it and where."""
    m = comparison.mentions
    records = []
    for where, groups in (("left only", m.left_only), ("right only", m.right_only)):
        for g in groups:
            on_left = where == "left only"
            records.append(
                {
                    "where": where, "kind": g.kind, "value": g.value, "display": g.display,
                    "left_texts": list(g.texts) if on_left else [],
                    "right_texts": [] if on_left else list(g.texts),
                    "left_ids": tuple(g.segment_ids) if on_left else (),
                    "right_ids": () if on_left else tuple(g.segment_ids),
                }
            )
    for left, right in m.shared:
        records.append(
            {
                "where": "both", "kind": left.kind, "value": left.value, "display": left.display,
                "left_texts": list(left.texts), "right_texts": list(right.texts),
                "left_ids": tuple(left.segment_ids), "right_ids": tuple(right.segment_ids),
            }
        )
    columns = ["where", "kind", "value", "display", "left_texts", "right_texts", "left_ids", "right_ids"]
    return _frame(records, columns)


def themes_dataframe(comparison: Comparison) -> pd.DataFrame:
    """One row per segment in a theme group: theme (its number, 1 = `comparison.themes[0]`, as
    in the HTML report), label, label_source, other (the catch-all group), side, id."""
    records = []
    for number, theme in enumerate(comparison.themes, start=1):
        for name, ids in (("left", theme.left_ids), ("right", theme.right_ids)):
            for i in ids:
                records.append(
                    {"theme": number, "label": theme.label, "label_source": theme.label_source,
                     "other": theme.other, "side": name, "id": i}
                )
    return _frame(records, ["theme", "label", "label_source", "other", "side", "id"])


def comparison_dataframe(comparison: Comparison, kind: str = "alignments") -> pd.DataFrame:
    """`Comparison.to_dataframe`: kind is one of "alignments", "segments", "uniques",
    "mentions", "themes"."""
    makers = {
        "alignments": alignments_dataframe,
        "segments": comparison_segments_dataframe,
        "uniques": uniques_dataframe,
        "mentions": mentions_dataframe,
        "themes": themes_dataframe,
    }
    if kind not in makers:
        raise ValueError(f"kind must be one of {', '.join(COMPARISON_KINDS)}; got {kind!r}")
    return makers[kind](comparison)
