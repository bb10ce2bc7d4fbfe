"""Optional stage timing for benchmarks: `with stage("text"):` adds to the active stopwatch, if any."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_active: ContextVar[defaultdict[str, float] | None] = ContextVar("rdvm_stopwatch", default=None)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the time spent in the block to stage `name` of the active stopwatch."""
    seconds = _active.get()
    if seconds is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[name] += time.perf_counter() - start


@contextmanager
def stopwatch() -> Iterator[defaultdict[str, float]]:
    """Collect stage timings of everything run inside the block."""
    seconds: defaultdict[str, float] = defaultdict(float)
    token = _active.set(seconds)
    try:
        yield seconds
    finally:
        _active.reset(token)
