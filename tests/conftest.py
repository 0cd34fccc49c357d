"""Session-wide test set-up: Qt runs offscreen unless a test asks for a real display;
the hand-built stores of tests/hand_built.py and the PostgreSQL fixtures of
tests/pg_fixtures.py for every folder."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from hand_built import build_diamond, build_main  # noqa: E402

pytest_plugins = [
    "pg_fixtures",  # pg_server, pg_url, pg_readonly_url, store_target
    "backend_switch",  # pytest --backend postgresql
]


@pytest.fixture
def built(tmp_path):
    """The main hand-built lineage (see tests/hand_built.py)."""
    return build_main(tmp_path / "audit.db")


@pytest.fixture
def diamond(tmp_path):
    """A diamond-shaped lineage with a side branch (see tests/hand_built.py)."""
    return build_diamond(tmp_path / "diamond.db")


@pytest.fixture(autouse=True)
def _no_module_level_run_across_tests():
    """``ld.init`` makes its run the module-level one (``ld.run``), as W&B does; a run a
    test leaves active must not be what the next test's ``ld.init`` returns."""
    yield
    from lineage_desktop.sdk import session

    if session.run is not None:
        session.finished(session.run)


def pytest_sessionfinish(session, exitstatus):
    """The suite leaves no worker behind: every multiprocessing child still running at
    the end (our own resource tracker aside, it ends with us) fails the run."""
    import time
    from multiprocessing import resource_tracker

    import psutil

    tracker = getattr(resource_tracker._resource_tracker, "_pid", None)
    deadline = time.monotonic() + 10.0  # workers being shut down get a moment to exit

    def left():
        out = []
        for child in psutil.Process().children(recursive=True):
            try:
                if child.pid == tracker or child.status() == psutil.STATUS_ZOMBIE:
                    continue
                if "multiprocessing" in " ".join(child.cmdline()):
                    out.append(child)
            except psutil.NoSuchProcess:
                pass
        return out

    while left() and time.monotonic() < deadline:
        time.sleep(0.1)  # polling the process table
    stray = left()
    if stray:
        for child in stray:
            child.kill()
        print(f"\nworker processes left running by the tests: {[c.pid for c in stray]}")
        session.exitstatus = 1
