"""``import lineage_desktop`` stays light for recording scripts (issues 11 and 12): the
package's names load lazily (``records.lazy``), a recording script loads the SDK's
recording half and the store on plain ``sqlite3``, and nothing of the read API, the
graph, the window, sqlite-utils or networkx. Structure only: the time is measured by
``benchmarks/bench_import.py``."""
from __future__ import annotations

import subprocess
import sys

import pytest

import lineage_desktop as ld
from lineage_desktop import records, sdk

RECORDING_SCRIPT = """\
import sys, lineage_desktop as ld
folder = sys.argv[1]
with open(folder + '/weights.bin', 'wb') as handle:
    handle.write(b'x' * 4096)
with ld.init(project='p', store=folder + '/s.db') as run:
    artifact = ld.Artifact('model', 'model')
    artifact.add_file(folder + '/weights.bin')
    run.log_artifact(artifact)
"""
# Never loaded by a recording script: the read API and what only it, the graph, the
# window, verification and downloads use. (Not listed, though a recording script does
# not need them: difflib, for the store's "did you mean" messages, and argparse, for a
# Namespace config.)
NOT_RECORDING = {
    "lineage_desktop.sdk.api", "lineage_desktop.graph", "lineage_desktop.layout",
    "lineage_desktop.ui", "lineage_desktop.audit", "lineage_desktop.interop",
    "lineage_desktop.cli", "lineage_desktop.sdk.integrity", "lineage_desktop.sdk.downloads",
    "sqlite_utils", "networkx", "numpy", "scipy", "pygraphviz", "PySide6", "shiboken6",
    "secrets",  # run ids come from random.SystemRandom, which tempfile loads anyway
}


def loaded_after(code: str, *args: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (and the standard
    library's that a bare one holds are left out)."""
    show = "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code + show, *args], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    bare = subprocess.run([sys.executable, "-c", show], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    return set(out.split()) - set(bare.split())


def under(modules: set[str], names: set[str]) -> set[str]:
    return {m for m in modules if m in names or m.partition(".")[0] in names
            or any(m.startswith(name + ".") for name in names)}


def test_importing_the_package_imports_two_tables_and_no_module_behind_them():
    loaded = loaded_after("import lineage_desktop")
    assert sorted(m for m in loaded if m.startswith("lineage_desktop")) == [
        "lineage_desktop", "lineage_desktop.records", "lineage_desktop.records.lazy",
        "lineage_desktop.sdk"]
    assert not {"typing", "dataclasses", "sqlite3", "hashlib", "json"} & loaded


def test_a_recording_script_loads_the_recording_half_only(tmp_path):
    loaded = loaded_after(RECORDING_SCRIPT, str(tmp_path))
    assert {"lineage_desktop.sdk.run", "lineage_desktop.store.core", "sqlite3"} <= loaded
    assert under(loaded, NOT_RECORDING) == set()


def test_the_read_api_loads_when_read(tmp_path):
    loaded = loaded_after(RECORDING_SCRIPT + "ld.Api(store=folder + '/s.db').runs('p')",
                          str(tmp_path))
    assert "lineage_desktop.sdk.api" in loaded
    assert not under(loaded, {"PySide6", "networkx", "sqlite_utils"})


@pytest.mark.parametrize("package", [ld, sdk, records])
def test_every_exported_name_resolves_and_is_listed(package):
    for name in package.__all__:
        getattr(package, name)  # ld.run is None before init: only that it resolves
        assert name in dir(package)
    assert sorted(package.__all__) == package.__all__


def test_the_records_table_names_every_record_and_error_class():
    from lineage_desktop.records import errors, models

    classes = {name for name, value in vars(errors).items()
               if isinstance(value, type) and issubclass(value, Exception)
               and value.__module__ == errors.__name__}
    assert {name for name, module in records._EXPORTS.items()
            if module == errors.__name__} == classes
    assert {name for name, module in records._EXPORTS.items()
            if module == models.__name__} == set(models.__all__)


def test_the_package_keeps_the_names_it_always_had():
    from lineage_desktop import Api, Artifact, StoreBusy, init  # noqa: F401  (from-import)
    from lineage_desktop.records import ArtifactVersion, parse_key
    from lineage_desktop.sdk.run import Run

    assert ld.Run is Run  # the SDK's run, not the record of the same name
    assert ld.ArtifactVersion is ArtifactVersion and ld.parse_key is parse_key
    assert ld.__version__ and "__version__" in ld.__all__
    assert {*records.__all__, *sdk.__all__} <= set(ld.__all__)


def test_a_name_no_table_holds_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ld.nope  # noqa: B018
    assert not hasattr(sdk, "Nope") and not hasattr(records, "nope")


def test_a_live_name_is_read_from_its_module_every_time():
    import types

    from lineage_desktop.records.lazy import lazy_exports

    source = types.ModuleType("lazy_source")
    source.current = None
    package = types.ModuleType("lazy_package")
    sys.modules.update(lazy_source=source, lazy_package=package)
    try:
        package.__getattr__, package.__dir__ = lazy_exports(
            "lazy_package", {"current": "lazy_source", "fixed": "lazy_source:current",
                             "renamed": "lazy_source:current"}, live={"current"})
        assert package.current is None and package.fixed is None
        source.current = 1
        assert package.current == 1 and package.fixed is None  # kept once read
        assert package.renamed == 1
        assert {"current", "fixed", "renamed"} <= set(dir(package))
    finally:
        del sys.modules["lazy_source"], sys.modules["lazy_package"]


def test_an_argparse_namespace_is_still_a_config(tmp_path):
    """The SDK no longer imports argparse to recognise a Namespace: a script that has one
    has imported argparse itself."""
    import argparse

    with ld.init(project="p", store=tmp_path / "s.db",
                 config=argparse.Namespace(lr=0.1, epochs=3)) as run:
        assert dict(run.config) == {"lr": 0.1, "epochs": 3}


def test_importing_the_sdk_does_not_import_sqlite_utils(tmp_path):
    loaded = loaded_after(f"import lineage_desktop as ld\n"
                          f"with ld.init(project='p', store={str(tmp_path / 's.db')!r}):\n"
                          "    pass")
    assert under(loaded, {"sqlite_utils"}) == set()
