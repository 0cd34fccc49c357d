"""Copying a file into the blob folder while re-hashing it (issue 10), against
``sha256sum`` of the same file measured in the same run.

    python benchmarks/bench_blobs.py [--size-mb 200] [--repeat 5]

``BlobStore.put_file`` reads the source once, hashes and writes each buffer, and refuses
content whose digest is not the one it is stored under. Baselines: ``sha256sum`` and
``openssl dgst`` (hash only, no copy), and the old way of storing a blob
(``shutil.copyfile``, which used ``sendfile`` and hashed nothing) plus a separate
``file_digest`` pass. The file stays in the page cache, so these are CPU and memory
costs, not the disk's.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lineage_desktop.store import blobs as blob_module
from lineage_desktop.store.blobs import BlobStore, file_digest


def median_s(run: Callable[[], object], repeat: int, reset: Callable[[], None]) -> float:
    samples = []
    for _ in range(repeat):
        reset()
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("sha256sum") is None:
        print("sha256sum is not installed; nothing to compare with", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-blobs-") as tmp:
        folder = Path(tmp)
        source = folder / "source.bin"
        with open(source, "wb") as handle:
            for _ in range(args.size_mb):
                handle.write(os.urandom(1 << 20))
        digest, size = file_digest(source)  # also warms the page cache
        blobs = BlobStore(folder / "s.db.files")
        target = blobs.root / digest[:2] / digest
        copy = folder / "copy.bin"

        def reset() -> None:
            target.unlink(missing_ok=True)
            copy.unlink(missing_ok=True)

        def sha256sum() -> None:
            subprocess.run(["sha256sum", str(source)], check=True, stdout=subprocess.DEVNULL)

        def old_store() -> None:
            shutil.copyfile(source, copy)
            file_digest(source)

        rows = [("sha256sum (hash only)", median_s(sha256sum, args.repeat, reset))]
        if shutil.which("openssl"):
            rows.append(("openssl dgst -sha256 (hash only)", median_s(
                lambda: subprocess.run(["openssl", "dgst", "-sha256", str(source)],
                                       check=True, stdout=subprocess.DEVNULL),
                args.repeat, reset)))
        rows.append(("file_digest (hash only)",
                     median_s(lambda: file_digest(source), args.repeat, reset)))
        rows.append(("copyfile, no hash (old put_file)",
                     median_s(lambda: shutil.copyfile(source, copy), args.repeat, reset)))
        rows.append(("copyfile + file_digest (two passes)",
                     median_s(old_store, args.repeat, reset)))
        for buffer in (1 << 18, 1 << 20, 1 << 22):
            blob_module.COPY_BUFFER = buffer
            rows.append((f"put_file, copy+hash, {buffer >> 10} KiB buffer",
                         median_s(lambda: blobs.put_file(digest, source), args.repeat, reset)))
    mb = size / 1e6
    baseline = rows[0][1]
    print(f"{mb:.0f} MB file, median of {args.repeat} runs, page cache warm")
    for name, seconds in rows:
        print(f"  {name:<40} {seconds * 1000:8.1f} ms  {mb / seconds:7.0f} MB/s  "
              f"{seconds / baseline:5.2f}x sha256sum")
    return 0


if __name__ == "__main__":
    sys.exit(main())
