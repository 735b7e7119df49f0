"""glibc's allocator told to keep the memory CTranslate2 frees, so that it is not faulted in again.

CTranslate2 allocates each layer's activations and frees them at the next (buffers of up to a
few MB per batch). glibc serves such sizes with mmap at first and raises that threshold as it
sees them freed; whether it settles depends on what the process allocated before. In a fresh
process that had loaded little else, e5-ct2 met 1.05 million page faults embedding 500 FLORES
sentences instead of 60,000, and embedded 25% slower (100 against 133 sentences/s, measured
on a 2-core AMD EPYC): every buffer went back to the kernel and came back zeroed. With the
thresholds fixed high, freed buffers stay in the process for the next batch, whatever came
before. The cost is memory kept rather than returned: at most what the largest batch
needed, a few tens of MB.

Process-wide and glibc-only: elsewhere, and where the user set these thresholds through
glibc's own environment variables, nothing changes.
"""
from __future__ import annotations

import ctypes
import logging
import os
import platform
import sys
import threading

log = logging.getLogger(__name__)

# mallopt parameters (glibc's malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# Blocks below this come from the heap, not from mmap: the largest value glibc accepts on
# 64-bit systems (DEFAULT_MMAP_THRESHOLD_MAX, 32 MB).
MMAP_THRESHOLD = 32 * 1024 * 1024
# Free memory at the top of the heap is returned to the kernel only past this.
TRIM_THRESHOLD = 256 * 1024 * 1024
_USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")

_lock = threading.Lock()
_done: bool | None = None


def keep_freed_memory() -> bool:
    """Fix glibc's mmap and trim thresholds high, once per process; returns whether they are."""
    global _done
    with _lock:
        if _done is None:
            _done = _set_thresholds()
        return _done


def _set_thresholds() -> bool:
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return False
    if any(name in os.environ for name in _USER_SETTINGS):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    done = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    log.debug("glibc mmap threshold %d, trim threshold %d: %s", MMAP_THRESHOLD, TRIM_THRESHOLD, done)
    return done
