"""Build a `Comparison`: align two articles, then find what each says alone."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from xlcompare.alignment.embed import WINDOW_CHARS
from xlcompare.alignment.model import Alignment
from xlcompare.comparison.mentions import compare_mentions, mentions_signature
from xlcompare.comparison.model import Comparison, MentionDifferences
from xlcompare.comparison.themes import DEFAULT_MAX_SEGMENTS, DEFAULT_THRESHOLD, group_themes, theme_parameters
from xlcompare.translation.model import TranslatedArticle
from xlcompare.version import __version__

log = logging.getLogger(__name__)

# Beyond this, two articles are unlikely to report the same event.
DATE_GAP_DAYS = 30
NOT_TRANSLATED = (
    "Neither article is translated: the source texts were compared directly, so this report "
    "shows no English (numbers, dates and names are still compared, names by their CLDR names "
    "and spelling across scripts). For English, "
    "compare with a translation model: `xlcompare compare LEFT RIGHT --model nllb-600m` (after "
    "`xlcompare models download nllb-600m`) or --model /path/to/model; in Python, "
    "xlcompare.translate each article first."
)


def compare_articles(
    left: TranslatedArticle,
    right: TranslatedArticle,
    *,
    embedder: Any = None,
    alignment_options: dict[str, Any] | None = None,
    theme_options: dict[str, Any] | None = None,
    embed_window: int | None = WINDOW_CHARS,
) -> Comparison:
    """Align `left` and `right` and compare them.

    Alignment works on the source texts with the multilingual `embedder` (default: e5-ct2),
    mixing in each side's English when it has translations. `alignment_options` go to
    `xlcompare.alignment.align_segments` (k, threshold, max_group, ...); `theme_options` to
    `xlcompare.comparison.themes.group_themes` (threshold, max_segments). A text longer than
    `embed_window` characters reaches the embedder as a few windows (`alignment.embed.bounded`;
    None or 0: whole, however long), and the comparison warns about it.
    """
    from xlcompare.alignment import CachedEmbedder, align_segments, load_embedder
    from xlcompare.alignment.embed import WindowedEmbedder, bounded
    from xlcompare.alignment.related import find_related, related_parameters

    if embedder is None:
        embedder = load_embedder()
    # Themes embed the same segments again; the cache makes that free. It also counts what
    # the comparison embedded, whatever the aligner asks for. The windows of long texts are
    # cut outside it, so they are cached like any short text.
    inner = embedder if isinstance(embedder, CachedEmbedder) else CachedEmbedder(embedder)
    before = inner.stats.to_dict()
    log.info(
        "comparing %s (%s, %d segments) with %s (%s, %d segments); embedder %s",
        left.article.path or "left", left.article.language, len(left.segments),
        right.article.path or "right", right.article.language, len(right.segments),
        _describe(inner.signature()),
    )
    cached = bounded(inner, embed_window)
    # The model loads in the background while names, numbers and dates are found (they need
    # no vectors, or only to break a rare tie): 0.2-0.3 s less before the first vector.
    inner.start_loading([s.text for side in (left, right) for s in side.segments if not s.boilerplate])
    mentions = compare_mentions(left, right, embedder=cached)
    options = dict(alignment_options or {})
    for name, side in (("left", left), ("right", right)):
        if side.translations:
            options.setdefault(f"{name}_english", _english(side))
    result = align_segments(left.segments, right.segments, cached, **options)
    log.info(
        "aligned: %d links, %d and %d segments unmatched",
        len(result.alignments), len(result.unmatched_left), len(result.unmatched_right),
    )
    comparison = build_comparison(
        left,
        right,
        result.alignments,
        embedder=cached,
        alignment_parameters=result.parameters,
        theme_options=theme_options,
        mentions=mentions,
    )
    comparison.related = find_related(
        left.segments, right.segments, cached,
        left_text=left.article.text, right_text=right.article.text,
        exclude_left=[i for a in comparison.alignments for i in a.left],
        exclude_right=[i for a in comparison.alignments for i in a.right],
    )
    comparison.signature["related"] = related_parameters()
    if isinstance(cached, WindowedEmbedder) and cached.windowed:
        comparison.warnings.append(
            f"{cached.windowed} text(s) longer than {cached.size} characters were embedded "
            f"from at most {cached.limit} windows of that size each, so their alignment rests "
            "on part of the text; split such text into sentences, or raise --embed-window."
        )
    comparison.stats = embedding_work(before, inner.stats.to_dict(), left, right)
    log.info(
        "embedded %d texts for %d content segments (%.2f per segment; %d requested, %d from "
        "the disk cache) in %.2f s",
        comparison.stats["embedded"], comparison.stats["content_segments"],
        comparison.stats["embedded_per_segment"], comparison.stats["requested"],
        comparison.stats["disk_hits"], comparison.stats["seconds"],
    )
    if comparison.related and not comparison.alignments:
        comparison.warnings = [
            w for w in comparison.warnings if not w.startswith("No passage of one article")
        ]
        comparison.warnings.append(
            "No sentence of one article says the same as a sentence of the other, but "
            f"{len(comparison.related)} clause-level related passage(s) were found: the articles "
            "share some statements inside otherwise different sentences."
        )
    return comparison


def _describe(signature: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in signature.items() if v is not None)


def embedding_work(
    before: dict[str, Any], after: dict[str, Any], left: TranslatedArticle, right: TranslatedArticle
) -> dict[str, Any]:
    """What a comparison embedded (`EmbeddingStats` difference), per content segment."""
    work = {key: after[key] - before[key] for key in after}
    work["seconds"] = round(work["seconds"], 4)
    segments = sum(not s.boilerplate for side in (left, right) for s in side.segments)
    work["content_segments"] = segments
    work["embedded_per_segment"] = round(work["embedded"] / segments, 3) if segments else 0.0
    work["requested_per_segment"] = round(work["requested"] / segments, 3) if segments else 0.0
    return work


def build_comparison(
    left: TranslatedArticle,
    right: TranslatedArticle,
    alignments: Iterable[Alignment],
    *,
    embedder: Any = None,
    alignment_parameters: dict[str, Any] | None = None,
    theme_options: dict[str, Any] | None = None,
    mentions: MentionDifferences | None = None,
) -> Comparison:
    """A `Comparison` from alignments computed elsewhere (or loaded, or hand-made in a test).

    Without an `embedder` there are no theme groups. `mentions` (from `compare_mentions` on
    the same articles) are found here when not given.
    """
    kept = _without_boilerplate(left, right, alignments)
    aligned_left = {i for a in kept for i in a.left}
    aligned_right = {i for a in kept for i in a.right}
    unique_left = [s.id for s in left.segments if not s.boilerplate and s.id not in aligned_left]
    unique_right = [s.id for s in right.segments if not s.boilerplate and s.id not in aligned_right]

    warnings = [] if left.translations or right.translations else [NOT_TRANSLATED]
    warnings += date_gap_warnings(left.article.date, right.article.date)
    content = [sum(not s.boilerplate for s in side.segments) for side in (left, right)]
    if not kept and all(content):
        warnings.append(
            "No passage of one article was matched in the other: they may report different "
            "stories, or the embedder may not cover one of the languages."
        )
    if bool(left.translations) != bool(right.translations):
        which = "left" if left.translations else "right"
        warnings.append(
            f"Only the {which} article is translated: names (people, places, organisations) "
            "were compared in the source texts, not in English."
        )

    if mentions is None:
        mentions = compare_mentions(left, right, embedder=embedder)
    options = dict(theme_options or {})
    threshold = float(options.get("threshold", DEFAULT_THRESHOLD))
    max_segments = int(options.get("max_segments", DEFAULT_MAX_SEGMENTS))
    themes = []
    if embedder is not None:
        themes, theme_warnings = group_themes(
            left, right, kept, embedder, threshold=threshold, max_segments=max_segments
        )
        warnings += theme_warnings

    signature = make_comparison_signature(
        left, right, embedder, alignment_parameters or {}, theme_parameters(threshold, max_segments) if embedder is not None else None,
        names_from=mentions.names_from,
    )
    return Comparison(
        left=left,
        right=right,
        alignments=kept,
        unique_left=unique_left,
        unique_right=unique_right,
        mentions=mentions,
        themes=themes,
        warnings=warnings,
        signature=signature,
    )


def _english(side: TranslatedArticle) -> dict[int, str]:
    return {i: t.text for i, t in side.translations.items() if t.text}


def _without_boilerplate(
    left: TranslatedArticle, right: TranslatedArticle, alignments: Iterable[Alignment]
) -> list[Alignment]:
    """Alignments with boilerplate segments removed (an aligner must never link furniture)."""
    furniture_left = {s.id for s in left.segments if s.boilerplate}
    furniture_right = {s.id for s in right.segments if s.boilerplate}
    kept = []
    for a in alignments:
        lids = tuple(i for i in a.left if i not in furniture_left)
        rids = tuple(i for i in a.right if i not in furniture_right)
        if (lids, rids) != (a.left, a.right):
            log.warning("dropped boilerplate segments from alignment %s -> %s", a.left, a.right)
        if lids and rids:
            kept.append(Alignment(lids, rids, a.score, a.cosine))
    return sorted(kept, key=lambda a: (a.left, a.right))


def parse_date(value: str | None) -> dt.date | None:
    """An ISO date ("2024-07-12", or with a time after it); None when absent or partial."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def date_gap_warnings(left_date: str | None, right_date: str | None, max_days: int = DATE_GAP_DAYS) -> list[str]:
    """A warning when the publication dates are far apart, or when one is not known to the day
    (then nobody has checked that the two reports are of the same time)."""
    left, right = parse_date(left_date), parse_date(right_date)
    if left is None or right is None:
        missing = [(name, raw) for name, raw, day in (("left", left_date, left), ("right", right_date, right)) if day is None]
        if len(missing) == 2:
            whose = "Neither article's publication date is known"
        else:
            name, raw = missing[0]
            whose = f"The {name} article's publication date is " + (
                "unknown" if not raw else f"not known to the day ({raw})"
            )
        options = " and ".join(f"--{name}-date" for name, _ in missing)
        return [
            f"{whose}, so the time between the two reports cannot be checked; give it with "
            f"{options} YYYY-MM-DD."
        ]
    days = abs((right - left).days)
    if days <= max_days:
        return []
    return [
        f"The articles were published {days} days apart ({left.isoformat()} vs "
        f"{right.isoformat()}): they may report different events."
    ]


def make_comparison_signature(
    left: TranslatedArticle,
    right: TranslatedArticle,
    embedder: Any,
    alignment_parameters: dict[str, Any],
    themes: dict[str, Any] | None,
    *,
    names_from: str | None = None,
) -> dict[str, Any]:
    """Everything needed to reproduce the comparison, plus a compact one-line `string`."""
    embedder_signature: dict[str, Any] | None = None
    if embedder is not None:
        try:
            embedder_signature = dict(embedder.signature())
        except Exception:  # noqa: BLE001 - a signature must never break a comparison
            embedder_signature = {"name": getattr(embedder, "name", type(embedder).__name__)}
    embedder_name = None
    if embedder_signature:
        embedder_name = embedder_signature.get("name") or embedder_signature.get("embedder") or getattr(embedder, "name", None)
    translation = {
        "left": dict(left.signature) if left.translations else None,
        "right": dict(right.signature) if right.translations else None,
    }
    segmentation = {name: side.signature.get("splitter") for name, side in (("left", left), ("right", right))}
    parts = [f"emb:{embedder_name or 'none'}"]
    if alignment_parameters.get("method"):
        parts.append(f"align:{alignment_parameters['method']}")
    for key in ("k", "threshold", "max_group"):
        if key in alignment_parameters:
            parts.append(f"{key}:{alignment_parameters[key]}")
    splitters = list(dict.fromkeys(s for s in segmentation.values() if s))
    if splitters:
        parts.append(f"split:{','.join(splitters)}")
    if themes:
        parts.append(f"themes:{themes['threshold']}")
    for name in ("left", "right"):
        sig = translation[name]
        model = sig.get("model") if sig else None
        parts.append(f"mt.{name}:{model or 'none'}")
    parts.append(f"version:{__version__}")
    return {
        "xlcompare": __version__,
        "embedder": embedder_signature,
        "alignment": dict(alignment_parameters),
        "segmentation": segmentation,
        "themes": themes,
        "mentions": mentions_signature(names_from),
        "translation": translation,
        "string": "|".join(parts),
    }
