"""matplotlib figures of a comparison and of translation quality.

Each function builds a new `matplotlib.figure.Figure` with the object-oriented API and returns
it: no pyplot, no `plt.show()`, no global state, any backend (Agg in CI). The figures display
themselves in Jupyter (they have `_repr_png_`) and can be saved with `fig.savefig(...)`.
Pass `ax=` to draw into an axes of your own figure instead.

Labels are English and segments are named by id (L3, R5): a machine without Devanagari or
Arabic-script fonts would draw source text as empty boxes. Look the ids up in the
DataFrames or the side-by-side view.
"""
from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from xlcompare.notebook.deps import matplotlib_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from xlcompare.alignment.embedders.base import Embedder
    from xlcompare.alignment.model import Alignment
    from xlcompare.alignment.result import AlignmentResult
    from xlcompare.comparison.model import Comparison
    from xlcompare.segments.model import Segment

LINK_COLOUR = "#e8590c"
UNIQUE_COLOUR = "#c92a2a"
NO_THEME_COLOUR = "#c8ccd0"
PAIR_COLOURS = ("#3b5bdb", "#0b7285", "#5f3dc4", "#2b8a3e", "#e67700")
METRIC_TITLES = {"bleu": "BLEU", "chrf": "chrF"}
MAX_TICKS = 60
MAX_ID_LABELS = 45


@functools.cache
def _figure_class() -> type:
    figure = matplotlib_figure()

    class NotebookFigure(figure.Figure):
        """A Figure that Jupyter shows as a PNG without pyplot or an inline backend."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", bbox_inches="tight")
            return buffer.getvalue()

    return NotebookFigure


def new_figure(figsize: tuple[float, float] = (8.0, 5.0), **options: Any) -> Figure:
    """An empty figure that displays itself in Jupyter; nothing is registered with pyplot."""
    return _figure_class()(figsize=figsize, layout="constrained", **options)


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig = new_figure(figsize)
    return fig, fig.add_subplot()


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _side_label(comparison: Comparison, side: str) -> str:
    from xlcompare.lang.languages import language_name

    return f"{side} · {language_name(comparison.side(side).article.language)}"


def _tick_positions(n: int) -> list[int]:
    step = max(1, -(-n // MAX_TICKS))
    return list(range(0, n, step))


# -- similarity heatmap -------------------------------------------------------------------------


def _comparison_inputs(
    comparison: Comparison,
) -> tuple[list[Segment], list[Segment], dict[int, str] | None, dict[int, str] | None]:
    """Content segments of both sides and the English the aligner mixed in (None: none)."""
    left = [s for s in comparison.left.segments if not s.boilerplate]
    right = [s for s in comparison.right.segments if not s.boilerplate]
    # As compare_articles does: English is mixed in for every translated side, and once any
    # side has English, an untranslated side uses its source text in both halves.
    english = {
        name: {i: t.text for i, t in comparison.side(name).translations.items() if t.text}
        for name in ("left", "right")
        if comparison.side(name).translations
    }
    if not english:
        return left, right, None, None
    return left, right, english.get("left", {}), english.get("right", {})


def similarity_of(
    left: Sequence[Segment],
    right: Sequence[Segment],
    embedder: Embedder | str | None = None,
    left_english: dict[int, str] | None = None,
    right_english: dict[int, str] | None = None,
) -> tuple[Any, bool]:
    """The (len(left), len(right)) cosine matrix as the aligner sees it, and whether English
    was mixed in (see `xlcompare.alignment.embed`)."""
    from xlcompare.alignment.embed import embed_segments
    from xlcompare.alignment.embedders.base import load_embedder
    from xlcompare.alignment.knn import similarity_matrix

    if embedder is None or isinstance(embedder, str):
        embedder = load_embedder(embedder) if embedder else load_embedder()
    mixed = left_english is not None or right_english is not None
    left_vectors = embed_segments(left, embedder, (left_english or {}) if mixed else None)
    right_vectors = embed_segments(right, embedder, (right_english or {}) if mixed else None)
    return similarity_matrix(left_vectors, right_vectors), mixed


def plot_similarity(
    comparison: Comparison | None = None,
    *,
    left: Sequence[Segment] | None = None,
    right: Sequence[Segment] | None = None,
    embedder: Embedder | str | None = None,
    alignments: Sequence[Alignment] | AlignmentResult | None = None,
    left_english: dict[int, str] | None = None,
    right_english: dict[int, str] | None = None,
    left_label: str = "left",
    right_label: str = "right",
    show_best: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """The cross-language cosine similarity of every left segment with every right segment, as
    a heatmap, with the alignments drawn on it as boxes.

    Give a `comparison` (its content segments, alignments and translations are used, embedded
    the way the aligner embedded them: source and English mixed when a side is translated), or
    `left` / `right` segments (and optionally `alignments`, English dicts and labels). The
    `embedder` should be the one the comparison was made with (default: the default embedder,
    e5-ct2); pass the same
    `CachedEmbedder` instance to avoid embedding the segments twice. With `show_best`, a dot
    marks the most similar right segment of each left row: where it sits outside a box, the
    aligner found the pair too weak (margin or cosine below its thresholds) or taken.
    Segments said by one side only have red tick labels.
    """
    unique: dict[str, set[int]] = {"left": set(), "right": set()}
    if comparison is not None:
        left, right, left_english, right_english = _comparison_inputs(comparison)
        alignments = comparison.alignments if alignments is None else alignments
        left_label, right_label = _side_label(comparison, "left"), _side_label(comparison, "right")
        unique = {"left": set(comparison.unique_left), "right": set(comparison.unique_right)}
    if left is None or right is None:
        raise ValueError("plot_similarity needs a comparison, or both left= and right= segments")
    if alignments is not None and not isinstance(alignments, Sequence):
        alignments = alignments.alignments  # an AlignmentResult

    fig, ax = _axes(ax, (_clamp(3 + 0.3 * len(right), 6, 16), _clamp(2 + 0.3 * len(left), 4, 16)))
    if not left or not right:
        ax.text(0.5, 0.5, "no content segments on one side: nothing to compare",
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    similarity, mixed = similarity_of(left, right, embedder, left_english, right_english)

    image = ax.imshow(similarity, cmap="viridis", aspect="auto", interpolation="nearest")
    colourbar = fig.colorbar(image, ax=ax, shrink=0.85)
    colourbar.set_label("cosine similarity" + (" (source and English mixed)" if mixed else ""))

    row_of = {s.id: r for r, s in enumerate(left)}
    column_of = {s.id: c for c, s in enumerate(right)}
    handles = []
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    for a in alignments or ():
        rows = [row_of[i] for i in a.left if i in row_of]
        columns = [column_of[i] for i in a.right if i in column_of]
        if not rows or not columns:
            continue
        ax.add_patch(
            Rectangle(
                (min(columns) - 0.5, min(rows) - 0.5), max(columns) - min(columns) + 1,
                max(rows) - min(rows) + 1, fill=False, edgecolor=LINK_COLOUR, linewidth=2.2,
            )
        )
    handles.append(Line2D([], [], marker="s", markersize=11, markerfacecolor="none",
                          markeredgecolor=LINK_COLOUR, markeredgewidth=2, linestyle="none",
                          label=f"aligned ({len(alignments or ())} links)"))
    if show_best:
        best = similarity.argmax(axis=1)
        ax.plot(best, range(len(left)), linestyle="none", marker="o", markersize=3.5,
                markerfacecolor="white", markeredgecolor="black", markeredgewidth=0.5)
        handles.append(Line2D([], [], marker="o", markersize=5, markerfacecolor="white",
                              markeredgecolor="black", linestyle="none",
                              label="most similar right segment of each row"))

    for axis, segments, prefix, side in ((ax.yaxis, left, "L", "left"), (ax.xaxis, right, "R", "right")):
        positions = _tick_positions(len(segments))
        axis.set_ticks(positions, [f"{prefix}{segments[p].id}" for p in positions], fontsize=7)
        for label, p in zip(axis.get_ticklabels(), positions):
            if segments[p].id in unique[side]:
                label.set_color(UNIQUE_COLOUR)
    ax.tick_params(axis="x", labelrotation=90)
    ax.set_xlabel(f"{right_label} segments (red id: said by this side only)" if unique["right"]
                  else f"{right_label} segments")
    ax.set_ylabel(f"{left_label} segments")
    ax.set_title(f"Cross-language similarity: {left_label} x {right_label}")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12 if len(right) < 30 else -0.16),
              ncol=2, fontsize=8, frameon=False)
    return fig


# -- themes -------------------------------------------------------------------------------------


def _theme_name(number: int, label: str, label_source: str) -> str:
    """The label when it is English (from translations), else a number: keyword labels are in
    the source languages, which a plot font may not have."""
    if label_source == "translation" and label.isascii():
        return label if len(label) <= 48 else label[:47] + "…"
    return f"theme {number}"


def plot_themes(comparison: Comparison, *, ax: Axes | None = None) -> Figure:
    """Where each theme group sits in each article.

    Two lanes (left article above, right below); each content segment is a square at its
    relative position in its article, coloured by its theme (grey: in no theme); grey lines join
    aligned segments. Themes are numbered as in the HTML report (theme 1 is
    `comparison.themes[0]`); their labels are in `Comparison.to_dataframe("themes")`.
    """
    fig, ax = _axes(ax, (11, 4.2))
    from matplotlib import colormaps
    from matplotlib.patches import Patch

    palette = colormaps["tab10" if len(comparison.themes) <= 10 else "tab20"]
    theme_of: dict[tuple[str, int], int] = {}
    for number, theme in enumerate(comparison.themes):
        for i in theme.left_ids:
            theme_of[("left", i)] = number
        for i in theme.right_ids:
            theme_of[("right", i)] = number

    lanes = {"left": 1.0, "right": 0.0}
    position: dict[tuple[str, int], float] = {}
    for side, y in lanes.items():
        content = [s for s in comparison.side(side).segments if not s.boilerplate]
        n = len(content)
        xs, colours_of, ids = [], [], []
        for k, seg in enumerate(content):
            x = k / (n - 1) if n > 1 else 0.5
            position[(side, seg.id)] = x
            theme = theme_of.get((side, seg.id))
            other = theme is None or comparison.themes[theme].other
            colours_of.append(NO_THEME_COLOUR if other else palette(theme % palette.N))
            xs.append(x)
            ids.append(seg.id)
        ax.scatter(xs, [y] * len(xs), c=colours_of, marker="s", s=140, edgecolors="white",
                   linewidths=0.8, zorder=3)
        if len(xs) <= MAX_ID_LABELS:
            offset = 0.11 if side == "left" else -0.11
            for x, i in zip(xs, ids):
                ax.text(x, y + offset, f"{side[0].upper()}{i}", ha="center",
                        va="bottom" if side == "left" else "top", fontsize=6.5, color="#57606a")
    for a in comparison.alignments:
        for i in a.left:
            for j in a.right:
                if ("left", i) in position and ("right", j) in position:
                    ax.plot([position[("left", i)], position[("right", j)]], [1.0, 0.0],
                            color="#868e96", alpha=0.6, linewidth=1, zorder=1)

    handles = []
    for number, theme in enumerate(comparison.themes):
        count = f"({len(theme.left_ids)} L / {len(theme.right_ids)} R)"
        if theme.other:
            handles.append(Patch(color=NO_THEME_COLOUR, label=f"theme {number + 1}: no topic {count}"))
        else:
            name = _theme_name(number + 1, theme.label, theme.label_source)
            handles.append(Patch(color=palette(number % palette.N), label=f"{name} {count}"))
    if not comparison.themes:
        handles.append(Patch(color=NO_THEME_COLOUR, label="no theme groups"))
    if comparison.alignments:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color="#868e96", label="aligned pair"))

    ax.set_yticks([0.0, 1.0], [_side_label(comparison, "right"), _side_label(comparison, "left")])
    ax.set_ylim(-0.45, 1.45)
    ax.set_xlim(-0.04, 1.04)
    ax.set_xticks([0, 0.5, 1], ["start", "middle", "end"])
    ax.set_xlabel("position in the article (content segments in reading order)")
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    ax.set_title("Theme groups: where each topic sits in each article")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return fig


# -- alignment scores ---------------------------------------------------------------------------


def plot_scores(
    comparison: Comparison,
    *,
    embedder: Embedder | str | None = None,
    figsize: tuple[float, float] = (10, 3.8),
) -> Figure:
    """The alignments' scores, in two panels.

    Left: a histogram of the links' margin scores, with the aligner's margin threshold.
    Right: with an `embedder` (the comparison's; a `CachedEmbedder` makes this free), the
    cosines of *all* left x right content segment pairs, with each link's cosine marked and the
    aligner's cosine floor (mean + min_z standard deviations of those cosines): it shows
    whether the links stand out, and why close-but-unlinked pairs were not linked. Without an
    embedder, each link's cosine against its margin.
    """
    fig = new_figure(figsize)
    margin_ax, cosine_ax = fig.subplots(1, 2)
    alignments = comparison.alignments
    parameters = comparison.signature.get("alignment") or {}
    threshold = parameters.get("threshold")
    grown = [len(a.left) > 1 or len(a.right) > 1 for a in alignments]

    if alignments:
        margins = [a.score for a in alignments]
        margin_ax.hist(margins, bins=min(20, max(5, len(margins))), color="#3b5bdb", alpha=0.85)
    else:
        margin_ax.text(0.5, 0.5, "no alignments: nothing was linked", ha="center", va="center",
                       transform=margin_ax.transAxes)
    if threshold is not None:
        margin_ax.axvline(float(threshold), color=LINK_COLOUR, linestyle="--",
                          label=f"margin threshold {threshold}")
        margin_ax.legend(fontsize=8, frameon=False)
    from matplotlib.ticker import MaxNLocator

    margin_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    margin_ax.set_xlabel("margin score (higher: a clearer match)")
    margin_ax.set_ylabel("alignments")
    margin_ax.set_title(f"Margin scores of {len(alignments)} alignments")

    if embedder is not None:
        left, right, left_english, right_english = _comparison_inputs(comparison)
        if left and right:
            similarity, mixed = similarity_of(left, right, embedder, left_english, right_english)
            cosines = similarity.ravel()
            cosine_ax.hist(cosines, bins=40, color=NO_THEME_COLOUR, label=f"all {len(cosines)} pairs")
            min_z = parameters.get("min_z")
            if min_z is not None:
                floor = float(cosines.mean() + float(min_z) * cosines.std())
                cosine_ax.axvline(floor, color="black", linestyle="--", linewidth=1,
                                  label=f"cosine floor (mean + {min_z} sd)")
            linked = [a.cosine for a in alignments if a.cosine is not None]
            for k, c in enumerate(linked):
                cosine_ax.axvline(c, color=LINK_COLOUR, linewidth=1.2, alpha=0.8,
                                  label="aligned pairs" if k == 0 else None)
            cosine_ax.set_xlabel("cosine similarity" + (" (source and English mixed)" if mixed else ""))
            cosine_ax.set_ylabel("segment pairs")
            cosine_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            cosine_ax.legend(fontsize=8, frameon=False)
        cosine_ax.set_title("Cosines of all segment pairs and of the links")
    else:
        for shape, marker, colour in ((False, "o", "#3b5bdb"), (True, "D", LINK_COLOUR)):
            chosen = [a for a, g in zip(alignments, grown) if g == shape and a.cosine is not None]
            if chosen:
                cosine_ax.scatter([a.cosine for a in chosen], [a.score for a in chosen],
                                  marker=marker, color=colour, alpha=0.8,
                                  label="1:2 / 2:1 links" if shape else "1:1 links")
        if alignments:
            cosine_ax.legend(fontsize=8, frameon=False)
        else:
            cosine_ax.text(0.5, 0.5, "no alignments: nothing was linked", ha="center",
                           va="center", transform=cosine_ax.transAxes)
        cosine_ax.set_xlabel("cosine similarity")
        cosine_ax.set_ylabel("margin score")
        cosine_ax.set_title("Cosine against margin")
    return fig


# -- translation quality ------------------------------------------------------------------------


def _records(table: Any) -> list[dict[str, Any]]:
    if hasattr(table, "to_dict") and hasattr(table, "columns"):  # a pandas DataFrame
        return table.to_dict("records")
    return [dict(row) for row in table]


def plot_evaluation(
    table: Any, *, metrics: Sequence[str] = ("bleu", "chrf"), figsize: tuple[float, float] | None = None
) -> Figure:
    """Horizontal bars of corpus scores: one panel per metric, one bar per (pair, system).

    `table` is a DataFrame or an iterable of mappings with columns `pair`, `system` and the
    metrics (e.g. "bleu", "chrf"); rows are drawn in the given order, top to bottom, coloured
    by language pair, each labelled with its value.
    """
    rows = _records(table)
    missing = {"pair", "system", *metrics} - set(rows[0]) if rows else set()
    if missing:
        raise ValueError(f"plot_evaluation: the table lacks columns {sorted(missing)}")
    pairs = list(dict.fromkeys(r["pair"] for r in rows))
    colour = {p: PAIR_COLOURS[k % len(PAIR_COLOURS)] for k, p in enumerate(pairs)}
    fig = new_figure(figsize or (5 + 3 * len(metrics), 1.2 + 0.38 * max(1, len(rows))))
    axes = fig.subplots(1, len(metrics), sharey=True, squeeze=False)[0]
    y = list(range(len(rows)))[::-1]
    labels = [f"{r['pair']}  {r['system']}" for r in rows]
    for ax, metric in zip(axes, metrics):
        values = [float(r[metric]) for r in rows]
        bars = ax.barh(y, values, color=[colour[r["pair"]] for r in rows], height=0.7)
        ax.bar_label(bars, labels=[f"{v:.1f}" for v in values], padding=3, fontsize=8)
        ax.set_xlim(0, max(values, default=1) * 1.15 or 1)
        ax.set_title(METRIC_TITLES.get(metric.lower(), metric))
        ax.set_xlabel("score (sacrebleu, higher is better)")
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
    axes[0].set_yticks(y, labels, fontsize=9)
    return fig


def plot_confidence(
    groups: Mapping[str, Iterable[float]],
    *,
    threshold: float | None = None,
    bins: int = 30,
    ax: Axes | None = None,
) -> Figure:
    """Overlaid histograms of confidence scores (e.g. correct vs corrupted translations), with
    the flagging threshold; each legend entry gives the share of its group below it."""
    fig, ax = _axes(ax, (8, 4))
    values = {name: [float(v) for v in scores] for name, scores in groups.items()}
    every = [v for vs in values.values() for v in vs]
    if not every:
        ax.text(0.5, 0.5, "no scores", ha="center", va="center", transform=ax.transAxes)
        return fig
    low, high = min(every), max(every)
    edges = [low + (high - low) * k / bins for k in range(bins + 1)] if high > low else bins
    for name, vs in values.items():
        label = name
        if threshold is not None and vs:
            label += f": {100 * sum(v < threshold for v in vs) / len(vs):.0f}% flagged"
        ax.hist(vs, bins=edges, histtype="step", linewidth=1.8, label=label)
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", linewidth=1, label=f"threshold {threshold}")
    ax.set_xlabel("confidence: cosine of source and translation (higher: more faithful)")
    ax.set_ylabel("sentences")
    ax.set_title("Reference-free confidence of translations")
    ax.legend(fontsize=8, frameon=False)
    return fig
