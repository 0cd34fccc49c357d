"""``ReportAction``: File > Audit report… writes the self-contained HTML report of the
shown lineage (graph image, every node's details, integrity results, raw data paths)."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QWidget

from lineage_desktop.audit import VerifyReport
from lineage_desktop.audit.report import build_report
from lineage_desktop.graph.nodes import node_data

ImageProducer = Callable[[], "str | bytes | None"]


@dataclass(frozen=True)
class ReportInputs:
    """What a report is made of; the window fills it from what it shows.

    ``graph`` is the raw lineage graph (every node's details), ``image`` a callable
    returning SVG text (or PNG bytes) of the drawn graph, called once when writing.
    """

    graph: nx.DiGraph
    focus: str
    store_path: str
    integrity: VerifyReport | None = None
    image: ImageProducer | None = None
    as_of: str | None = None


def scanned_versions(graph: nx.DiGraph) -> frozenset[tuple[str, str]]:
    """The artifact versions of a lineage graph with their digests: an integrity report
    made for one graph holds for another with the same (a re-read that changed nothing
    the scan checked), and a report of the window says so."""
    found = set()
    for key in graph.nodes:
        data = node_data(graph, key)
        if data.is_artifact:
            found.add((str(key), str(data.digest or "")))
    return frozenset(found)


def scene_svg(scene: Any, dark: bool = False) -> str:
    """SVG text of a ``LineageScene`` drawn by the image export (marks included)."""
    from lineage_desktop.ui.export.image import render_scene

    with tempfile.TemporaryDirectory(prefix="lineage-report-") as folder:
        target = Path(folder) / "graph.svg"
        render_scene(scene, target, "svg", dark=dark)
        return target.read_text(encoding="utf-8")


def write_report(path: str | Path, inputs: ReportInputs) -> Path:
    """Write the report to ``path`` (replaced only once the whole file is written)."""
    target = Path(path)
    image = inputs.image() if inputs.image is not None else None
    html = build_report(inputs.graph, inputs.focus, inputs.store_path, image,
                        inputs.integrity, inputs.as_of)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(html)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def default_file_name(inputs: ReportInputs) -> str:
    """``audit-churn-model-v3.html`` for the focus ``artifact:churn-model:v3``."""
    label = node_data(inputs.graph, inputs.focus).label_or(inputs.focus)
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in label)
    return f"audit-{safe}.html"


class ReportAction(QObject):
    """The "Audit report…" action: asks for a file and writes the report.

    ``provider()`` returns the ``ReportInputs`` of what the window shows (None: nothing
    shown, the action does nothing). ``action`` is a ready ``QAction`` for a menu.

    Signals:

    - ``report_written(str)``: the path written.
    - ``report_failed(str)``: why it could not be written (one line).
    """

    report_written = Signal(str)
    report_failed = Signal(str)

    def __init__(self, provider: Callable[[], ReportInputs | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._provider = provider
        self._parent_widget = parent
        self.action = QAction("Audit &Report…", self)
        self.action.setObjectName("auditReportAction")
        self.action.setStatusTip("Write a self-contained HTML report of the shown lineage: "
                                 "graph, node details, integrity results, raw data paths")
        self.action.triggered.connect(self._on_action_triggered)

    def ask_path(self, inputs: ReportInputs) -> str | None:
        """The target file chosen in a save dialog (None when cancelled)."""
        path, _ = QFileDialog.getSaveFileName(
            self._parent_widget, "Write audit report", default_file_name(inputs),
            "HTML files (*.html *.htm);;All files (*)")
        if not path:
            return None
        return path if Path(path).suffix else path + ".html"

    def run(self, inputs: ReportInputs) -> Path | None:
        """Ask for a file, then write the report; None when cancelled or failed."""
        path = self.ask_path(inputs)
        return None if path is None else self.write(path, inputs)

    def write(self, path: str | Path, inputs: ReportInputs) -> Path | None:
        """Write the report to ``path``; errors are reported by ``report_failed``."""
        try:
            target = write_report(path, inputs)
        except OSError as exc:
            self.report_failed.emit(f"cannot write {path}: {exc.strerror or exc}")
            return None
        except ValueError as exc:  # the image could not be drawn (e.g. too large)
            self.report_failed.emit(f"cannot write {path}: {exc}")
            return None
        self.report_written.emit(str(target))
        return target

    @Slot()
    def _on_action_triggered(self) -> None:
        inputs = self._provider() if self._provider is not None else None
        if inputs is not None:
            self.run(inputs)
