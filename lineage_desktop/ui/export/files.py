"""File > Export: the graph on screen as an image (same drawing as the window, through
``export_image.render_scene``) or as text (the graph layer's DOT, GraphML, Mermaid, JSON).
The formats and their extensions are the registry of ``graph.formats``. "Export
selection…" writes only some nodes (``ExportOptions.keys``) and the edges between them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from PySide6.QtCore import QRectF

from lineage_desktop.graph.formats import (
    UnknownExportFormat,
    format_for_path,
    format_named,
    with_extension,
)
from lineage_desktop.graph.pages import AUTO, DEFAULT_PAGE_SIZE, PageSetup
from lineage_desktop.records import ValidationError
from lineage_desktop.ui.export.image import render_scene
from lineage_desktop.ui.scene import LineageScene
from lineage_desktop.ui.scene.subset import drawing_only


@dataclass(frozen=True)
class ExportOptions:
    """What the export dialog asks for; ``page_size`` and ``orientation`` are the paper
    of a PDF (``graph.pages``)."""

    path: Path
    fmt: str
    scale: float = 2.0
    visible_only: bool = False
    dark: bool = False
    keys: tuple[str, ...] = ()  # only these nodes and the edges between them (empty: all)
    page_size: str = DEFAULT_PAGE_SIZE
    orientation: str = AUTO

    @property
    def pages(self) -> PageSetup:
        """The page setup of a PDF (raises ``UnknownPageSize`` for unknown names)."""
        return PageSetup(self.page_size, self.orientation)


def selection_graph(view_graph: nx.DiGraph, keys: Iterable[str]) -> nx.DiGraph:
    """The nodes ``keys`` of ``view_graph`` (unknown ones skipped) and the edges between
    them, with their attributes. The focus is named only when it is one of them."""
    graph = view_graph.subgraph([k for k in keys if k in view_graph]).copy()
    if graph.graph.get("focus") not in graph:
        graph.graph.pop("focus", None)
    return graph


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
    nodes as on screen). With ``options.keys`` only those nodes and the edges between
    them are written, an image cropped to them (a PDF of them on ``options.pages``, like the
whole graph's). Raises ``ValidationError`` subclasses
    for bad options and ``OSError`` when the file cannot be written.
    """
    fmt = format_named(options.fmt)
    path = Path(options.path)
    pages = options.pages if fmt.name == "pdf" else None
    if options.keys and fmt.image:
        with drawing_only(scene, options.keys) as area:
            if area.isNull():
                raise ValidationError("none of the selected nodes is on screen; select nodes first")
            return render_scene(scene, path, fmt.name, scale=options.scale, area=area,
                                dark=options.dark, pages=pages)
    if fmt.image:
        area = visible_area if options.visible_only else None
        return render_scene(scene, path, fmt.name, scale=options.scale, area=area,
                            dark=options.dark, pages=pages)
    if options.keys:
        view_graph = selection_graph(view_graph, options.keys)
        if not view_graph:
            raise ValidationError("none of the selected nodes is in the graph; select nodes first")
    path.write_text(fmt.text(view_graph, direction), encoding="utf-8")
    return path


# format_for_path, with_extension and UnknownExportFormat are the registry's, re-exported
# for the window's modules that import them from here.
__all__ = [
    "ExportOptions",
    "UnknownExportFormat",
    "export_graph",
    "format_for_path",
    "selection_graph",
    "with_extension",
]
