"""Paths between two selected nodes: highlighted in the graph, or isolated as a graph.

The user Ctrl+clicks two cards; the scene's ``selection_keys_changed(list)`` feeds
``PathController.set_selection``. ``highlight()`` marks every node on any path between
them (both directions, all paths, via ``graph.paths_between``) and dims the rest;
``isolate()`` hands the window the raw subgraph of those paths to show (and export)
like any lineage graph.
"""
from __future__ import annotations

from typing import Any

import networkx as nx
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from lineage_desktop.graph.nodes import node_data
from lineage_desktop.graph.paths import isolated_graph, view_path_keys


def dim_scene(scene: Any, keep: set[str] | None) -> None:
    """Fade every card of a ``LineageScene`` not in ``keep`` (None: none faded)."""
    faded = set() if keep is None else {str(c.data(0)) for c in scene.node_items()} - keep
    scene.set_dimmed(faded)


class PathController(QObject):
    """Tracks the last two selected nodes and shows the paths between them.

    Give it the shown graphs with ``set_graphs(raw, view)`` after every new view, and
    feed ``set_selection`` from the scene's ``selection_keys_changed``. With a ``scene``
    it also marks the scene itself (highlight and dim); without one, the window acts on
    the signals.

    Signals:

    - ``pair_changed(list)``: the two keys paths would join, or ``[]``.
    - ``paths_highlighted(list)``: view keys on the paths (``[]``: no path).
    - ``paths_isolated(object)``: the raw subgraph of the paths (an ``nx.DiGraph``).
    - ``paths_cleared()``: marks removed.
    - ``status_changed(str)``: a one-line description for the toolbar or status bar.
    """

    pair_changed = Signal(list)
    paths_highlighted = Signal(list)
    paths_isolated = Signal(object)
    paths_cleared = Signal()
    status_changed = Signal(str)

    def __init__(self, scene: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scene = scene
        self._raw: nx.DiGraph | None = None
        self._view: nx.DiGraph | None = None
        self._selection: list[str] = []
        self._active = False
        self._isolated = False
        self._status = "Ctrl+click two nodes to find the paths between them."

    # --- inputs -----------------------------------------------------------------------

    def set_graphs(self, raw: nx.DiGraph | None, view: nx.DiGraph | None,
                   isolated: bool = False) -> None:
        """The graphs now shown (marks are dropped: the scene was rebuilt).

        ``isolated``: they are the result of ``isolate()``, so Clear stays available to
        go back to the full lineage.
        """
        self._raw, self._view = raw, view
        self._selection = [k for k in self._selection if view is not None and k in view]
        self._active = False
        self._isolated = isolated
        self._emit_pair()

    @Slot(list)
    def set_selection(self, keys: list) -> None:
        """The selected keys (any order); the newest two selected form the pair."""
        current = [str(k) for k in keys]
        kept = [k for k in self._selection if k in current]
        self._selection = kept + [k for k in current if k not in kept]
        self._emit_pair()

    # --- state ------------------------------------------------------------------------

    def pair(self) -> tuple[str, str] | None:
        """The two keys to join: the two most recently selected, if at least two are."""
        if len(self._selection) < 2 or self._view is None:
            return None
        a, b = self._selection[-2:]
        return a, b

    def is_active(self) -> bool:
        """True while paths are highlighted in the scene or an isolated graph is shown."""
        return self._active or self._isolated

    def status(self) -> str:
        return self._status

    # --- actions ----------------------------------------------------------------------

    def highlight(self) -> list[str]:
        """Mark the nodes on the paths and dim the others; returns the marked keys."""
        pair = self.pair()
        if pair is None or self._view is None:
            return []
        keys = sorted(view_path_keys(self._raw, self._view, *pair))
        labels = self._labels(pair)
        if len(keys) == 0:
            self._set_status(f"No path between {labels[0]} and {labels[1]}.")
        else:
            self._set_status(f"{len(keys)} nodes on the paths between {labels[0]} and "
                             f"{labels[1]}.")
        if self._scene is not None:
            self._scene.highlight(keys)
            dim_scene(self._scene, set(keys) if keys else None)
        self._active = bool(keys)
        self.paths_highlighted.emit(keys)
        return keys

    def isolate(self) -> nx.DiGraph | None:
        """The raw subgraph of the paths (None without a pair or without a path)."""
        pair = self.pair()
        if pair is None or self._raw is None:
            return None
        sub = isolated_graph(self._raw, self._view, *pair)
        labels = self._labels(pair)
        if sub.number_of_nodes() == 0:
            self._set_status(f"No path between {labels[0]} and {labels[1]}.")
            return None
        self._set_status(f"Showing only the paths between {labels[0]} and {labels[1]} "
                         f"({sub.number_of_nodes()} nodes).")
        self._isolated = True
        self.paths_isolated.emit(sub)
        return sub

    def clear(self) -> None:
        """Remove the marks. After ``isolate()`` the window answers ``paths_cleared`` by
        showing the full lineage again."""
        if self._scene is not None:
            self._scene.highlight(())
            dim_scene(self._scene, None)
        self._active = False
        self._isolated = False
        self._emit_pair()
        self.paths_cleared.emit()

    # --- helpers ----------------------------------------------------------------------

    def _labels(self, pair: tuple[str, str]) -> tuple[str, str]:
        def label(key: str) -> str:
            for graph in (self._view, self._raw):
                if graph is not None and key in graph:
                    return node_data(graph, key).label_or(key)
            return key
        return label(pair[0]), label(pair[1])

    def _emit_pair(self) -> None:
        pair = self.pair()
        if pair is None:
            self._set_status("Ctrl+click two nodes to find the paths between them.")
        else:
            a, b = self._labels(pair)
            self._set_status(f"Selected {a} and {b}.")
        self.pair_changed.emit(list(pair) if pair else [])

    def _set_status(self, text: str) -> None:
        self._status = text
        self.status_changed.emit(text)


class PathToolbar(QWidget):
    """"Paths between selection: Highlight | Isolate | Clear" (objectName ``pathToolbar``).

    A view of a ``PathController``: buttons call its actions, its signals update them.
    """

    def __init__(self, controller: PathController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pathToolbar")
        self._controller = controller
        self._caption = QLabel("Paths between selection:")
        self.highlight_button = QPushButton("Highlight")
        self.highlight_button.setToolTip("Mark every path between the two selected nodes")
        self.isolate_button = QPushButton("Isolate")
        self.isolate_button.setToolTip("Show only the paths between the two selected nodes")
        self.clear_button = QPushButton("Clear")
        self._status = QLabel(controller.status())
        self._status.setTextFormat(Qt.TextFormat.PlainText)
        self._status.setObjectName("pathStatus")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for widget in (self._caption, self.highlight_button, self.isolate_button,
                       self.clear_button):
            layout.addWidget(widget)
        layout.addWidget(self._status, 1)
        self._connect_signals()
        self._on_controller_pair_changed([] if controller.pair() is None
                                         else list(controller.pair() or ()))

    def _connect_signals(self) -> None:
        self.highlight_button.clicked.connect(self._on_highlight_clicked)
        self.isolate_button.clicked.connect(self._on_isolate_clicked)
        self.clear_button.clicked.connect(self._on_clear_clicked)
        self._controller.pair_changed.connect(self._on_controller_pair_changed)
        self._controller.status_changed.connect(self._on_controller_status_changed)
        self._controller.paths_highlighted.connect(self._on_controller_paths_highlighted)
        self._controller.paths_isolated.connect(self._on_controller_paths_isolated)
        self._controller.paths_cleared.connect(self._on_controller_paths_cleared)

    def status_text(self) -> str:
        return self._status.text()

    @Slot()
    def _on_highlight_clicked(self) -> None:
        self._controller.highlight()

    @Slot()
    def _on_isolate_clicked(self) -> None:
        self._controller.isolate()

    @Slot()
    def _on_clear_clicked(self) -> None:
        self._controller.clear()

    @Slot(list)
    def _on_controller_pair_changed(self, pair: list) -> None:
        ready = len(pair) == 2
        self.highlight_button.setEnabled(ready)
        self.isolate_button.setEnabled(ready)
        self.clear_button.setEnabled(self._controller.is_active())

    @Slot(list)
    def _on_controller_paths_highlighted(self, keys: list) -> None:
        self.clear_button.setEnabled(self._controller.is_active())

    @Slot(object)
    def _on_controller_paths_isolated(self, graph: object) -> None:
        self.clear_button.setEnabled(True)

    @Slot()
    def _on_controller_paths_cleared(self) -> None:
        self.clear_button.setEnabled(False)

    @Slot(str)
    def _on_controller_status_changed(self, text: str) -> None:
        self._status.setText(text)
