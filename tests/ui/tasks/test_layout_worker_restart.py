"""The window's layout worker process is killed: the next lineage is still drawn, and
layouts go back to a worker process instead of running in the window's own for good."""
from __future__ import annotations

import os
import signal

from window_helpers import keys_in_scene

WAIT = 60_000  # ms; spawning a worker and loading Graphviz on a shared machine


def _kill(pid: int | None) -> int:
    assert pid is not None and pid != os.getpid(), "no worker process to kill"
    os.kill(pid, signal.SIGKILL)
    return pid


def _worker_only(window):
    """The window's layout service, sending even these small lineages to its worker
    (a lineage of a few nodes is laid out in the window's process otherwise), once the
    worker is up (the first lineage did not need it, so it may still be starting)."""
    service = window.controller.layouts.service
    service.inline_nodes = 0
    service.warm_up(wait=True, dot=False)
    return service


def test_after_the_worker_is_killed_the_next_lineage_is_drawn_by_a_new_worker(opened, qtbot):
    service = _worker_only(opened)
    assert service.mode == "worker"
    first_pid = _kill(service.worker_pid())

    with qtbot.waitSignal(opened.lineage_ready, timeout=WAIT) as shown:
        opened.show_lineage("train-split:v0")

    assert shown.args == ["artifact:train-split:v0"]
    assert "artifact:train-split:v0" in keys_in_scene(opened)
    assert opened.controller.layouts.mode == "worker"  # not laying out inline for good
    assert service.last_result_pid not in (None, first_pid, os.getpid())
    assert service.worker_pid() == service.last_result_pid
    assert not opened.busy.isVisible()
    assert not opened.controller.is_busy()


def test_when_the_fresh_worker_dies_too_the_lineage_is_laid_out_inline_once(opened, qtbot):
    controller = opened.controller
    service = _worker_only(opened)
    first_pid = _kill(service.worker_pid())
    seen: list[tuple[bool, str, str]] = []

    def on_notice(message: str) -> None:  # after the window's own slot has shown it
        seen.append((opened.busy.isVisible(), opened.busy.toolTip(), opened.status_text.text()))

    controller.layout_notice.connect(on_notice)
    opened.show_lineage("train-split:v0")
    # The request finds the worker dead and is sent to a fresh one: kill that one too.
    fresh: list[int] = []

    def fresh_worker_started() -> bool:
        pid = service.worker_pid()
        fresh[:] = [pid] if pid not in (None, first_pid) else []
        return bool(fresh)

    qtbot.waitUntil(fresh_worker_started, timeout=WAIT)
    with qtbot.waitSignal(opened.lineage_ready, timeout=WAIT) as shown:
        second_pid = _kill(fresh[0])

    assert shown.args == ["artifact:train-split:v0"]
    assert "artifact:train-split:v0" in keys_in_scene(opened)
    assert service.inline_runs == 1 and service.last_result_pid == os.getpid()
    assert len(seen) == 1
    busy_visible, busy_text, status = seen[0]
    assert busy_visible and busy_text == "Laying out in this process…"
    assert "own process" in status
    assert not opened.busy.isVisible()

    # Once only: the next lineage is laid out by a worker process again.
    with qtbot.waitSignal(opened.lineage_ready, timeout=WAIT):
        opened.show_lineage("raw-customers:v0")
    assert controller.layouts.mode == "worker"
    assert service.last_result_pid not in (None, first_pid, second_pid, os.getpid())
