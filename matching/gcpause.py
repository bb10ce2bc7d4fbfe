"""Keep Python's cyclic garbage collector from rescanning the objects the engine builds in bulk.

Loading and encoding a large file create hundreds of thousands of records, lists and dicts, none of
them in a reference cycle and all kept until the ranking ends. Every collection triggered while they
are built scans them again (a full collection scans all of them), which costs more than building
them. Inside :func:`paused_gc` the collector does not run; reference counting still frees everything
that is not a cycle. When the outermost pause ends, the objects built are moved straight to the oldest
generation, as if they had survived two collections, so that the next young collections do not scan
them once more. A command that ends its process once the work is written calls :func:`freeze_until_exit`.
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


def freeze_until_exit() -> None:
    """Keep every object alive now out of the collector's reach for the rest of the process (call it just before a
    one-shot command's process ends).

    What a run built is held in reference cycles (an explainer's closures, blocks and their run), so only the
    collector frees it: at exit, after the output is written, its last passes would scan and free every record,
    list and dict again (half a second for 10,000 trainees × 2,000 vacancies). Frozen, they are left to the
    system, which frees the process's memory at once.
    """
    gc.freeze()
