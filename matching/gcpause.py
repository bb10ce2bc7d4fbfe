"""Keep Python's cyclic garbage collector from rescanning the objects the engine builds in bulk.

Loading and encoding a large file create hundreds of thousands of records, lists and dicts, none of
them in a reference cycle and all kept until the ranking ends. Every collection triggered while they
are built scans them again (a full collection scans all of them), which costs more than building
them. Inside :func:`paused_gc` the collector does not run; reference counting still frees everything
that is not a cycle. When the outermost pause ends, the objects built are moved straight to the oldest
generation, as if they had survived two collections, so that the next young collections do not scan
them once more.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable automatic cyclic garbage collection inside the block (nestable and thread-safe).

    The collector is enabled again when the last pause open in the process ends, if it was enabled
    when the first one began. Never yield to other code from inside the block.
    """
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _age_survivors()
                if _resume:
                    gc.enable()


def _age_survivors() -> None:
    """Move every tracked object to the oldest generation (freeze, then unfreeze at once).

    Skipped when the application keeps objects frozen itself (`gc.freeze` before forking workers):
    unfreezing would hand them back to the collector.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
