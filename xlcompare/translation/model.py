"""Results of translation: one `Translation` per source segment."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from xlcompare import views
from xlcompare.article.model import Article
from xlcompare.segments.model import Segment

# Flags a translation can carry; reports show them next to the segment.
FLAG_SPLIT = "split"  # the source was longer than the model's input limit and was split
FLAG_TRUNCATED = "hit_max_length"  # generation stopped at the length limit
FLAG_REPETITION = "repetition"  # repeated n-grams: a decoding loop
FLAG_LENGTH_RATIO = "length_ratio"  # output implausibly short or long for the source
FLAG_EMPTY = "empty"  # the model produced no text
FLAG_LOW_CONFIDENCE = "low_confidence"  # source and translation disagree in embedding space


@dataclass(frozen=True)
class Translation:
    segment_id: int
    text: str
    flags: tuple[str, ...] = ()
    pieces: int = 1  # how many model inputs the segment was split into
    cached: bool = False
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["flags"] = list(self.flags)
        return d


@dataclass
class TranslatedArticle:
    """An article, its segments and one translation for each translated segment."""

    article: Article
    segments: list[Segment]
    translations: dict[int, Translation]
    signature: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def translation_of(self, segment_id: int) -> Translation | None:
        return self.translations.get(segment_id)

    def segment_records(self) -> list[dict[str, Any]]:
        """One `segment_record` per segment, in order."""
        return [segment_record(self.article, s, self.translations.get(s.id)) for s in self.segments]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "xlcompare.translation/1",
            "article": self.article.to_dict(),
            "segments": self.segment_records(),
            "signature": dict(self.signature),
            "timings": dict(self.timings),
        }

    def to_dataframe(self) -> Any:
        """One row per segment, the columns of `segment_record` (needs pandas: the [notebook]
        extra)."""
        return views.show(self, "dataframe")

    def _repr_html_(self) -> str:
        """Jupyter view: source and English side by side, escaped like the HTML report."""
        return views.show(self, "html")


SEGMENT_FIELDS = (
    "id", "start", "end", "text", "boilerplate", "translation", "flags", "pieces", "cached",
    "confidence",
)
"""The keys of a segment record, in order; HTML input adds source_start and source_end."""


def segment_record(
    article: Article, segment: Segment, translation: Translation | None
) -> dict[str, Any]:
    """A segment with its translation, as every output shows it: the translation and
    comparison JSON, the DataFrames and the reports build their rows from this one record.

    For HTML input, `start`/`end` index the extracted text (`article.text`) and
    `source_start`/`source_end` the HTML file itself.
    """
    record: dict[str, Any] = {"id": segment.id, "start": segment.start, "end": segment.end}
    if article.source_offsets is not None:
        record["source_start"], record["source_end"] = article.source_span(segment.start, segment.end)
    record |= {
        "text": segment.text,
        "boilerplate": segment.boilerplate,
        "translation": translation.text if translation else None,
        "flags": list(translation.flags) if translation else [],
        "pieces": translation.pieces if translation else 0,
        "cached": translation.cached if translation else False,
        "confidence": translation.confidence if translation else None,
    }
    return record
