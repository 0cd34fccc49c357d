"""``import lineage_desktop`` stays light for recording scripts (issues 11 and 12): the
store runs on plain ``sqlite3`` and does not import sqlite-utils (about 0.2 s)."""
from __future__ import annotations

import subprocess
import sys


def test_importing_the_sdk_does_not_import_sqlite_utils(tmp_path):
    code = ("import sys, lineage_desktop as ld\n"
            f"with ld.init(project='p', store={str(tmp_path / 's.db')!r}) as run:\n"
            "    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('sqlite_utils')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.strip() == "[]"
