"""An `Alignment`: a link between segments of the left and the right article."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Alignment:
    """Left segment ids (consecutive), right segment ids (consecutive), and a score.

    Links may be 1:1, 1:2, 2:1, ... A segment in no alignment is unique to its side.
    """

    left: tuple[int, ...]
    right: tuple[int, ...]
    score: float  # margin-based score; higher is better
    cosine: float | None = None  # plain cosine of the joined texts, for display

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": list(self.left),
            "right": list(self.right),
            "score": round(float(self.score), 4),
            "cosine": None if self.cosine is None else round(float(self.cosine), 4),
        }
