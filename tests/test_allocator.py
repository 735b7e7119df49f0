"""glibc keeps the memory CTranslate2 frees (xlcompare.allocator): a freed block is reused
without faulting its pages in again."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from xlcompare import allocator

ROOT = Path(__file__).resolve().parents[1]
GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"

# Page faults while an 8 MB block is allocated, written and freed three times, after once.
REUSE = """
import ctypes, resource, sys
from xlcompare.allocator import keep_freed_memory
print(keep_freed_memory() if sys.argv[1] == "kept" else None)
libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes, libc.free.argtypes = ctypes.c_void_p, [ctypes.c_size_t], [ctypes.c_void_p]
size = 8 << 20
def written():
    block = libc.malloc(size)
    ctypes.memset(block, 1, size)
    return block
libc.free(written())
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(3):
    libc.free(written())
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str, **environ: str) -> tuple[str, int]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MALLOC_")}
    env.update(environ, PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))))
    done = subprocess.run([sys.executable, "-c", REUSE, mode], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    kept, faults = done.stdout.split()
    return kept, int(faults)


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's; elsewhere nothing is changed")
def test_a_freed_block_is_reused_without_faulting_its_pages_in_again():
    kept, faults = _faults("kept")
    assert kept == "True"
    assert faults < 100  # 3 x 2,048 pages written
    _, default = _faults("default")
    assert default > 1000  # glibc's own thresholds: the block came back from the kernel at least once


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's; elsewhere nothing is changed")
def test_thresholds_the_user_set_are_left_alone():
    kept, _ = _faults("kept", MALLOC_TRIM_THRESHOLD_="1")
    assert kept == "False"


def test_it_is_set_once_per_process(monkeypatch):
    calls = []
    monkeypatch.setattr(allocator, "_done", None)
    monkeypatch.setattr(allocator, "_set_thresholds", lambda: calls.append(1) or GLIBC)
    assert allocator.keep_freed_memory() is GLIBC
    assert allocator.keep_freed_memory() is GLIBC
    assert calls == [1]
