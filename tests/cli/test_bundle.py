"""The standalone bundle: ``make bundle`` builds it (PyInstaller, one folder), and the built
binary runs ``--version``, writes a demo store and exports it headless as PNG and SVG in
an environment without the venv (no venv on PATH, no PYTHONPATH, no display).

The build takes about 15 s here once PyInstaller is installed (plus its install on a
fresh machine). Set ``LINEAGE_DESKTOP_SKIP_BUNDLE_TEST=1`` to skip it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from cli_readers import png_size, svg_texts

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "dist" / "lineage-desktop" / "lineage-desktop"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("LINEAGE_DESKTOP_SKIP_BUNDLE_TEST") == "1",
                       reason="LINEAGE_DESKTOP_SKIP_BUNDLE_TEST=1"),
    pytest.mark.skipif(shutil.which("make") is None, reason="needs make"),
]


@pytest.fixture(scope="module")
def bundle() -> Path:
    started = time.perf_counter()
    result = subprocess.run(["make", "-C", str(ROOT), "bundle"], capture_output=True,
                            text=True, timeout=1500)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(f"make bundle: {time.perf_counter() - started:.0f} s")
    assert BINARY.is_file() and os.access(BINARY, os.X_OK)
    return BINARY


def _clean_env(home: Path) -> dict[str, str]:
    """Only system paths: no venv, no PYTHONPATH, no display, no Qt platform chosen."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}


def _run(binary: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], cwd=cwd, env=_clean_env(cwd),
                          capture_output=True, text=True, timeout=300)


@pytest.mark.timeout(1800)
def test_bundle_runs_version_and_a_headless_export(bundle, tmp_path):
    version = _run(bundle, tmp_path, "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("lineage-desktop 0.")

    demo = _run(bundle, tmp_path, "demo", "demo.db", "--runs", "40")
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "demo.db").is_file()

    png = _run(bundle, tmp_path, "export", "demo.db", "churn-model:latest", "-o", "g.png",
               "--scale", "2")
    assert png.returncode == 0, png.stderr
    width, height = png_size(tmp_path / "g.png")
    assert width > 400 and height > 100
    assert "Traceback" not in png.stderr and "locale" not in png.stderr

    svg = _run(bundle, tmp_path, "export", "demo.db", "churn-model:latest", "-o", "g.svg",
               "--direction", "TB")
    assert svg.returncode == 0, svg.stderr
    assert any(text.startswith("churn-model:v") for text in svg_texts(tmp_path / "g.svg"))

    shown = _run(bundle, tmp_path, "show", "demo.db", "churn-model", "--json")
    assert shown.returncode == 0 and '"kind": "artifact"' in shown.stdout
    assert _run(bundle, tmp_path, "verify", "demo.db").returncode == 0
    missing = _run(bundle, tmp_path, "ls", "missing.db")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1


def test_bundle_holds_plugins_graphviz_and_desktop_files(bundle):
    internal = bundle.parent / "_internal"
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for plugin in ("platforms/libqoffscreen.so", "platforms/libqxcb.so",
                   "imageformats/libqsvg.so", "iconengines/libqsvgicon.so"):
        assert (plugins / plugin).is_file(), plugin
    libs = {p.name.split("-")[0] for p in (internal / "pygraphviz.libs").iterdir()}
    assert {"libgvc", "libcgraph", "libgvplugin_dot_layout", "libgvplugin_core"} <= libs
    assert (internal / "resources" / "icons").is_dir()
    assert (internal / "share" / "applications" / "lineage-desktop.desktop").is_file()
