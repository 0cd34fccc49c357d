"""The run that produced a dataset input: the imported run whose logged artifacts hold
the dataset's location (the file, or a folder above it), or, for artifacts on this
machine, a file whose MD5 or SHA-256 starts with the dataset's digest.

MLflow records datasets only as inputs, so a producer is known from what runs logged.
Among the runs that logged it, the one that started last before the reading run is the
producer (a run does not produce its own input). The artifact lists are read only when a
dataset needs them, and the digests only of local files, once.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

MAX_FILES = 10_000  # artifacts listed per run (a run's artifact tree can be huge)
MIN_DIGEST = 8      # MLflow's own dataset digests are 8 hexadecimal characters


def location(text: str) -> str:
    """``text`` comparable with other locations: a local path (from ``file:`` or a bare
    absolute path) normalised, other URIs without a trailing ``/``."""
    if text.startswith("file:"):
        return os.path.normpath(unquote(urlparse(text).path))
    if text.startswith("/"):
        return os.path.normpath(text)
    return text.rstrip("/")


def _parents(where: str) -> Iterator[str]:
    while where:
        yield where
        head = where.rsplit("/", 1)[0]
        if head == where or head.endswith(":") or head.endswith(":/"):
            return
        where = head


class ArtifactIndex:
    """What the imported runs logged, by location and (local files) by digest."""

    def __init__(self, client: Any, runs: list[Any]) -> None:
        self.client = client
        self.runs = {r.info.run_id: r for r in runs}
        self.started = {r.info.run_id: r.info.start_time or 0 for r in runs}
        self._by_location: dict[str, set[str]] | None = None
        self._by_digest: list[tuple[tuple[str, str], set[str]]] | None = None

    def producer(self, where: str | None, digest: str | None, reader: str) -> str | None:
        """The producer of a dataset at ``where`` with ``digest``, read by run ``reader``."""
        candidates: set[str] = set()
        if where:
            by_location = self._locations()
            for place in _parents(location(where)):
                candidates |= by_location.get(place, set())
        if not candidates - {reader} and digest and len(digest) >= MIN_DIGEST:
            wanted = digest.lower()
            for digests, run_ids in self._digests():
                if any(d.startswith(wanted) for d in digests):
                    candidates |= run_ids
        return self._latest_before(candidates - {reader}, reader)

    def _latest_before(self, candidates: set[str], reader: str) -> str | None:
        before = [c for c in candidates if self.started[c] <= self.started[reader]]
        return max(before, key=lambda c: (self.started[c], c)) if before else None

    def _files(self, run_id: str) -> Iterator[tuple[str, bool]]:
        """(path below the run's artifact root, is a folder), at most ``MAX_FILES``."""
        pending: list[str | None] = [None]
        seen = 0
        while pending and seen < MAX_FILES:
            for info in self.client.list_artifacts(run_id, pending.pop()):
                seen += 1
                yield info.path, bool(info.is_dir)
                if info.is_dir:
                    pending.append(info.path)

    def _locations(self) -> dict[str, set[str]]:
        if self._by_location is None:
            self._by_location = {}
            for run_id, run in self.runs.items():
                root = location(run.info.artifact_uri or "")
                if not root:
                    continue
                for path, _ in self._files(run_id):
                    self._by_location.setdefault(f"{root}/{path}", set()).add(run_id)
        return self._by_location

    def _digests(self) -> list[tuple[tuple[str, str], set[str]]]:
        """The MD5 and SHA-256 of each local artifact file, with the runs that logged it."""
        if self._by_digest is None:
            self._by_digest = [(_file_digests(Path(place)), run_ids)
                               for place, run_ids in self._locations().items()
                               if place.startswith("/") and Path(place).is_file()]
        return self._by_digest


def _file_digests(path: Path) -> tuple[str, str]:
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            md5.update(chunk)
            sha256.update(chunk)
    return md5.hexdigest(), sha256.hexdigest()
