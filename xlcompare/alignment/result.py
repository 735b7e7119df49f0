"""`AlignmentResult`: the links between two articles, what stayed unmatched, and how."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from xlcompare import views
from xlcompare.alignment.model import Alignment


@dataclass(frozen=True)
class AlignmentResult:
    """Output of `align_segments`.

    `unmatched_left` / `unmatched_right` list the non-boilerplate segments in no alignment:
    content unique to that side. Boilerplate segments are in neither list: they are never
    content. `parameters` is the signature that reproduces the result; `stats` says what the
    run cost and found (texts embedded, anchors, chains, ...), for benchmarks and debugging.
    """

    alignments: list[Alignment]
    unmatched_left: list[int]
    unmatched_right: list[int]
    parameters: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "alignments": [a.to_dict() for a in self.alignments],
            "unmatched_left": list(self.unmatched_left),
            "unmatched_right": list(self.unmatched_right),
            "parameters": self.parameters,
        }

    def to_dataframe(self) -> Any:
        """One row per alignment: left, right, score, cosine (needs pandas: the [notebook]
        extra)."""
        return views.show(self, "dataframe")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(list(a.left)))}</td>"
            f"<td>{html.escape(str(list(a.right)))}</td><td>{a.score:.3f}</td>"
            f"<td>{'' if a.cosine is None else f'{a.cosine:.3f}'}</td></tr>"
            for a in self.alignments
        )
        return (
            f"<p>{len(self.alignments)} alignments; unmatched left {len(self.unmatched_left)}, "
            f"right {len(self.unmatched_right)}</p><table><thead><tr><th>left</th><th>right</th>"
            f"<th>margin</th><th>cosine</th></tr></thead><tbody>{rows}</tbody></table>"
        )
