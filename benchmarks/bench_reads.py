"""Per-call reads that used to grow with the store, against their floors (issue 12).

    python benchmarks/bench_reads.py [--full]

On stores of 10k and 100k versions (``--full``: and 1M), from ``_stores.sized_store``,
each call interleaved with its floor in the same run:

- an alias "as of" a moment (``resolve_version(..., as_of=...)``, what ``Api(as_of=...)``
  and the window's "as of" box resolve), and the aliases of a version as of a moment
  (``versions_by_ids(..., as_of)``), against ``model:v0`` resolved now;
- ``run_count`` of the project, now and as of a moment, against a raw ``COUNT`` over the
  ``runs_project_started`` index of one hour's runs (about 1,800 rows at every size), and
  the ``COUNT`` of every run that ``run_count`` was before schema 7 (which grows).

Medians and p95 in microseconds; the ratio is to the first line of each group.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import interleaved, report  # noqa: E402
from _stores import sized_store  # noqa: E402

from lineage_desktop.store import Store  # noqa: E402


def bench_size(versions: int, repeat: int) -> None:
    path = sized_store(versions)
    Store.open(path).close()  # a writer migrates a store cached by an older schema
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with Store.open(path, readonly=True) as store:
        middle = store.resolve_version("model", "production", 1)
        newest = store.resolve_version("model", "latest", 1)
        moment = middle.created_at or ""
        hour = moment[:13]
        print(f"{versions:,} versions, {store.run_count():,} runs; as of {moment}", flush=True)
        samples = interleaved({
            "model:v0 now (floor)": lambda: store.resolve_version("model", "v0", 1),
            "model:production as of": lambda: store.resolve_version(
                "model", "production", 1, moment),
            "model:latest as of": lambda: store.resolve_version("model", "latest", 1, moment),
            "aliases of one version as of": lambda: store.versions_by_ids([middle.id], moment),
            "aliases of the newest version now": lambda: store.versions_by_ids([newest.id]),
        }, repeat)
        _report(samples)
        samples = interleaved({
            "COUNT of one hour's runs (floor)": lambda: raw.execute(
                "SELECT COUNT(*) FROM runs WHERE project_id = 1 AND started_at >= ? "
                "AND started_at <= ?", (hour, moment)).fetchone(),
            "run_count(project)": lambda: store.run_count(1),
            "run_count(project, as of)": lambda: store.run_count(1, moment),
            "run_count() of every project": lambda: store.run_count(),
            "COUNT of every run (run_count before)": lambda: store._counted_runs(1, None),
        }, max(10, repeat // 4))
        _report(samples)
    raw.close()


def _report(samples: dict[str, list[float]]) -> None:
    baseline = next(iter(samples.values()))
    for name, values in samples.items():
        report(f"  {name}", values, baseline, unit="us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also a store of 1M versions")
    parser.add_argument("--repeat", type=int, default=400, help="calls per read (default 400)")
    args = parser.parse_args()
    for versions in (10_000, 100_000, 1_000_000) if args.full else (10_000, 100_000):
        bench_size(versions, args.repeat)


if __name__ == "__main__":
    main()
