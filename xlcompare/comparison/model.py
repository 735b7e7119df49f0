"""The `Comparison` of two translated (or untranslated) articles, and its parts.

A comparison holds the two sides, the alignments between their segments, what each side says
alone, the numbers/dates/names mentioned by one side only, topic groups, and warnings. It is
built by `xlcompare.comparison.compare.compare_articles`; reports only read it.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from xlcompare import views
from xlcompare.alignment.model import Alignment
from xlcompare.segments.model import Segment
from xlcompare.translation.model import TranslatedArticle

SCHEMA = "xlcompare.comparison/1"


@dataclass(frozen=True)
class MentionGroup:
    """Every mention of one value (a date, a number, a name) in one article.

    `value` is the canonical form compared across the two sides, whatever the script:
    dates as ISO ("2024-07-12", "2024-07", "--07-12"), numbers with ASCII digits and a dot for
    the decimal separator ("12000", "2.5"), percentages without the sign ("12.5"), names folded
    to lower case ("china", "farhad salim").
    """

    kind: str  # "date" | "year" | "percent" | "number" | "person" | "place" | "organisation" | "name"
    value: str
    display: str  # readable form of the value: "12 July 2024", "12.5%", "China"
    texts: tuple[str, ...]  # how it was written (source text; English for names)
    segment_ids: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": self.value,
            "display": self.display,
            "texts": list(self.texts),
            "segments": list(self.segment_ids),
        }


@dataclass
class MentionDifferences:
    """What one article mentions and the other does not.

    Numbers and dates come from the source texts after digit folding, so they are compared
    even without translation. Names come from the English translations when both sides are
    translated (`names_from` "english"), else from the source texts, compared across scripts
    (`names_from` "source"); `entities_compared` is False only for a language whose names
    xlcompare cannot read (neither English, Devanagari nor the Arabic script).
    """

    left_only: list[MentionGroup] = field(default_factory=list)
    right_only: list[MentionGroup] = field(default_factory=list)
    shared: list[tuple[MentionGroup, MentionGroup]] = field(default_factory=list)
    entities_compared: bool = False
    names_from: str | None = None  # "english" (both translated) | "source" (source scripts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "left_only": [g.to_dict() for g in self.left_only],
            "right_only": [g.to_dict() for g in self.right_only],
            "shared": [
                {
                    "kind": left.kind,
                    "value": left.value,
                    "display": left.display,
                    "left": list(left.segment_ids),
                    "right": list(right.segment_ids),
                    "left_texts": list(left.texts),
                    "right_texts": list(right.texts),
                }
                for left, right in self.shared
            ],
            "entities_compared": self.entities_compared,
            "names_from": self.names_from,
        }


@dataclass(frozen=True)
class ThemeGroup:
    """A topic: segments of both articles that the embedder puts close together.

    `other` marks the catch-all group of segments that joined no topic.
    """

    label: str
    left_ids: tuple[int, ...]
    right_ids: tuple[int, ...]
    label_source: str = "keywords"  # "translation" | "keywords" | "other"
    other: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "label_source": self.label_source,
            "other": self.other,
            "left": list(self.left_ids),
            "right": list(self.right_ids),
        }


@dataclass(frozen=True)
class Row:
    """One row of the side-by-side view: an alignment, related passages (sentences that differ
    as a whole but share a clause), or a segment found on one side only."""

    left_ids: tuple[int, ...]
    right_ids: tuple[int, ...]
    alignment: Alignment | None = None
    related: tuple[Any, ...] = ()  # xlcompare.alignment.related.RelatedPassage

    @property
    def kind(self) -> str:
        if self.alignment is not None:
            return "match"
        if self.related:
            return "related"
        return "unique-left" if self.left_ids else "unique-right"

    def shared_spans(self, side: str) -> list[tuple[int, int]]:
        """The shared clauses of a related row on `side`, as offsets into that article."""
        return [r.left_span if side == "left" else r.right_span for r in self.related]


@dataclass
class Comparison:
    """Two articles side by side: alignments (what both say), uniques (what one says alone),
    one-sided numbers/dates/names, theme groups, warnings and the signature.

    `unique_left` / `unique_right` are the non-boilerplate segment ids in no alignment.
    `to_dict()` is the JSON report (schema "xlcompare.comparison/1"); `_repr_html_()` is the
    side-by-side view of the HTML report, for Jupyter.
    """

    left: TranslatedArticle
    right: TranslatedArticle
    alignments: list[Alignment]
    unique_left: list[int]
    unique_right: list[int]
    mentions: MentionDifferences = field(default_factory=MentionDifferences)
    themes: list[ThemeGroup] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    signature: dict[str, Any] = field(default_factory=dict)
    # Clause-level overlaps between segments that are unique as whole sentences
    # (xlcompare.alignment.related.RelatedPassage).
    related: list[Any] = field(default_factory=list)
    # The work the comparison did (compare.embedding_work): texts embedded per content
    # segment, cache hits, seconds. Not part of the report: it changes from run to run.
    stats: dict[str, Any] = field(default_factory=dict)

    def side(self, name: str) -> TranslatedArticle:
        if name not in ("left", "right"):
            raise ValueError(f"side must be 'left' or 'right', not {name!r}")
        return self.left if name == "left" else self.right

    def segment(self, side: str, segment_id: int) -> Segment:
        articles = self.side(side)
        # Reports look up every segment: index once per side (rebuilt if the list is replaced
        # or grows, since TranslatedArticle is mutable).
        key = (side, id(articles.segments), len(articles.segments))
        cache: dict[tuple[str, int, int], dict[int, Segment]] = self.__dict__.setdefault("_segment_index", {})
        if key not in cache:
            cache[key] = _segments_by_id(articles)
        return cache[key][segment_id]

    def english(self, side: str, segment_id: int) -> str | None:
        t = self.side(side).translations.get(segment_id)
        return t.text if t is not None else None

    @property
    def translated(self) -> bool:
        """True when both sides carry English translations."""
        return bool(self.left.translations) and bool(self.right.translations)

    def rows(self) -> list[Row]:
        """The side-by-side rows, in reading order.

        Related passages sit in one row with their two sentences (sentences sharing passages
        with several others form one row together). Alignments, related rows and left-only
        segments are ordered by their first left segment, so the left column reads as the left
        article. A right-only segment goes right after the row that holds its nearest preceding
        placed right segment; with none before it, right before the row of its nearest
        following placed right segment; with no placed right segment at all, at the same
        relative position in the article as the left rows around it. The right column cannot
        be in order everywhere, since the two articles order their content differently, but
        each right-only passage stays next to its neighbours in its own article.
        """
        rows: list[Row] = [Row(a.left, a.right, a) for a in self.alignments]
        rows += _related_rows(self.related)
        in_related = {i for row in rows if row.related for i in row.left_ids}
        rows += [Row((i,), ()) for i in self.unique_left if i not in in_related]
        rows.sort(key=lambda r: (min(r.left_ids), min(r.right_ids, default=-1)))

        row_of_right = {rid: index for index, row in enumerate(rows) for rid in row.right_ids}
        aligned_right = sorted(row_of_right)
        right_position = _positions(self.right)
        left_position = _positions(self.left)
        row_positions = [left_position.get(min(row.left_ids), 0.0) for row in rows]
        # Slot 2*i+1 is "after row i", slot 2*i is "before row i"; right-only rows sharing a
        # slot keep their order in the right article.
        slots: dict[int, list[int]] = {}
        for rid in sorted(set(self.unique_right) - set(row_of_right)):
            k = bisect.bisect_left(aligned_right, rid)
            if k > 0:
                slot = 2 * row_of_right[aligned_right[k - 1]] + 1
            elif k < len(aligned_right):
                slot = 2 * row_of_right[aligned_right[k]]
            else:  # nothing aligned on the right: rows are left-only, in left order
                slot = 2 * bisect.bisect_right(row_positions, right_position.get(rid, 0.0))
            slots.setdefault(slot, []).append(rid)
        ordered: list[Row] = []
        for index, row in enumerate(rows):
            ordered += [Row((), (rid,)) for rid in slots.get(2 * index, [])]
            ordered.append(row)
            ordered += [Row((), (rid,)) for rid in slots.get(2 * index + 1, [])]
        ordered += [Row((), (rid,)) for rid in slots.get(2 * len(rows), [])]
        return ordered

    def summary(self) -> dict[str, Any]:
        """The counts every report shows: links and related passages; per side its content
        and furniture segments, and how many are matched (in a link), related (unique as a
        sentence but sharing a clause) or said by that side only (the rest)."""
        counts: dict[str, Any] = {
            "links": len(self.alignments),
            "related_passages": len(self.related),
            "themes": sum(not t.other for t in self.themes),
        }
        scores = [a.score for a in self.alignments]
        counts["mean_score"] = round(sum(scores) / len(scores), 4) if scores else None
        for name, unique in (("left", self.unique_left), ("right", self.unique_right)):
            side = self.side(name)
            content = sum(not s.boilerplate for s in side.segments)
            related = {getattr(r, name) for r in self.related} & set(unique)
            counts[name] = {
                "content": content,
                "furniture": len(side.segments) - content,
                "matched": content - len(unique),
                "related": len(related),
                "only": len(unique) - len(related),
            }
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The JSON document described in `xlcompare.report.comparison_json`."""
        return {
            "schema": SCHEMA,
            "left": _side_dict(self.left),
            "right": _side_dict(self.right),
            "summary": self.summary(),
            "alignments": [a.to_dict() for a in self.alignments],
            "unique": {"left": list(self.unique_left), "right": list(self.unique_right)},
            "related": [r.to_dict() for r in self.related],
            "mentions": self.mentions.to_dict(),
            "themes": [t.to_dict() for t in self.themes],
            "warnings": list(self.warnings),
            "signature": dict(self.signature),
        }

    def to_dataframe(self, kind: str = "alignments") -> Any:
        """A pandas table of the comparison (needs pandas: the [notebook] extra).

        kind: "alignments" (one row per link, with both sides' text), "segments" (every segment
        of both sides with its status, partners and theme), "uniques", "mentions" or "themes";
        see `xlcompare.notebook.dataframes`.
        """
        return views.show(self, "dataframe", kind)

    def _repr_html_(self) -> str:
        return views.show(self, "html")


def _related_rows(related: list[Any]) -> list[Row]:
    """One row per group of related passages that share a sentence (usually one pair)."""
    groups: list[tuple[set[int], set[int], list[Any]]] = []
    for passage in related:
        joined = [g for g in groups if passage.left in g[0] or passage.right in g[1]]
        lefts, rights, members = {passage.left}, {passage.right}, [passage]
        for g in joined:
            lefts |= g[0]
            rights |= g[1]
            members += g[2]
            groups.remove(g)
        groups.append((lefts, rights, members))
    return [
        Row(tuple(sorted(lefts)), tuple(sorted(rights)), related=tuple(members))
        for lefts, rights, members in groups
    ]


def _positions(side: TranslatedArticle) -> dict[int, float]:
    """Relative position (0..1) of each content segment in its article."""
    content = [s.id for s in side.segments if not s.boilerplate]
    return {sid: index / max(1, len(content)) for index, sid in enumerate(content)}


def _segments_by_id(side: TranslatedArticle) -> dict[int, Segment]:
    # Built on demand: TranslatedArticle is mutable, so a cache could go stale.
    return {s.id: s for s in side.segments}


def _side_dict(side: TranslatedArticle) -> dict[str, Any]:
    article = side.article
    return {
        "path": article.path,
        "language": article.language,
        "title": article.title,
        "date": article.date,
        "warnings": list(article.warnings),
        "segments": side.segment_records(),
    }
