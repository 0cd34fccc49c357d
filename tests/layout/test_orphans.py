"""The layout workers and multiprocessing's resource tracker exit when the process that
started them is killed (SIGKILL: no cleanup code of it runs)."""
from __future__ import annotations

from orphans import alive, descendants, describe, kill_and_wait, start

SERVICE = """
import sys
from lineage_desktop.layout import LayoutService
service = LayoutService()
service.warm_up(wait=True)
print("ready", flush=True)
sys.stdin.read()
"""


def test_layout_workers_exit_when_the_service_process_is_killed():
    proc = start(SERVICE)
    names = [" ".join(p.cmdline()) for p in descendants(proc.pid)]
    assert sum("spawn_main" in n for n in names) == 2  # the layout and the dot worker
    left = kill_and_wait(proc)
    assert not left, f"left running: {describe(left)}"


def test_workers_still_serve_a_living_parent():
    proc = start(SERVICE)
    try:
        assert len(alive(descendants(proc.pid))) >= 2
    finally:
        assert not kill_and_wait(proc)
