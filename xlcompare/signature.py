"""Signatures: what produced a result, so that any number or text can be reproduced.

Like sacrebleu's `nrefs:1|case:mixed|tok:13a|...|version:2.x`, every xlcompare output carries
the model id and revision, engine, decoding settings, splitter, embedder and version.
"""
from __future__ import annotations

from typing import Any

from xlcompare.segments.article import DEFAULT_SPLIT, SPLITTERS
from xlcompare.version import __version__

# The default segmentation's id; `xlcompare.segments.SPLITTERS` has one per split mode.
SPLITTER_ID = SPLITTERS[DEFAULT_SPLIT]

# Keys shown in the compact string, in this order, with their short names.
_SHORT = [
    ("model", "model"),
    ("revision", "rev"),
    ("engine", "engine"),
    ("quantization", "quant"),
    ("device", "device"),
    ("dtype", "dtype"),
    ("beams", "beams"),
    ("max_new_tokens", "maxtok"),
    ("splitter", "split"),
    ("embedder", "emb"),
]


def make_signature(fields: dict[str, Any]) -> dict[str, Any]:
    """Return `fields` plus the xlcompare version and a compact one-line `string`."""
    sig = {k: v for k, v in fields.items() if v is not None}
    sig.setdefault("splitter", SPLITTER_ID)
    sig["xlcompare"] = __version__
    parts = [f"{short}:{sig[key]}" for key, short in _SHORT if key in sig]
    parts.append(f"version:{__version__}")
    sig["string"] = "|".join(parts)
    return sig
