"""Results of translation: one `Translation` per source segment."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

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

    def to_dict(self) -> dict[str, Any]:
        segs = []
        for s in self.segments:
            t = self.translations.get(s.id)
            d = s.to_dict()
            if self.article.source_offsets is not None:
                # HTML input: start/end index the extracted text; these index the HTML file.
                d["source_start"], d["source_end"] = self.article.source_span(s.start, s.end)
            d["translation"] = t.text if t else None
            d["flags"] = list(t.flags) if t else []
            d["pieces"] = t.pieces if t else 0
            d["cached"] = t.cached if t else False
            d["confidence"] = t.confidence if t else None
            segs.append(d)
        return {
            "schema": "xlcompare.translation/1",
            "article": self.article.to_dict(),
            "segments": segs,
            "signature": dict(self.signature),
            "timings": dict(self.timings),
        }

    def to_dataframe(self) -> Any:
        """One row per segment: id, start, end, boilerplate, text, translation, flags,
        confidence (needs pandas: the [notebook] extra)."""
        from xlcompare.notebook.dataframes import segments_dataframe

        return segments_dataframe(self)

    def _repr_html_(self) -> str:
        """Jupyter view: source and English side by side, escaped like the HTML report."""
        from xlcompare.notebook.display import render_translated_article

        return render_translated_article(self)
