"""A `Segment`: one sentence of an article, located by character offsets."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Segment:
    """A sentence. `text == article.text[start:end]` always holds."""

    id: int
    start: int
    end: int
    text: str
    boilerplate: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
