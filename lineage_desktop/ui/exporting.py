"""File > Export: the graph on screen as an image (same drawing as the window, through
``export_image.render_scene``) or as text (the graph layer's DOT, GraphML, Mermaid, JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from PySide6.QtCore import QRectF

from lineage_desktop.graph.export import dumps_json, to_dot, to_graphml, to_mermaid
from lineage_desktop.records import ValidationError
from lineage_desktop.ui.export_image import render_scene
from lineage_desktop.ui.scene import LineageScene

# format -> (menu text, default extension, other accepted extensions)
FORMATS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "png": ("PNG image", ".png", ()),
    "svg": ("SVG image (vector)", ".svg", ()),
    "pdf": ("PDF document (vector)", ".pdf", ()),
    "dot": ("Graphviz DOT", ".dot", (".gv",)),
    "graphml": ("GraphML", ".graphml", ()),
    "mermaid": ("Mermaid flowchart", ".mmd", (".mermaid",)),
    "json": ("JSON", ".json", ()),
}
IMAGE_FORMATS = ("png", "svg", "pdf")


class UnknownExportFormat(ValidationError):
    """A file extension or format name that no exporter handles."""


@dataclass(frozen=True)
class ExportOptions:
    """What the export dialog asks for."""

    path: Path
    fmt: str
    scale: float = 2.0
    visible_only: bool = False
    dark: bool = False


def format_for_path(path: str | Path) -> str | None:
    """The format a file extension means, or None."""
    suffix = Path(path).suffix.lower()
    for fmt, (_, extension, others) in FORMATS.items():
        if suffix == extension or suffix in others:
            return fmt
    return None


def with_extension(path: str | Path, fmt: str) -> Path:
    """``path`` with the format's extension unless it already has an accepted one."""
    path = Path(path)
    if format_for_path(path) == fmt:
        return path
    return (
        path.with_name(path.name + FORMATS[fmt][1])
        if path.suffix == ""
        else path.with_suffix(FORMATS[fmt][1])
    )


def export_graph(
    options: ExportOptions,
    scene: LineageScene,
    view_graph: nx.DiGraph,
    direction: str,
    visible_area: QRectF | None = None,
) -> Path:
    """Write the export described by ``options``; returns the path written.

    Images draw ``scene`` (the whole graph, or ``visible_area`` in scene coordinates when
    ``options.visible_only``); text formats write ``view_graph`` (clusters and hidden
    nodes as on screen). Raises ``ValidationError`` subclasses for bad options and
    ``OSError`` when the file cannot be written.
    """
    fmt = options.fmt.lower()
    if fmt not in FORMATS:
        raise UnknownExportFormat(
            f"unknown export format {options.fmt!r}; use one of " + ", ".join(FORMATS)
        )
    path = Path(options.path)
    if fmt in IMAGE_FORMATS:
        area = visible_area if options.visible_only else None
        return render_scene(scene, path, fmt, scale=options.scale, area=area, dark=options.dark)
    if fmt == "dot":
        text = to_dot(view_graph, direction)
    elif fmt == "graphml":
        text = to_graphml(view_graph)
    elif fmt == "mermaid":
        text = to_mermaid(view_graph, direction)
    else:
        text = dumps_json(view_graph)
    path.write_text(text, encoding="utf-8")
    return path
