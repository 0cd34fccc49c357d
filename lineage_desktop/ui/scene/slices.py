"""``SliceRunner``: long work on the UI thread in slices of a few milliseconds.

Building 20,000 cards takes seconds of Python; done in one go the window freezes. The
work is written as a generator that yields after each small step; the runner resumes it
from a zero-interval timer for about ``SLICE_SECONDS`` at a time, so paint and input
events are handled between slices. Starting a new job drops the unfinished one (its
generator is simply never resumed), and ``finish`` runs the rest at once (export, tests).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator

import shiboken6
from PySide6.QtCore import QObject, QTimer, Slot

SLICE_SECONDS = 0.012  # well under a 60 Hz frame, and under the 50 ms stall budget

Job = Iterator[object]


class SliceRunner(QObject):
    """Resumes one generator at a time from the event loop (see the module docstring).

    The cyclic garbage collector stays paused while a job runs: tens of thousands of new
    items would make it scan the heap many times over, each scan a stall of its own.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job: Job | None = None
        self._on_done: Callable[[], None] | None = None
        self._gc_was_enabled = False
        self.generation = 0  # counts jobs started: a finished job's answer names its own
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self, job: Job, on_done: Callable[[], None] | None = None) -> int:
        """Run ``job`` in slices, then call ``on_done``; drops an unfinished job. Returns
        the job's generation number."""
        self.cancel()
        self.generation += 1
        self._job, self._on_done = job, on_done
        self._gc_was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()
        return self.generation

    def is_running(self) -> bool:
        """True while a job has steps left."""
        return self._job is not None

    def cancel(self) -> None:
        """Drop the unfinished job, if any, without calling its ``on_done``."""
        if self._job is not None:
            self._job = self._on_done = None
            self._timer.stop()
            self._restore_gc()

    def finish(self) -> None:
        """Run what is left of the job now (it may take long) and call its ``on_done``."""
        if self._job is not None:
            self._run_until(float("inf"))

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._run_until(time.perf_counter() + SLICE_SECONDS)

    def _run_until(self, deadline: float) -> None:
        job = self._job
        assert job is not None
        clock = time.perf_counter
        for _ in job:
            if clock() >= deadline:
                return
        if job is not self._job:  # a step started another job
            return
        on_done = self._on_done
        self._job = self._on_done = None
        self._restore_gc()
        # The finished generator let go of its owner: if that was the last reference to
        # the scene, the scene, this runner and its timer are gone now.
        if not shiboken6.isValid(self._timer):
            return
        self._timer.stop()
        if on_done is not None:
            on_done()

    def _restore_gc(self) -> None:
        if self._gc_was_enabled:
            # Not frozen out of the collector's generations (it would skip the first
            # collections scanning 50,000 new cards, 157 + 214 ms with the GIL held):
            # whatever cyclic garbage is alive at that moment, from either thread, would
            # never be freed (measured: every lineage graph read since, with its nodes).
            gc.enable()
        self._gc_was_enabled = False
