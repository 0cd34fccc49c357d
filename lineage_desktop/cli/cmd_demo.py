"""``lineage-desktop demo PATH [--runs N]``: write a realistic demo project."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from lineage_desktop.cli.progress import Progress
from lineage_desktop.demo import write_demo


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="write a demo project store",
        description="Write a realistic demo project (ingest, preprocess, split, sweeps of "
                    "training runs, evaluation, deployment) through the SDK.")
    parser.add_argument("path", help="store file to create (or add to)")
    parser.add_argument("--runs", type=int, default=300, help="about how many runs (default 300)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    progress = Progress("demo", args.runs)
    started = time.perf_counter()
    path = write_demo(Path(args.path), runs=args.runs, seed=args.seed, progress=progress.update)
    progress.done()
    print(f"wrote {args.runs} runs to {path} in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return 0
