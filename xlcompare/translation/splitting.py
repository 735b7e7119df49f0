"""Splitting a segment that is too long for the model, without losing a character.

A sentence segmenter can hand over a "sentence" that exceeds the model's input limit (a
run-on Hindi sentence, a list of headlines without punctuation). Truncating it would silently
drop text, so it is cut into pieces that fit, at the most natural boundary available:

1. sentence punctuation the segmenter did not split on (. ! ? । ॥ ؟),
2. clause punctuation (; ؛, and : — – followed by a space),
3. commas (, ، — but not a comma before a digit, as in 12,000),
4. whitespace (a window of words),
5. characters, for a single "word" longer than the limit (never between a letter and its
   combining marks).

Boundaries of a weaker kind are only used inside a part that is still too long. The pieces
concatenate to exactly the input; each is translated on its own and the translations are
joined with a space, in order. The sentence and clause boundaries are `xlcompare.lang`'s,
the same that related passages cut sentences at.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from xlcompare.lang.punctuation import CLAUSE_BREAKS, SENTENCE_BREAK, cut_after

# Tokens kept free below the model's limit: tokenizing a piece on its own can differ by a
# token or two from how it was counted, and the model needs room for its special tokens.
SPLIT_MARGIN = 4

# Each pattern matches a boundary; the text is cut at the end of the match, so punctuation and
# the whitespace after it stay with the piece they close.
BOUNDARIES: tuple[re.Pattern[str], ...] = (SENTENCE_BREAK, *CLAUSE_BREAKS, re.compile(r"\s+"))

CountTokens = Callable[[str], int]


def split_text(text: str, count_tokens: CountTokens, limit: int) -> list[str]:
    """Cut `text` into pieces whose token counts (of the stripped piece) are at most `limit`.

    `"".join(pieces) == text` always holds. A text that fits comes back as `[text]`.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1 token, got {limit}")
    if _fits(text, count_tokens, limit):
        return [text]
    pieces = _split(text, count_tokens, limit, level=0)
    return _attach_blank_pieces(pieces)


def join_translations(parts: list[str]) -> str:
    """The translation of a split segment: its pieces' translations, in order, one space apart."""
    return " ".join(part.strip() for part in parts if part.strip())


def _fits(text: str, count_tokens: CountTokens, limit: int) -> bool:
    stripped = text.strip()
    return not stripped or count_tokens(stripped) <= limit


def _split(text: str, count_tokens: CountTokens, limit: int, level: int) -> list[str]:
    if level >= len(BOUNDARIES):
        return _split_characters(text, count_tokens, limit)
    units = cut_after(text, BOUNDARIES[level])
    if len(units) == 1:
        return _split(text, count_tokens, limit, level + 1)
    pieces: list[str] = []
    current = ""
    # Greedy packing: as many consecutive units per piece as fit, so pieces are few and long
    # (the model translates better with more context).
    for unit in units:
        if _fits(current + unit, count_tokens, limit):
            current += unit
            continue
        if current:
            pieces.append(current)
            current = ""
        if _fits(unit, count_tokens, limit):
            current = unit
        else:
            pieces.extend(_split(unit, count_tokens, limit, level + 1))
    if current:
        pieces.append(current)
    return pieces


def _split_characters(text: str, count_tokens: CountTokens, limit: int) -> list[str]:
    pieces: list[str] = []
    rest = text
    while rest:
        if _fits(rest, count_tokens, limit):
            pieces.append(rest)
            break
        # Binary search for the longest prefix that fits; at least one character.
        low, high = 1, len(rest)
        while low < high:
            middle = (low + high + 1) // 2
            if _fits(rest[:middle], count_tokens, limit):
                low = middle
            else:
                high = middle - 1
        cut = low
        # Never separate a letter from its combining marks (Devanagari matras, Arabic harakat).
        while 1 < cut < len(rest) and unicodedata.category(rest[cut])[0] == "M":
            cut -= 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces


def _attach_blank_pieces(pieces: list[str]) -> list[str]:
    """Whitespace-only pieces would be translated as nothing; glue them to a neighbour."""
    merged: list[str] = []
    for piece in pieces:
        if merged and not piece.strip():
            merged[-1] += piece
        elif merged and not merged[-1].strip():
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged
