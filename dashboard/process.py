"""What the Streamlit server process does once (pure Python, no Streamlit): keep the imported modules
out of the garbage collector's way.

Streamlit runs a full collection (`gc.collect(2)`) after every script run (`runner.postScriptGC`, on
by default, keeps a hosted app's memory down; AppTest's runner skips it, so AppTest figures miss it).
A full collection walks every object the collector tracks: about 120,000 of them are the imported
modules' functions, classes and constants (plotly's, pandas', streamlit's), and walking them cost
~100 ms of CPU per run on the world-sized set. `freeze_imports()` moves the objects alive at its first
call into the collector's permanent generation (`gc.freeze`), so the collection after each run walks
only what the runs made (~15-20 ms; 80 ms on the World page). It must run before any table is
loaded: a frozen object is never freed as cyclic garbage, so only objects that live as long as the
process (the modules) may be frozen; later calls do nothing.
"""
from __future__ import annotations

import gc

_FROZEN: list[int] = []  # the number of objects frozen, once


def freeze_imports() -> int:
    """Freeze every object the collector tracks now, once per process; returns how many were frozen."""
    if not _FROZEN:
        gc.freeze()
        _FROZEN.append(gc.get_freeze_count())
    return _FROZEN[0]
