"""Many processes creating one new store at the same moment: every one of them opens it
(a half-created store is never "not a lineage store", the switch to WAL waits)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from lineage_desktop.store import Store

pytestmark = pytest.mark.torture

_SCRIPT = """
import sys
import lineage_desktop as ld
with ld.init(project="p", group="g", store=sys.argv[1]) as run:
    pass
"""


@pytest.mark.parametrize("trial", range(4))
def test_processes_creating_one_store_at_once_all_succeed(tmp_path, trial):
    store = tmp_path / f"new-{trial}.db"
    processes = [subprocess.Popen([sys.executable, "-c", _SCRIPT, str(store)],
                                  stderr=subprocess.PIPE, text=True) for _ in range(8)]
    errors = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
    assert [err[-800:] for code, err in errors if code] == []
    with Store.open(store, readonly=True) as opened:
        assert opened.run_count() == 8
