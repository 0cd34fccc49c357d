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


def test_a_recording_script_loads_neither_networkx_nor_the_graph_layer(tmp_path):
    code = ("import sys, lineage_desktop as ld\n"
            f"with ld.init(project='p', store={str(tmp_path / 's.db')!r}) as run:\n"
            "    run.log_artifact(ld.Artifact('a', 'dataset'))\n"
            "heavy = {'networkx', 'numpy', 'scipy', 'pygraphviz', 'PySide6'}\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & heavy),\n"
            "      'lineage_desktop.graph' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.strip() == "[] False"
