"""``gc_paused`` pauses the cyclic collector for a block and restores it as it was."""
from __future__ import annotations

import gc

import pytest

from lineage_desktop.records.collector import gc_paused


def test_the_collector_is_paused_inside_and_restored_after_even_on_an_error():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("inside")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
