"""Giving the memory of a large request back to the system once it is answered.

A request with a 12 MB inline document allocates a few hundred MB (the body, its JSON text, the parsed trees, the
result) and frees all of it; glibc's malloc keeps much of what was freed in its heaps, among the arenas of the
worker's threads, and a worker grew from 112 MB to about 300 MB after ten such requests while no Python object
outlived them (bench/bench_memory.py; tracemalloc). Two things give it back:

- malloc_trim(0) after a request that carried a large body or took long enough to have built large trees: it hands
  the free pages of every arena back to the system, in about 20 us when there is nothing to give back and a few ms
  after a large request;
- in servers, blocks of 1 MiB or more each mapped on their own (mallopt M_MMAP_THRESHOLD), so that they go back the
  moment they are freed: by default glibc raises that threshold to the largest block freed so far (up to 32 MiB), and
  a 12 MB body or text would then be carved from a heap and keep it large.

Outside glibc (musl, macOS) neither exists, and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time
from collections.abc import Callable

LARGE_BODY_BYTES = 1024 * 1024  # a body this large is parsed into many times its size
LONG_REQUEST_SECONDS = 0.1  # a stored document compared or judged for this long has built large trees too
MAPPED_BLOCK_BYTES = 1024 * 1024  # blocks this large are mapped apart, and unmapped as soon as they are freed
_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def _glibc_function(name: str):
    """Return a function of the C library if it is glibc's (which has it), else None."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None


def malloc_trim() -> Callable[[], None] | None:
    """Return a function that gives the free memory of every malloc arena back to the system, or None without
    glibc."""
    trim = _glibc_function("malloc_trim")
    if trim is None:
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return lambda: trim(0)


def map_large_blocks_apart(size: int = MAPPED_BLOCK_BYTES) -> bool:
    """Have malloc map every block of `size` bytes or more on its own, for this whole process (a server's: call it
    before its threads start); return whether it could (glibc only)."""
    mallopt = _glibc_function("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(_M_MMAP_THRESHOLD, size) == 1


class ReturnFreedMemory:
    """WSGI middleware: after the answer to a request with a large body, or one that took long, has been sent, give
    the memory it freed back to the system (malloc_trim)."""

    def __init__(self, app, *, trim: Callable[[], None] | None = None, large_body: int = LARGE_BODY_BYTES,
                 long_request: float = LONG_REQUEST_SECONDS):
        self.app, self.large_body, self.long_request = app, large_body, long_request
        self.trim = trim if trim is not None else malloc_trim()

    def __call__(self, environ, start_response):
        if self.trim is None:
            return self.app(environ, start_response)
        started = time.monotonic()
        answer = self.app(environ, start_response)
        if _content_length(environ) < self.large_body and time.monotonic() - started < self.long_request:
            return answer  # a small, quick request: nothing worth giving back (and a file keeps its sendfile)
        return _ThenTrim(answer, self.trim)


def _content_length(environ) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class _ThenTrim:
    """A response body that gives freed memory back once the server has sent it and closed it."""

    def __init__(self, answer, trim: Callable[[], None]):
        self.answer, self.trim = answer, trim

    def __iter__(self):
        return iter(self.answer)

    def close(self) -> None:
        try:
            close = getattr(self.answer, "close", None)
            if close is not None:
                close()
        finally:
            self.answer = None  # the body itself is freed before the trim, not after it
            self.trim()
