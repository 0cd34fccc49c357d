"""``ClusterPanel``: search a cluster's members, preview one, extract one into the graph.

The search field (objectName ``clusterSearch``) filters the member list
(``clusterMembers``) as you type with the graph layer's member search (ranked: exact,
prefix, substring). Clicking a member previews it below the list; the arrow at the
right of a row (or Enter, or the Extract button) pulls it out of the cluster.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QMouseEvent, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop.graph.nodes import NodeData
from lineage_desktop.ui import style
from lineage_desktop.ui.panels.details import NodeDetails
from lineage_desktop.ui.widgets import Dot, bold, muted, plain_label

KeyRole = Qt.ItemDataRole.UserRole + 1
SecondaryRole = Qt.ItemDataRole.UserRole + 2
_ARROW = 26  # width of the extract button at the right of each row
_ROW_HEIGHT = 38
Index = QModelIndex | QPersistentModelIndex
Search = Callable[[str], list[str]]
Attrs = Callable[[str], NodeData]


def member_secondary(attrs: NodeData) -> str:
    """The muted second line of a member row: type, aliases or run state."""
    if attrs.is_run:
        parts = [attrs.job_type or "run", attrs.state or ""]
    else:
        parts = [attrs.type or "artifact", " · ".join(attrs.aliases)]
    return " · ".join(p for p in parts if p)


class ClusterMembersModel(QAbstractListModel):
    """The (filtered) members of one cluster: key, label and a secondary line."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str]] = []

    def set_rows(self, rows: list[tuple[str, str, str]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def keys(self) -> list[str]:
        return [key for key, _, _ in self._rows]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key, label, secondary = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return label
        if role == KeyRole:
            return key
        if role == SecondaryRole:
            return secondary
        return None


class _MemberDelegate(QStyledItemDelegate):
    """Two lines of text and an arrow button that extracts the member."""

    extract_clicked = Signal(str)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        return QSize(size.width(), _ROW_HEIGHT)

    @staticmethod
    def arrow_rect(rect: QRect) -> QRect:
        return QRect(rect.right() - _ARROW - 2, rect.top() + (rect.height() - 22) // 2, _ARROW, 22)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        opt.text = ""
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        muted_role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        rect = opt.rect.adjusted(8, 3, -(_ARROW + 8), -3)
        half = rect.height() // 2
        painter.save()
        font = opt.font
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(opt.palette.color(text_role))
        metrics = painter.fontMetrics()
        label = metrics.elidedText(str(index.data()), Qt.TextElideMode.ElideMiddle, rect.width())
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), half),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            label,
        )
        font.setBold(False)
        font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(font)
        painter.setPen(opt.palette.color(muted_role))
        secondary = painter.fontMetrics().elidedText(
            str(index.data(SecondaryRole) or ""), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(
            QRect(rect.left(), rect.top() + half, rect.width(), rect.height() - half),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            secondary,
        )
        self._paint_arrow(
            painter,
            QRectF(self.arrow_rect(opt.rect)),
            bool(opt.state & QStyle.StateFlag.State_MouseOver),
            selected,
            opt.palette,
        )
        painter.restore()

    @staticmethod
    def _paint_arrow(
        painter: QPainter, rect: QRectF, hot: bool, selected: bool, palette: QPalette
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = style.palette_for(style.app_prefers_dark()).color("accent")
        colour = palette.color(QPalette.ColorRole.HighlightedText) if selected else accent
        if hot and not selected:
            fill = accent.darker(190) if style.app_prefers_dark() else accent.lighter(185)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 5, 5)
        pen = QPen(colour, 1.8)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        c = rect.center()
        path = QPainterPath(QPointF(c.x() - 6, c.y()))
        path.lineTo(QPointF(c.x() + 5, c.y()))
        path.moveTo(QPointF(c.x() + 1, c.y() - 4))
        path.lineTo(QPointF(c.x() + 5, c.y()))
        path.lineTo(QPointF(c.x() + 1, c.y() + 4))
        painter.drawPath(path)

    def editorEvent(
        self,
        event: QEvent,
        model: Any,
        option: QStyleOptionViewItem,  # noqa: N802
        index: QModelIndex,
    ) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and self.arrow_rect(option.rect).contains(event.position().toPoint())
        ):
            self.extract_clicked.emit(str(index.data(KeyRole)))
            return True
        return super().editorEvent(event, model, option, index)


class ClusterPanel(QWidget):
    """Search, list and preview of one cluster's members.

    Signals: ``member_selected(str)``, ``extract_requested(str)``,
    ``lineage_requested(str)`` (a member's "Show lineage" button).
    """

    member_selected = Signal(str)
    extract_requested = Signal(str)
    lineage_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cluster: str | None = None
        self._search: Search = lambda text: []
        self._attrs: Attrs = lambda key: {}
        self._total = 0
        self.model = ClusterMembersModel(self)
        self._build()
        self._connect()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        header = QHBoxLayout()
        self.dot = Dot(parent=self)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title = bold(plain_label("", self, object_name="clusterTitle"), 1.15)
        self.subtitle = muted(plain_label("", self, object_name="clusterSubtitle"))
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header.addWidget(self.dot, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(titles, 1)
        layout.addLayout(header)

        self.search = QLineEdit(self)
        self.search.setObjectName("clusterSearch")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)

        self.count = muted(plain_label("", self, object_name="clusterCount", selectable=False))
        layout.addWidget(self.count)
        self.members = QListView(self)
        self.members.setObjectName("clusterMembers")
        self.members.setModel(self.model)
        self.members.setMouseTracking(True)  # hover highlight of the arrow
        self.members.setUniformItemSizes(True)
        self.members.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.members.setMinimumHeight(140)
        self.delegate = _MemberDelegate(self.members)
        self.members.setItemDelegate(self.delegate)
        layout.addWidget(self.members, 2)

        self.extract_button = QPushButton("Extract into graph", self)
        self.extract_button.setObjectName("clusterExtract")
        self.extract_button.setToolTip("Show the selected member as its own node, with its lineage")
        self.extract_button.setEnabled(False)
        layout.addWidget(self.extract_button, 0, Qt.AlignmentFlag.AlignRight)

        self.details = NodeDetails("member", self, show_files=False)
        self.details.hide()  # until a member is picked
        layout.addWidget(self.details, 3)

    def _connect(self) -> None:
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.members.clicked.connect(self._on_members_clicked)
        self.members.selectionModel().currentChanged.connect(self._on_members_current_changed)
        self.delegate.extract_clicked.connect(self.extract_requested)
        self.extract_button.clicked.connect(self._on_extract_button_clicked)
        self.details.lineage_requested.connect(self.lineage_requested)

    # --- public -----------------------------------------------------------------------

    @property
    def cluster_key(self) -> str | None:
        return self._cluster

    def open_cluster(
        self, key: str, attrs: NodeData, search: Search, node_attrs: Attrs
    ) -> None:
        """Show cluster ``key``: ``search(text)`` returns matching member keys (ranked),
        ``node_attrs(key)`` a member's attributes."""
        self._cluster, self._search, self._attrs = key, search, node_attrs
        member_kind = attrs.member_kind or "artifact"
        palette = style.palette_for(False)
        self.dot.set_colour(palette.run if member_kind == "run" else palette.artifact)
        self._total = attrs.count
        self.title.setText(attrs.label_or(key))
        noun = "runs" if member_kind == "run" else "artifact versions"
        self.subtitle.setText(
            f"cluster of {self._total:,} {attrs.type or ''} {noun}".replace("  ", " ")
        )
        self.search.setPlaceholderText(f"Search {self._total:,} members: name, version, alias…")
        self.details.clear()
        self.details.hide()
        self.extract_button.setEnabled(False)
        if self.search.text():
            self.search.clear()  # refilters through textChanged
        else:
            self._refilter("")

    def member_keys(self) -> list[str]:
        """Keys listed now (after filtering), in order."""
        return self.model.keys()

    def arrow_rect(self, row: int) -> QRect:
        """Where the extract arrow of ``row`` is, in the list's viewport coordinates."""
        rect = self.members.visualRect(self.model.index(row, 0))
        return self.delegate.arrow_rect(rect)

    # --- slots ------------------------------------------------------------------------

    def _refilter(self, text: str) -> None:
        keys = self._search(text)
        rows = []
        for key in keys:
            attrs = self._attrs(key)
            rows.append((key, attrs.label_or(key), member_secondary(attrs)))
        self.model.set_rows(rows)
        shown = len(rows)
        self.count.setText(
            f"{shown:,} of {self._total:,} members" if text.strip() else f"{self._total:,} members"
        )

    @Slot(str)
    def _on_search_text_changed(self, text: str) -> None:
        self._refilter(text)

    @Slot()
    def _on_search_return_pressed(self) -> None:
        if self.model.rowCount() == 1:
            self.extract_requested.emit(self.model.keys()[0])

    @Slot(QModelIndex)
    def _on_members_clicked(self, index: QModelIndex) -> None:
        self._show_member(str(index.data(KeyRole)))

    @Slot(QModelIndex, QModelIndex)
    def _on_members_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            self._show_member(str(current.data(KeyRole)))

    def _show_member(self, key: str) -> None:
        if self.details.key == key:
            return
        self.details.show_node(key, self._attrs(key))
        self.details.show()
        self.extract_button.setEnabled(True)
        self.member_selected.emit(key)

    @Slot()
    def _on_extract_button_clicked(self) -> None:
        if self.details.key:
            self.extract_requested.emit(self.details.key)
