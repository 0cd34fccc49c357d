"""``LineageToolbar``: depth, clustering and direction controls of the lineage view.

Spin box changes are debounced (typing "12" must not load depth 1 first).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QToolBar, QWidget

DEBOUNCE_MS = 300
ALL = -1  # the spin boxes' "all" value


class _DepthSpin(QSpinBox):
    def __init__(self, name: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setRange(ALL, 9999)  # a bounded first view of a long chain reads deeper than 99
        self.setSpecialValueText("all")
        self.setToolTip(tip)
        self.setAccelerated(True)
        self.setKeyboardTracking(False)
        self.setMinimumWidth(62)

    def depth(self) -> int | None:
        value = self.value()
        return None if value == ALL else value

    def set_depth(self, depth: int | None) -> None:
        self.setValue(ALL if depth is None else depth)


class LineageToolbar(QToolBar):
    """Signals: ``depths_changed(object, object)`` (None = all),
    ``threshold_changed(object)`` (None = clustering off), ``direction_changed(str)``."""

    depths_changed = Signal(object, object)
    threshold_changed = Signal(object)
    direction_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Lineage", parent)
        self.setObjectName("lineageToolbar")
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.upstream = _DepthSpin("upstreamDepth", "How many edges upstream (ancestors) to show")
        self.downstream = _DepthSpin(
            "downstreamDepth", "How many edges downstream (descendants) to show"
        )
        self.threshold = QSpinBox()
        self.threshold.setObjectName("clusterThreshold")
        self.threshold.setRange(0, 999)
        self.threshold.setSpecialValueText("off")
        self.threshold.setKeyboardTracking(False)
        self.threshold.setToolTip(
            "Collapse a level's nodes of one type into a cluster when "
            "there are at least this many (off: never)"
        )
        self.direction = QComboBox()
        self.direction.setObjectName("directionCombo")
        self.direction.addItem("Left to right", "LR")
        self.direction.addItem("Top to bottom", "TB")
        self.direction.setToolTip("Direction of the graph")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._threshold_timer = QTimer(self)
        self._threshold_timer.setSingleShot(True)
        self._threshold_timer.setInterval(DEBOUNCE_MS)
        self._quiet = False

    def add_controls(self) -> None:
        """Add the spin boxes and the direction box (after the window's own actions)."""
        self.addSeparator()
        self.addWidget(self._caption("Upstream"))
        self.addWidget(self.upstream)
        self.addWidget(self._caption("Downstream"))
        self.addWidget(self.downstream)
        self.addSeparator()
        self.addWidget(self._caption("Cluster at"))
        self.addWidget(self.threshold)
        self.addSeparator()
        self.addWidget(self.direction)
        self.upstream.valueChanged.connect(self._on_depth_value_changed)
        self.downstream.valueChanged.connect(self._on_depth_value_changed)
        self.threshold.valueChanged.connect(self._on_threshold_value_changed)
        self.direction.currentIndexChanged.connect(self._on_direction_current_index_changed)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._threshold_timer.timeout.connect(self._on_threshold_timer_timeout)

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(text)
        label.setContentsMargins(8, 0, 4, 0)
        return label

    def set_values(
        self, upstream: int | None, downstream: int | None, threshold: int | None, direction: str
    ) -> None:
        """Show the controller's settings without emitting anything."""
        self._quiet = True
        try:
            self.upstream.set_depth(upstream)
            self.downstream.set_depth(downstream)
            self.threshold.setValue(threshold or 0)
            self.direction.setCurrentIndex(max(0, self.direction.findData(direction)))
        finally:
            self._quiet = False

    def set_direction(self, direction: str) -> None:
        self.direction.setCurrentIndex(max(0, self.direction.findData(direction)))

    @Slot(int)
    def _on_depth_value_changed(self, value: int) -> None:
        if not self._quiet:
            self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.depths_changed.emit(self.upstream.depth(), self.downstream.depth())

    @Slot(int)
    def _on_threshold_value_changed(self, value: int) -> None:
        if not self._quiet:
            self._threshold_timer.start()

    @Slot()
    def _on_threshold_timer_timeout(self) -> None:
        value = self.threshold.value()
        self.threshold_changed.emit(value or None)

    @Slot(int)
    def _on_direction_current_index_changed(self, index: int) -> None:
        if not self._quiet:
            self.direction_changed.emit(str(self.direction.itemData(index)))
