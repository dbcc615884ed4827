"""Handing freed memory back to the system (glibc only; a no-op elsewhere).

glibc's malloc raises its mmap threshold each time a large block is freed, up to 32 MB, after
which large blocks come from the heap and stay there once freed. A process that embeds then
keeps the high-water mark of its batches: onnxruntime's intermediate tensors (several MB each)
are freed after each run but not returned, and on top of that its memory arena keeps the
largest batch's buffers (about 110 MB per MiniLM session on Reuters claims, besides 60 MB left
over from loading the model). Fixing the threshold at glibc's default (128 KB) keeps large
blocks in their own mappings, unmapped when freed; :func:`trim` gives back what smaller frees
left in the heap and in the per-thread arenas.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

_M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h
MMAP_THRESHOLD = 128 * 1024  # glibc's default, before it starts raising it


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):  # musl has no malloc_trim
            return None
    except OSError:
        return None
    return libc


@functools.cache
def bound_malloc() -> bool:
    """Fix glibc's mmap threshold for this process (once); False where that is not glibc."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def trim() -> None:
    """Give freed heap memory back to the system (``malloc_trim(0)``, a few ms at most)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
