"""The cold cost of ``import lineage_desktop`` and of a whole tiny recording script (issue 12).

    python benchmarks/bench_import.py [--repeat 21] [--baseline DIR] [--tree DIR]

Every sample is a fresh interpreter (``subprocess``), so every sample pays what a
recording script pays once: the interpreter, ``site``, our imports and, for the script,
``ld.init`` + one ``log_artifact`` of a one-small-file artifact + ``finish`` on a new
store. The cases run in turn (interleaved) so that noise from the shared cores hits all
alike; two floors come first: a bare ``python -c pass`` and ``python -c "import sqlite3,
hashlib, json"`` (what any store of this kind imports).

``--baseline DIR`` also runs the same cases against another checkout of the package
(``DIR/lineage_desktop``, put first on ``PYTHONPATH``; for example ``git archive HEAD~3
lineage_desktop | tar -x -C DIR``), so that a change is measured before and after in the
same run; ``--tree DIR`` measures such a checkout instead of the installed package (a
change apart from work in progress elsewhere in the tree). Every interpreter starts in a
scratch folder (the current directory would shadow ``PYTHONPATH``), and bytecode is
cached as in an installed package even where PYTHONDONTWRITEBYTECODE is set (compiling
the sources costs more than importing them). Prints median and p95 of each case, wall
time and CPU time (user + system of the child: steadier when other work shares the
cores), the ratio of medians to the bare interpreter and, with ``--baseline``, of this
checkout to the baseline.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import report  # noqa: E402

FLOORS = {
    "python -c pass": "pass",
    "python -c 'import sqlite3, hashlib, json'": "import sqlite3, hashlib, json",
}
IMPORT = "import lineage_desktop"
SCRIPT = "recording script"
SCRIPT_CODE = """\
import sys
import lineage_desktop as ld
folder = sys.argv[1]
with open(folder + '/weights.bin', 'wb') as handle:
    handle.write(b'x' * 4096)
run = ld.init(project='bench', job_type='train', store=folder + '/lineage.db')
artifact = ld.Artifact('model', 'model')
artifact.add_file(folder + '/weights.bin')
run.log_artifact(artifact)
run.finish()
"""


def runner(code: str, pythonpath: str | None, scratch: Path
           ) -> Callable[[], tuple[float, float]]:
    """One fresh interpreter running ``code``, given a new empty folder each time; the
    call returns its wall and CPU seconds."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the warm-up writes the .pyc files, as pip does
    if pythonpath:
        env["PYTHONPATH"] = pythonpath

    def call() -> tuple[float, float]:
        folder = tempfile.mkdtemp(dir=scratch)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, folder], env=env, cwd=scratch,
                       check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return call


def check_checkout(pythonpath: str) -> None:
    """Stop if a checkout does not hold the package (our own would be measured)."""
    code = "import lineage_desktop; print(lineage_desktop.__file__)"
    env = {**os.environ, "PYTHONPATH": pythonpath}
    where = subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd="/",
                           capture_output=True, text=True).stdout.strip()
    if not where.startswith(str(Path(pythonpath).resolve())):
        sys.exit(f"{pythonpath}: imports {where}, not that checkout's package")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21, help="fresh interpreters per case")
    parser.add_argument("--baseline", help="another checkout of the package to compare with")
    parser.add_argument("--tree", help="a checkout to measure instead of the installed package")
    args = parser.parse_args()
    checkouts: dict[str, str | None] = {"": args.tree}
    if args.baseline is not None:
        checkouts = {" (baseline)": args.baseline, "": args.tree}
    for path in checkouts.values():
        if path is not None:
            check_checkout(path)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        scratch = Path(tmp)
        calls = {name: runner(code, None, scratch) for name, code in FLOORS.items()}
        for label, path in checkouts.items():
            calls[IMPORT + label] = runner(IMPORT, path, scratch)
            calls[SCRIPT + label] = runner(SCRIPT_CODE, path, scratch)
        for call in calls.values():  # warm the page cache, write the .pyc files
            call()
        wall: dict[str, list[float]] = {name: [] for name in calls}
        cpu: dict[str, list[float]] = {name: [] for name in calls}
        for _ in range(args.repeat):  # in turn, so that noise hits every case alike
            for name, call in calls.items():
                took, used = call()
                wall[name].append(took)
                cpu[name].append(used)
    print(f"{args.repeat} fresh interpreters per case, interleaved; ratios to python -c pass")
    for kind, samples in (("wall", wall), ("CPU", cpu)):
        for name, values in samples.items():
            report(f"{name} [{kind}]", values, samples["python -c pass"])
    if args.baseline is not None:
        print("this checkout against the baseline checkout")
        for kind, samples in (("wall", wall), ("CPU", cpu)):
            for case in (IMPORT, SCRIPT):
                report(f"{case} [{kind}]", samples[case], samples[case + " (baseline)"])


if __name__ == "__main__":
    main()
