"""How the verify engine (``verify.py``) gets the answer for one entry's content: big
files hashed on worker threads, small blobs read in batches, everything else (and
every blob the batch cannot answer plainly) by ``sdk/integrity.py``'s ``check_content``.

``hashlib`` and the system calls release the GIL, so worker threads hash big files on
every core. For small files the cost is Python's per file, so blobs are read a batch at
a time with ``BlobReader`` (one ``lstat``, ``open``, ``fstat`` and read per blob, relative
to folder descriptors opened once), on the calling thread by default: on a worker, each
of those calls gives the GIL away and waits for it again while the calling thread plans
the next entries, which measured slower than one thread (benchmarks/bench_verify.py
``--batch-threads``). A blob the batch does not answer (missing, a link, not a regular file, an open
store, an error) goes through ``check_content``, which names the finding: the answers
are the same as checking one entry after the other.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from lineage_desktop.records import FileCheck, ManifestEntry
from lineage_desktop.store import Store
from lineage_desktop.store.files_below import BlobReader

Check = Callable[[Store, str, ManifestEntry, Path], FileCheck | None]  # check_content


class Done:
    """A check already answered (a ``Future`` costs a lock and a condition to make)."""

    __slots__ = ("_answer",)

    def __init__(self, answer: FileCheck | None) -> None:
        self._answer = answer

    def result(self) -> FileCheck | None:
        return self._answer


class _Batch:
    """Blobs read together: their digests and, once handed over, the answers."""

    __slots__ = ("answers", "digests", "read")

    def __init__(self) -> None:
        self.digests: list[str] = []
        self.answers: Future[list[str | None]] | None = None
        self.read: list[str | None] | None = None  # the answers, once taken


class _Blob:
    """The answer for one blob of a batch (computed once: shared blobs ask again)."""

    __slots__ = ("_answer", "_batch", "_content", "_entry", "_index", "_label", "_location")

    def __init__(self, content: Content, batch: _Batch, label: str, entry: ManifestEntry,
                 location: str) -> None:
        self._content, self._batch, self._index = content, batch, len(batch.digests)
        self._label, self._entry, self._location = label, entry, location
        self._answer: FileCheck | None | _Unset = _UNSET

    def result(self) -> FileCheck | None:
        answer = self._answer
        if answer is _UNSET:
            actual = self._content.read(self._batch)[self._index]
            entry = self._entry
            if actual == entry.digest:
                answer = None
            elif actual is None:  # not the plain case: the careful path names it
                answer = self._content.careful(self._label, entry, Path(self._location))
            else:
                answer = FileCheck(self._label, entry.path, "changed", entry.digest, actual)
            self._answer = answer
        assert not isinstance(answer, _Unset)
        return answer


class _Unset:
    """No answer yet (None is the answer "matches")."""


_UNSET = _Unset()


Answer = Future[FileCheck | None] | Done | _Blob


class Content:
    """Answers content checks for one verify run; ``close`` it at the end."""

    def __init__(self, store: Store, pool: ThreadPoolExecutor | None, check: Check,
                 parallel_from: int, batch_files: int, batches_on_pool: bool) -> None:
        self._store, self._pool, self._check = store, pool, check
        self._batch_pool = pool if batches_on_pool else None
        self._parallel_from, self._batch_files = parallel_from, batch_files
        self._reader = BlobReader(store.blobs.root)
        self._batch = _Batch()
        self.blob_root = os.fspath(store.blobs.root)

    def check(self, label: str, entry: ManifestEntry, location: Path) -> Answer:
        """Any entry's content by ``check_content``: big files on the pool."""
        size = entry.size if isinstance(entry.size, int) else 0
        if self._pool is not None and size >= self._parallel_from:
            return self._pool.submit(self._check, self._store, label, entry, location)
        return Done(self._check(self._store, label, entry, location))

    def blob(self, label: str, entry: ManifestEntry, location: str) -> Answer:
        """A stored blob (its entry validated, ``location`` its path): small ones in a
        batch, big ones as ``check``."""
        size = entry.size if isinstance(entry.size, int) else 0
        if size >= self._parallel_from:
            return self.check(label, entry, Path(location))
        batch = self._batch
        answer = _Blob(self, batch, label, entry, location)
        batch.digests.append(entry.digest)
        if len(batch.digests) >= self._batch_files:
            self._hand_over(batch)
        return answer

    def read(self, batch: _Batch) -> list[str | None]:
        if batch.read is None:
            if batch.answers is None:
                self._hand_over(batch)
            if batch.answers is not None:  # on the pool (else read at once)
                batch.read = batch.answers.result()
        assert batch.read is not None
        return batch.read

    def careful(self, label: str, entry: ManifestEntry, location: Path) -> FileCheck | None:
        return self._check(self._store, label, entry, location)

    def _hand_over(self, batch: _Batch) -> None:
        if batch is self._batch:
            self._batch = _Batch()
        if self._batch_pool is not None:
            batch.answers = self._batch_pool.submit(self._reader.digests, batch.digests)
        else:
            batch.read = self._reader.digests(batch.digests)

    def close(self) -> None:
        self._reader.close()


__all__ = ["Answer", "Check", "Content", "Done"]
