"""Writers take their turn in the kernel (``<db>-writers``, an flock) around each
transaction, and a turn held elsewhere never blocks a writer past the busy timeout."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.store import Store, connection

CODE = str(Path(ld.__file__).resolve().parents[1])
pytestmark = pytest.mark.sqlite_file("about the SQLite store's write queue")


def turn_is_free(store: Path) -> bool:
    """True if another open file description can take the turn now (and gives it back)."""
    fd = os.open(f"{store}-writers", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops the flock, if taken
    return True


def log_one(run: ld.Run, text: str) -> ld.Artifact:
    artifact = ld.Artifact("data", "dataset")
    with artifact.new_file("f.txt") as handle:
        handle.write(text)
    return run.log_artifact(artifact)


def test_a_transaction_holds_the_turn_until_commit_or_rollback(tmp_path: Path):
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        store.ensure_project("e", "p")
        assert turn_is_free(path)
        with store.transaction():
            assert not turn_is_free(path)
            with store.transaction():  # nested: joins the outer one and its turn
                assert not turn_is_free(path)
            assert not turn_is_free(path)
        assert turn_is_free(path)
        with pytest.raises(RuntimeError), store.transaction():
            assert not turn_is_free(path)
            raise RuntimeError("rolled back")
        assert turn_is_free(path)
        assert store.ensure_project("e", "q") > 0  # and the store still writes


def test_a_turn_held_elsewhere_is_waited_for_only_up_to_the_busy_timeout(
        tmp_path: Path, monkeypatch):
    """A process stuck holding the turn (without SQLite's lock) delays a writer by the
    busy timeout, then the writer logs; the turn it gets later is given back."""
    path = tmp_path / "s.db"
    with ld.init(project="p", store=path) as run:
        log_one(run, "first")
        holder = os.open(f"{path}-writers", os.O_RDWR)
        fcntl.flock(holder, fcntl.LOCK_EX)
        monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
        assert log_one(run, "second").version == "v1"
        os.close(holder)  # the helper thread gets the turn now and gives it back
        deadline = time.monotonic() + 30
        while not turn_is_free(path) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert turn_is_free(path)
        assert log_one(run, "third").version == "v2"
    with ld.Api(store=path) as api:
        assert [v.version for v in api.artifact_versions("data")] == ["v0", "v1", "v2"]


HOLDER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])  # this checkout's code, wherever the test runs from
    from lineage_desktop.store import Store
    with Store.open(sys.argv[1]) as store:
        with store.transaction():
            print("holding", flush=True)
            sys.stdin.readline()
""")


def test_a_writer_waits_in_the_kernel_for_another_process_then_logs(tmp_path: Path):
    """While another process's transaction is open, a writer waits for the turn (a
    helper thread blocked in flock) and logs as soon as the transaction ends."""
    path = tmp_path / "s.db"
    with ld.init(project="p", store=path) as run:
        proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), CODE],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
            assert not turn_is_free(path)
            done: list[str] = []
            writer = threading.Thread(target=lambda: done.append(log_one(run, "w").version))
            writer.start()
            writer.join(0.3)
            assert done == []  # still waiting for the other process
            assert "lineage-write-queue" in {t.name for t in threading.enumerate()}
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
            writer.join(60)
            assert done == ["v0"]
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


def test_two_stores_of_one_file_in_one_process_share_the_turn(tmp_path: Path):
    """Threads of one process (here two stores of one file) share the turn and wait for
    each other on SQLite's lock, as before: no thread waits for its own process."""
    path = tmp_path / "s.db"
    first, second = Store.open(path), Store.open(path)
    try:
        first.ensure_project("e", "p")
        started = threading.Event()
        results: list[int] = []

        def other() -> None:
            started.set()
            results.append(second.ensure_project("e", "q"))

        with first.transaction():
            thread = threading.Thread(target=other)
            thread.start()
            started.wait(10)
            thread.join(0.2)  # waiting for SQLite's lock, which this transaction holds
        thread.join(60)
        assert len(results) == 1
        assert turn_is_free(path)
    finally:
        first.close()
        second.close()
