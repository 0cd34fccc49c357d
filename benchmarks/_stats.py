"""Shared reporting for the benchmarks: medians, p95 and ratios against a baseline."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    """Seconds per call, ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def interleaved(calls: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Seconds per call for each named call, run in turn so that noise hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - start)
    return samples


def report(name: str, samples: list[float], baseline: list[float] | None = None,
           unit: str = "ms") -> str:
    """One line: median and p95 (in ``unit``), and the ratio of medians to the baseline."""
    scale = {"s": 1.0, "ms": 1e3, "us": 1e6}[unit]
    line = (f"{name:<48} median {statistics.median(samples) * scale:9.3f} {unit}"
            f"  p95 {p95(samples) * scale:9.3f} {unit}")
    if baseline:
        ratio = statistics.median(samples) / max(statistics.median(baseline), 1e-12)
        line += f"  x{ratio:6.2f} of baseline"
    print(line, flush=True)
    return line
