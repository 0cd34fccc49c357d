"""How long the calling (UI) thread stalls while a big layout runs, by where it runs.

    python benchmarks/bench_layout_stall.py [--nodes N] [--rounds K]

A loop on the calling thread ticks every 10 ms (a UI event loop's tick) and records the
time between ticks, while a ``dot`` layout of an N-node lineage graph runs:

- baseline: nothing runs (the same loop, idle, for the same length of time);
- worker process: ``LayoutService`` (what the window uses);
- thread: ``compute_layout`` in a ``threading.Thread`` (pygraphviz holds the GIL).

It prints the median, p95 and longest gap of each, the ratios of p95 and of the longest
gap against the idle baseline measured in the same run, and the layout's own seconds.
The worker process should stay near the baseline (DESIGN.md measured a 17 ms longest
stall at 6,000 nodes) and the thread should stall for about the whole layout.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._lineage_graphs import layout_request, lineage_dag  # noqa: E402
from benchmarks._stats import p95  # noqa: E402
from lineage_desktop.layout import LayoutRequest, LayoutService, compute_layout  # noqa: E402

TICK = 0.010  # seconds between two ticks of the calling thread's loop
WAIT = 600.0  # give up on a layout after this long


def tick_gaps(done: threading.Event, until: float | None = None) -> list[float]:
    """Seconds between ticks of a 10 ms loop, until ``done`` is set (or ``until``)."""
    gaps = []
    last = time.perf_counter()
    deadline = until if until is not None else last + WAIT
    while not done.is_set() and last < deadline:
        time.sleep(TICK)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    return gaps


def in_worker(service: LayoutService, request: LayoutRequest) -> tuple[list[float], float]:
    done = threading.Event()
    seconds: list[float] = []

    def on_done(result) -> None:  # noqa: ANN001 (a LayoutResult)
        seconds.append(result.seconds)
        done.set()

    def on_error(error: BaseException) -> None:
        print(f"layout failed: {error}", file=sys.stderr)
        done.set()

    service.submit(request, on_done, on_error)
    gaps = tick_gaps(done)
    return gaps, seconds[0] if seconds else float("nan")


def in_thread(request: LayoutRequest) -> tuple[list[float], float]:
    done = threading.Event()
    seconds: list[float] = []

    def work() -> None:
        try:
            seconds.append(compute_layout(request).seconds)
        finally:
            done.set()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    gaps = tick_gaps(done)
    thread.join()
    return gaps, seconds[0] if seconds else float("nan")


def idle(length: float) -> list[float]:
    return tick_gaps(threading.Event(), until=time.perf_counter() + length)


def line(name: str, gaps: list[float], base: list[float], seconds: float | None = None) -> None:
    ms = 1e3
    text = (f"{name:<16} ticks {len(gaps):5d}  median {statistics.median(gaps) * ms:7.1f} ms"
            f"  p95 {p95(gaps) * ms:8.1f} ms  longest {max(gaps) * ms:8.1f} ms")
    if gaps is not base:
        text += (f"  x{p95(gaps) / p95(base):6.2f} p95, x{max(gaps) / max(base):7.2f} longest"
                 " of baseline")
    if seconds is not None:
        text += f"  (layout {seconds:.2f} s)"
    print(text, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=2, help="layouts per placement")
    parser.add_argument("--no-thread", action="store_true", help="skip the thread (slow)")
    args = parser.parse_args()
    print(f"dot layout of a {args.nodes:,}-node lineage graph; the calling thread ticks "
          f"every {TICK * 1e3:.0f} ms", flush=True)
    service = LayoutService()
    service.warm_up(wait=True)
    runs: dict[str, tuple[list[float], list[float]]] = {"worker process": ([], [])}
    if not args.no_thread:
        runs["thread"] = ([], [])
    places: dict[str, Callable[[LayoutRequest], tuple[list[float], float]]] = {
        "worker process": lambda req: in_worker(service, req),
        "thread": in_thread,
    }
    baseline: list[float] = []
    try:
        for round_ in range(args.rounds):
            # A new seed each round: the service's cache must not answer at once.
            request = layout_request(lineage_dag(args.nodes, seed=100 + round_), engine="dot")
            for name, (gaps, seconds) in runs.items():
                started = time.perf_counter()
                got, took = places[name](request)
                gaps += got
                seconds.append(took)
                baseline += idle(time.perf_counter() - started)  # same length, nothing runs
    finally:
        service.shutdown(wait=False)
    line("baseline (idle)", baseline, baseline)
    for name, (gaps, seconds) in runs.items():
        line(name, gaps, baseline, statistics.median(seconds))


if __name__ == "__main__":
    main()
