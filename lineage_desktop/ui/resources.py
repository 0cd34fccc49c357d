"""Finding the application's resource files (SVG icons) from a source tree or a bundle."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon


def resource_dirs() -> list[Path]:
    """Where ``resources/`` may be: beside the package (source tree, editable install)
    or inside a frozen bundle."""
    here = Path(__file__).resolve()
    dirs = [here.parents[2] / "resources", here.parents[1] / "resources",
            Path(sys.prefix) / "share" / "lineage-desktop"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        dirs.insert(0, Path(bundle) / "resources")
    return dirs


def resource_path(relative: str) -> Path | None:
    """The first existing ``resources/<relative>``, or None."""
    for folder in resource_dirs():
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    return None


def icon(name: str) -> QIcon:
    """``resources/icons/<name>.svg`` as a QIcon (empty if missing); SVG stays crisp at
    any device pixel ratio."""
    path = resource_path(f"icons/{name}.svg")
    return QIcon(str(path)) if path is not None else QIcon()


def app_icon() -> QIcon:
    """The application icon."""
    return icon("lineage-desktop")
