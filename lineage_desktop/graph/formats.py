"""The one table of export formats: extension -> format -> writer.

The command line (``export``), File > Export and its dialog all read it. Each format is
either an image drawn by the window's painter (``image=True``: PNG, SVG, PDF, written by
``ui/export/image.py``, which this Qt-free layer cannot import) or data written here by
``graph/export.py`` (DOT, GraphML, Mermaid, JSON).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from lineage_desktop.graph.export import dumps_json, to_dot, to_graphml, to_mermaid
from lineage_desktop.graph.palette import LIGHT, Palette
from lineage_desktop.records import ValidationError

# (graph, direction, palette) -> text
TextWriter = Callable[[nx.DiGraph, str, Palette], str]


class UnknownExportFormat(ValidationError):
    """A file extension or format name that no exporter handles (named in the message)."""


@dataclass(frozen=True)
class ExportFormat:
    """One export format: ``name`` as ``--format`` takes it, ``title`` for menus and file
    dialogs, ``extensions`` (the first is the default), other accepted ``aliases``, and
    ``writer`` for data formats (None for images, which the window's painter draws)."""

    name: str
    title: str
    extensions: tuple[str, ...]
    writer: TextWriter | None = None
    aliases: tuple[str, ...] = ()

    @property
    def image(self) -> bool:
        """True when the window's painter draws it (PNG, SVG, PDF)."""
        return self.writer is None

    @property
    def extension(self) -> str:
        """The default extension, with its dot (``.mmd``)."""
        return self.extensions[0]

    @property
    def file_filter(self) -> str:
        """A file-dialog filter naming every accepted extension: ``Graphviz DOT (*.dot
        *.gv)``."""
        return f"{self.title} ({' '.join('*' + e for e in self.extensions)})"

    def text(self, graph: nx.DiGraph, direction: str = "LR", palette: Palette = LIGHT) -> str:
        """The data export of ``graph``; an image format has no text."""
        if self.writer is None:
            raise UnknownExportFormat(f"{self.name} is an image, drawn by the window, not text")
        return self.writer(graph, direction, palette)


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("png", "PNG image", (".png",)),
    ExportFormat("svg", "SVG image (vector)", (".svg",)),
    ExportFormat("pdf", "PDF document (vector)", (".pdf",)),
    ExportFormat("dot", "Graphviz DOT", (".dot", ".gv"), to_dot, aliases=("gv",)),
    ExportFormat("graphml", "GraphML", (".graphml",), lambda g, _d, _p: to_graphml(g)),
    ExportFormat("mermaid", "Mermaid flowchart", (".mmd", ".mermaid"), to_mermaid,
                 aliases=("mmd",)),
    ExportFormat("json", "JSON", (".json",), lambda g, _d, _p: dumps_json(g)),
)}
IMAGE_FORMATS = tuple(name for name, f in FORMATS.items() if f.image)
DATA_FORMATS = tuple(name for name, f in FORMATS.items() if not f.image)
EXTENSIONS = {ext: f.name for f in FORMATS.values() for ext in f.extensions}
_NAMES = {alias: f.name for f in FORMATS.values() for alias in (f.name, *f.aliases)}


def format_named(name: str) -> ExportFormat:
    """The format called ``name`` (``png``, ``dot``, an alias such as ``gv`` or ``mmd``,
    any case, a leading dot allowed). Raises ``UnknownExportFormat``."""
    key = _NAMES.get(str(name).strip().lower().lstrip("."))
    if key is None:
        raise UnknownExportFormat(f"unknown format {name!r}; use one of {', '.join(FORMATS)}")
    return FORMATS[key]


def format_for_path(path: str | Path) -> str | None:
    """The name of the format a file's extension means, or None."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def format_for(path: str | Path, explicit: str | None = None,
               default: str | None = None) -> ExportFormat:
    """The format of an export to ``path``: ``explicit`` when given, else the extension,
    else ``default`` for a name without one. Raises ``UnknownExportFormat``."""
    if explicit is not None:
        return format_named(explicit)
    suffix = Path(path).suffix.lower()
    if suffix in EXTENSIONS:
        return FORMATS[EXTENSIONS[suffix]]
    if not suffix and default is not None:
        return format_named(default)
    what = f"extension {suffix!r}" if suffix else "no extension"
    raise UnknownExportFormat(f"unknown format: {str(path)!r} has {what}; use one of "
                              f"{' '.join(EXTENSIONS)} or name the format")


def with_extension(path: str | Path, name: str) -> Path:
    """``path`` with the format's default extension unless it has one the format accepts."""
    path, fmt = Path(path), format_named(name)
    if path.suffix.lower() in fmt.extensions:
        return path
    if path.suffix == "":
        return path.with_name(path.name + fmt.extension)
    return path.with_suffix(fmt.extension)


def file_filters(names: tuple[str, ...] | None = None) -> str:
    """File-dialog filters of ``names`` (default: every format), then ``All files (*)``."""
    chosen = [FORMATS[n] for n in (names or tuple(FORMATS))]
    return ";;".join([f.file_filter for f in chosen] + ["All files (*)"])


__all__ = [
    "DATA_FORMATS",
    "EXTENSIONS",
    "FORMATS",
    "IMAGE_FORMATS",
    "ExportFormat",
    "UnknownExportFormat",
    "file_filters",
    "format_for",
    "format_for_path",
    "format_named",
    "with_extension",
]
