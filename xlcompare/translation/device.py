"""Choosing where a model runs and in which precision."""
from __future__ import annotations

import ctypes
import logging
import os
import sys
from typing import Any

from xlcompare.errors import ModelLoadError

log = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "cuda", "mps")


def pick_device(requested: str = "auto") -> str:
    """`auto` prefers CUDA, then Apple's MPS, then the CPU. An explicit device that is not
    available is an error rather than a silent fallback: the user asked for it."""
    import torch

    requested = (requested or "auto").lower()
    base = requested.split(":")[0]
    if base not in DEVICES:
        raise ModelLoadError(f"Unknown device {requested!r}; choose one of {', '.join(DEVICES)}.")
    if base == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if _mps_available(torch):
            return "mps"
        return "cpu"
    if base == "cuda" and not torch.cuda.is_available():
        raise ModelLoadError(
            "Device 'cuda' was requested but torch sees no CUDA GPU. Use --device cpu or --device auto."
        )
    if base == "mps" and not _mps_available(torch):
        raise ModelLoadError(
            "Device 'mps' was requested but torch reports MPS unavailable. Use --device cpu or --device auto."
        )
    return requested


def pick_dtype(device: str, half: bool | None = None) -> Any:
    """float32 on the CPU (half precision is slower there, not faster); on a GPU bfloat16 when
    the card supports it (no float16 overflow in NLLB's large activations), else float16.
    `half=False` forces float32 anywhere; `half=True` forces a 16-bit type even on the CPU."""
    import torch

    on_gpu = not device.startswith("cpu")
    use_half = on_gpu if half is None else half
    if not use_half:
        return torch.float32
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.startswith("mps"):
        return torch.float16
    return torch.bfloat16


def dtype_name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")


def _mps_available(torch: Any) -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


_allocator_tuned = False


def tune_cpu_allocator() -> bool:
    """Keep freed memory in the process instead of handing it back to the OS (glibc only).

    Decoding on a CPU allocates and frees tensors of batch x vocabulary floats (16 MB for 64
    sentences of OPUS-MT, 65 MB for NLLB) at every step. glibc serves such sizes with fresh
    mmap() pages and unmaps them on free, so every step page-faults them in again: about 1 GB
    of page faults per 64 sentences, 10-15% of the time on a VM (bench_translate.py). Turning
    off mmap for allocations and raising the trim threshold lets the next step reuse the memory.
    The price: the process keeps its peak heap until it exits. Set XLCOMPARE_MALLOC_TUNING=0
    to opt out. Returns True when the settings were applied (once per process).
    """
    global _allocator_tuned
    if _allocator_tuned:
        return True
    if os.environ.get("XLCOMPARE_MALLOC_TUNING", "1").strip() == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (musl, ...): leave the allocator alone
        return False
    m_trim_threshold, m_mmap_max = -1, -4
    applied = bool(mallopt(m_mmap_max, 0)) and bool(mallopt(m_trim_threshold, 1 << 30))
    _allocator_tuned = applied
    log.debug("glibc malloc tuned for decoding: %s", applied)
    return applied
