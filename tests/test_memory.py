"""crosscheck.memory: freed heap memory goes back to the system (glibc), in a process of its own."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crosscheck import memory

# 200 MB in 64 KB blocks (below the mmap threshold: from the heap), each followed by a small
# block that stays, so that freeing the big ones leaves holes glibc does not trim by itself.
# The small block is over 512 bytes: smaller ones come from Python's own allocator (pymalloc
# arenas, mmapped apart), would leave the big blocks adjacent, and free() would hand them back
# as one top chunk without any trim
_CHILD = """
import sys
from crosscheck import memory
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
assert memory.bound_malloc()
big, keep = [], []
for _ in range(3200):
    big.append(bytearray(64 * 1024))
    keep.append(bytearray(1024))
full = rss()
del big
freed = rss()
memory.trim()
print(full, freed, rss())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or memory._libc() is None, reason="glibc only")
def test_trim_gives_freed_heap_back() -> None:
    out = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True, check=True, timeout=60)
    full, freed, trimmed = map(float, out.stdout.split())
    assert full - trimmed > 150, (full, freed, trimmed)  # 200 MB were freed
    assert freed - trimmed > 150, "freeing alone gave the memory back: the test no longer tests trim"


def test_no_op_without_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_libc", lambda: None)
    memory.bound_malloc.cache_clear()
    try:
        assert memory.bound_malloc() is False
        memory.trim()  # nothing to call, nothing raised
    finally:
        memory.bound_malloc.cache_clear()
