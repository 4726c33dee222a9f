"""The cyclic garbage collector paused around work that makes millions of small objects and no
reference cycle worth collecting (the build, the counting): its passes would only walk them."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The collector paused for the block, resumed after it only if it ran before (nested pauses
    leave it as the outermost found it)."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
