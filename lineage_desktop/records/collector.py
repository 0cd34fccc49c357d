"""``gc_paused``: building tens of thousands of records at once without the cyclic
garbage collector running dozens of times for nothing (records, node dicts and scene
items form no cycles). Used by the lineage reads, the view build and the scene build."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (reference counting still frees
    everything that is dropped); restored as it was, also on an error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
