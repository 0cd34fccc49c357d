"""The right dock (``previewDock``): details of the clicked node, or a cluster's search."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QScrollArea, QStackedWidget, QWidget

from lineage_desktop.graph.nodes import NodeData
from lineage_desktop.ui.panels.cluster_panel import Attrs, ClusterPanel, Search
from lineage_desktop.ui.panels.details import NodeDetails
from lineage_desktop.ui.widgets import muted, plain_label

EMPTY_TEXT = (
    "Click a node in the graph to see its details here.\n\n"
    "Double-click a node to focus the lineage on it; hover a node and click its "
    "eye to hide it; click a cluster to search its members."
)


class PreviewDock(QDockWidget):
    """Shows one node (``details``), one cluster (``cluster``) or a hint.

    Signals: ``lineage_requested(str)``, ``extract_requested(str)``,
    ``member_selected(str)`` (a cluster member was clicked).
    """

    lineage_requested = Signal(str)
    extract_requested = Signal(str)
    member_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Details", parent)
        self.setObjectName("previewDock")
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.stack = QStackedWidget(self)
        self.empty = muted(plain_label(EMPTY_TEXT, selectable=False, object_name="previewEmpty"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setContentsMargins(14, 14, 14, 14)
        self.details = NodeDetails("preview")
        self.cluster = ClusterPanel()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.details)
        self._details_page = scroll
        for page in (self.empty, scroll, self.cluster):
            self.stack.addWidget(page)
        self.setWidget(self.stack)
        self.details.lineage_requested.connect(self.lineage_requested)
        self.cluster.lineage_requested.connect(self.lineage_requested)
        self.cluster.extract_requested.connect(self.extract_requested)
        self.cluster.member_selected.connect(self.member_selected)

    def page(self) -> str:
        """``empty``, ``node`` or ``cluster``: what the dock shows."""
        current = self.stack.currentWidget()
        if current is self.cluster:
            return "cluster"
        return "node" if current is self._details_page else "empty"

    def show_empty(self) -> None:
        self.details.clear()
        self.stack.setCurrentWidget(self.empty)

    def show_node(
        self, key: str, attrs: NodeData, run_names: dict[str, str], is_focus: bool = False
    ) -> None:
        self.details.show_node(key, attrs, run_names, is_focus=is_focus)
        self.stack.setCurrentWidget(self._details_page)

    def show_cluster(
        self, key: str, attrs: NodeData, search: Search, node_attrs: Attrs
    ) -> None:
        self.cluster.open_cluster(key, attrs, search, node_attrs)
        self.stack.setCurrentWidget(self.cluster)
        self.cluster.search.setFocus()

    def field_text(self, field: str) -> str:
        """Text of a field of the node shown (see ``NodeDetails.field_text``)."""
        return self.details.field_text(field)
