"""What a corpus run produces: its articles, the matched pairs, the stories they form.

`CorpusResult.to_dict()` is corpus.json (schema "xlcompare.corpus/1", described in
`xlcompare.corpus.outputs`); each `PairMatch.to_dict()` is one line of matches.jsonl.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "xlcompare.corpus/1"
MATCH_COLUMNS = [
    "left", "right", "score", "shared_left", "shared_right", "left_sentences", "right_sentences",
    "mean_margin", "left_title", "right_title", "left_title_en", "right_title_en", "left_date",
    "right_date", "story", "report", "report_json",
]


@dataclass
class CorpusArticle:
    """One input article of one side, matched or not, readable or not."""

    side: str  # "left" | "right"
    id: str  # path relative to the folder given, or the JSONL id
    path: str  # the file (or FILE:LINE of a JSONL record), for messages
    digest: str  # sha256 of the input
    language: str | None = None
    title: str | None = None
    title_en: str | None = None  # the title's translation, when translated
    date: str | None = None
    url: str | None = None
    segments: int = 0  # every segment, page furniture included
    sentences: int = 0  # content sentences, the ones matching compares
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # why it was left out (a bad article); None when it was read

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "sha256": self.digest,
            "language": self.language,
            "title": self.title,
            "title_en": self.title_en,
            "date": self.date,
            "url": self.url,
            "segments": self.segments,
            "sentences": self.sentences,
            "warnings": list(self.warnings),
            "error": self.error,
        }


@dataclass
class PairMatch:
    """A left and a right article that report the same story, with the evidence."""

    left: CorpusArticle
    right: CorpusArticle
    score: float  # share of the shorter article's sentences linked to the other, 0..1
    shared_left: int  # left sentences linked to a sentence of the right article
    shared_right: int
    mean_margin: float  # mean ratio margin of the links
    story: int = 0  # index into CorpusResult.stories
    report: str | None = None  # pairs/NAME.html, relative to OUTDIR
    report_json: str | None = None

    @property
    def left_share(self) -> float:
        """Share of the left article's sentences that the right article also has."""
        return self.shared_left / self.left.sentences if self.left.sentences else 0.0

    @property
    def right_share(self) -> float:
        return self.shared_right / self.right.sentences if self.right.sentences else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": self.left.id,
            "right": self.right.id,
            "score": self.score,
            "shared_left": self.shared_left,
            "shared_right": self.shared_right,
            "left_sentences": self.left.sentences,
            "right_sentences": self.right.sentences,
            "mean_margin": self.mean_margin,
            "left_title": self.left.title,
            "right_title": self.right.title,
            "left_title_en": self.left.title_en,
            "right_title_en": self.right.title_en,
            "left_date": self.left.date,
            "right_date": self.right.date,
            "story": self.story,
            "report": self.report,
            "report_json": self.report_json,
        }


@dataclass
class Story:
    """Articles of both sides joined by matches (a connected group: n:m)."""

    id: int
    left: list[str]
    right: list[str]
    matches: list[int]  # indices into CorpusResult.matches

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "left": list(self.left), "right": list(self.right),
                "matches": list(self.matches)}


@dataclass
class CorpusResult:
    """All articles of both sides, the matched pairs and the stories they form.

    `comparison(i)` rebuilds the side-by-side comparison of match i from the stage store;
    `to_dataframe()` tabulates the matches (or "articles"); `_repr_html_` lists the stories.
    """

    left_input: str
    right_input: str
    left: list[CorpusArticle]
    right: list[CorpusArticle]
    matches: list[PairMatch]
    stories: list[Story]
    settings: dict[str, Any]
    signature: dict[str, Any]
    stats: dict[str, Any] = field(default_factory=dict)  # what was computed or reused; not saved
    outdir: str | None = None
    _comparer: Any = field(default=None, repr=False)

    @property
    def bad_articles(self) -> list[CorpusArticle]:
        return [a for a in self.left + self.right if not a.ok]

    def unmatched(self, side: str) -> list[CorpusArticle]:
        matched = {m.left.id if side == "left" else m.right.id for m in self.matches}
        articles = self.left if side == "left" else self.right
        return [a for a in articles if a.ok and a.id not in matched]

    def comparison(self, index: int) -> Any:
        """The `Comparison` of match `index` (what its pairs/ report shows)."""
        if self._comparer is None:
            raise RuntimeError("this result was not made by compare_corpus; no stage store to read")
        return self._comparer(self.matches[index])

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "left": {"input": self.left_input, "articles": [a.to_dict() for a in self.left]},
            "right": {"input": self.right_input, "articles": [a.to_dict() for a in self.right]},
            "matches": [m.to_dict() for m in self.matches],
            "stories": [s.to_dict() for s in self.stories],
            "unmatched": {side: [a.id for a in self.unmatched(side)] for side in ("left", "right")},
            "errors": [
                {"side": a.side, "id": a.id, "path": a.path, "error": a.error}
                for a in self.bad_articles
            ],
            "settings": dict(self.settings),
            "signature": dict(self.signature),
        }

    def to_dataframe(self, kind: str = "matches") -> Any:
        """"matches": one row per matched pair; "articles": every article of both sides
        (needs pandas, in the [notebook] extra)."""
        from xlcompare.notebook import deps

        pd = deps.pandas()
        if kind == "matches":
            return pd.DataFrame([m.to_dict() for m in self.matches], columns=MATCH_COLUMNS)
        if kind == "articles":
            matched = {("left", m.left.id) for m in self.matches} | {("right", m.right.id) for m in self.matches}
            rows = [{"side": a.side, **a.to_dict(), "matched": (a.side, a.id) in matched}
                    for a in self.left + self.right]
            return pd.DataFrame(rows)
        raise ValueError(f"kind must be 'matches' or 'articles', not {kind!r}")

    def _repr_html_(self) -> str:
        from xlcompare.corpus.index_html import render_fragment

        return render_fragment(self)

    def __repr__(self) -> str:
        return (f"CorpusResult({len(self.left)} left, {len(self.right)} right articles, "
                f"{len(self.matches)} matches in {len(self.stories)} stories, "
                f"{len(self.bad_articles)} bad)")


def escape(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)
