"""``run.log`` against the training loop around it (issue 13), interleaved in one run.

    python benchmarks/bench_history.py [--steps 10000] [--repeat 5]

Each round logs ``--steps`` steps of 10 scalars into a fresh store, and runs the same
loop without logging as the baseline: a tiny numpy training step (a 64x64 matmul and a
gradient update, about what the smallest real model does per step) when numpy is
installed, else ten float operations per step. Reports medians, p95 and the ratio of the
logging cost (loop with logging minus loop alone) to the loop alone; the goal is <= 1.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import p95  # noqa: E402

import lineage_desktop as ld  # noqa: E402


def _step_function():
    try:
        import numpy as np
    except ImportError:
        def plain(i: int) -> list[float]:
            return [i * 0.5 + k for k in range(10)]
        return plain, "ten float operations"
    rng = np.random.default_rng(0)
    weights = rng.standard_normal((64, 64))
    batch = rng.standard_normal((64, 64))

    def numpy_step(i: int) -> list[float]:
        nonlocal weights
        out = batch @ weights
        weights -= 1e-4 * (batch.T @ out)
        return [float(out[0, k]) for k in range(10)]
    return numpy_step, "a 64x64 numpy matmul and update"


def loop(steps: int, step, run) -> float:
    start = time.perf_counter()
    for i in range(steps):
        values = step(i)
        if run is not None:
            run.log({f"m{k}": v for k, v in enumerate(values)})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    step, what = _step_function()
    alone, logged = [], []
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.repeat):
            alone.append(loop(args.steps, step, None))
            with ld.init(project="bench", store=Path(folder) / f"h{round_}.db",
                         reinit="create_new") as run:
                start = time.perf_counter()
                logged.append(loop(args.steps, step, run))
                run.finish()
                logged[-1] = time.perf_counter() - start  # the final batch written too
    costs = sorted(b - a for a, b in zip(alone, logged))
    base, cost = statistics.median(alone), statistics.median(costs)
    print(f"{args.steps} steps of 10 scalars; the loop: {what}")
    print(f"  loop alone          median {base * 1000:9.1f} ms  p95 {p95(alone) * 1000:9.1f} ms")
    print(f"  loop with run.log   median {statistics.median(logged) * 1000:9.1f} ms  "
          f"p95 {p95(logged) * 1000:9.1f} ms")
    print(f"  cost of logging     median {cost * 1000:9.1f} ms  p95 {p95(costs) * 1000:9.1f} ms"
          f"  = x{cost / base:.2f} of the loop (goal <= 1), "
          f"{cost / args.steps * 1e6:.1f} us per step")


if __name__ == "__main__":
    main()
