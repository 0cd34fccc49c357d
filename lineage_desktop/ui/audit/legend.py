"""``IntegrityLegend``: what the integrity marks on the graph mean, with their counts,
the scope to check (this lineage or the whole store), the scan's progress, exactly what
the scan checked (the counting model's sentence, then scope, checked, not checked with
why, matching, mismatching, versions by status, database: the engine's ``describe``
lines) and the list of files that failed."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop.audit import VerifyReport, describe
from lineage_desktop.audit.verify_report import summary
from lineage_desktop.records import FileCheck
from lineage_desktop.ui import style
from lineage_desktop.ui.scene import glyphs
from lineage_desktop.ui.widgets import plain_tooltip

ICON_SIZE = (30, 22)  # a miniature card: wide enough to read the border style
KEY_ROLE = Qt.ItemDataRole.UserRole

MEANINGS = {
    "compromised": "stored or referenced files changed, missing, extra, unsafe or "
                   "unreadable",
    "tainted": "downstream of compromised content",
    "unchecked": "not every file could be re-hashed (remote references, no content "
                 "digest, no content kept) and none failed",
    "ok": "every file re-hashed and matching its recorded digest",
}
TITLES = {"compromised": "Compromised", "tainted": "Tainted", "unchecked": "Unchecked",
          "ok": "Verified"}
# The scopes the user can pick: (key, shown).
SCOPES = (("lineage", "This lineage"), ("store", "Whole store"))


def mark_icon(status: str, dark: bool = False, scale: int = 2) -> QPixmap:
    """A miniature card drawn as the graph draws ``status`` (``compromised``: warning
    border and badge; ``tainted``: dashed warning border; ``ok``: plain with a check;
    ``unchecked``: plain with a dotted border)."""
    palette = style.palette_for(dark)
    width, height = ICON_SIZE
    pixmap = QPixmap(width * scale, height * scale)
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    card = QRectF(1.5, 3.5, width - 7, height - 7)
    warning = QColor(palette.warning)
    if status in ("ok", "unchecked"):
        pen = QPen(QColor(palette.card_border), 1.2)
        if status == "unchecked":
            pen = QPen(QColor(palette.muted), 1.6, Qt.PenStyle.DotLine)
    else:
        pen = QPen(warning, 2.0)
        if status == "tainted":
            pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(QColor(palette.card))
    painter.drawRoundedRect(card, 4, 4)
    badge = QPointF(card.right() - 1, card.bottom() - 3)
    painter.setPen(Qt.PenStyle.NoPen)
    if status == "compromised":
        painter.setBrush(QColor(palette.card))
        painter.drawEllipse(badge + QPointF(0, 1), 8.0, 8.0)
        painter.setBrush(warning)
        painter.drawPath(glyphs.WARNING_TRIANGLE.translated(badge))
        painter.setBrush(QColor(palette.glyph))
        painter.drawPath(glyphs.WARNING_MARK.translated(badge))
    elif status == "ok":
        check = QPen(QColor(palette.run), 2.2)
        check.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(check)
        painter.drawPolyline([badge + QPointF(-5, -1), badge + QPointF(-2, 2),
                              badge + QPointF(4, -5)])
    painter.end()
    return pixmap


def _headline(report: VerifyReport) -> str:
    """The counting model's sentence: never "verified" when nothing was re-hashed."""
    return summary(report) + "."


def _problem_tip(check: FileCheck, locations: dict[tuple[str, str], str]) -> str:
    lines = [f"expected {check.expected or '-'}", f"found {check.actual or '-'}"]
    if check.detail:
        lines.append(check.detail)
    where = locations.get((check.artifact, check.path))
    if where:
        lines.append(where)
    return "\n".join(lines)


class IntegrityLegend(QWidget):
    """Legend and results of the integrity audit (objectName ``integrityLegend``).

    Signals:

    - ``run_requested(str scope)``: the user asked for a (new) scan of ``lineage`` or
      ``store`` (the scope picked beside the button).
    - ``cancel_requested()``: the user asked to stop the running scan.
    - ``node_activated(str)``: a failed file's version was double-clicked (its key).
    """

    run_requested = Signal(str)
    cancel_requested = Signal()
    node_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None, dark: bool | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("integrityLegend")
        dark = style.app_prefers_dark() if dark is None else dark
        self._status = QLabel("Not checked yet.")
        self._status.setObjectName("integritySummary")
        self._status.setTextFormat(Qt.TextFormat.PlainText)
        self._status.setWordWrap(True)
        self._bar = QProgressBar()
        self._bar.setVisible(False)
        self._bar.setTextVisible(True)
        self._scope = QComboBox()
        self._scope.setObjectName("integrityScope")
        for key, text in SCOPES:
            self._scope.addItem(text, key)
        self._scope.setToolTip("What to verify: the versions of the lineage on screen, or "
                               "every version of the store")
        self._run = QPushButton("Verify")
        self._run.setObjectName("integrityRun")
        self._run.setToolTip("Re-hash every stored or referenced file of the chosen versions")
        self._cancel = QPushButton("Cancel")
        self._cancel.setVisible(False)
        self._counts: dict[str, QLabel] = {}
        self._checked = QLabel()
        self._checked.setObjectName("integrityChecked")
        self._checked.setTextFormat(Qt.TextFormat.PlainText)
        self._checked.setWordWrap(True)
        self._checked.setVisible(False)
        self._checked_lines: dict[str, str] = {}
        self._problems = QTreeWidget()
        self._problems.setObjectName("integrityProblems")
        self._problems.setHeaderLabels(["Version", "File", "Status"])
        self._problems.setRootIsDecorated(False)
        self._problems.setAlternatingRowColors(True)
        self._problems.setVisible(False)
        self._build(dark)
        self._connect_signals()

    def _build(self, dark: bool) -> None:
        layout = QVBoxLayout(self)
        title = QLabel("Integrity audit")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self._scope)
        header.addWidget(self._run)
        header.addWidget(self._cancel)
        layout.addLayout(header)
        layout.addWidget(self._status)
        layout.addWidget(self._bar)
        self._dark = dark
        self._swatches: dict[str, QLabel] = {}
        for status, name in TITLES.items():
            row = QHBoxLayout()
            icon = self._swatches[status] = QLabel()
            icon.setPixmap(mark_icon(status, dark))
            icon.setFixedSize(*ICON_SIZE)
            row.addWidget(icon)
            label = QLabel()
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setObjectName(f"legend_{status}")
            label.setWordWrap(True)
            label.setToolTip(f"{name}: {MEANINGS[status]}")
            self._counts[status] = label
            row.addWidget(label, 1)
            layout.addLayout(row)
        layout.addWidget(self._checked)
        layout.addWidget(self._problems, 1)
        # Takes the spare room only while the problem list (stretch 1) is hidden.
        layout.addStretch(0)
        self._icons = {s: QIcon(mark_icon(s, dark)) for s in ("compromised",)}
        self.set_report(None)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        # The theme changed: the miniature cards are drawn in the graph's new palette.
        dark = style.app_prefers_dark()
        if event.type() == QEvent.Type.PaletteChange and dark != self._dark:
            self._dark = dark
            for status, icon in self._swatches.items():
                icon.setPixmap(mark_icon(status, dark))
            self._icons = {s: QIcon(mark_icon(s, dark)) for s in ("compromised",)}
        super().changeEvent(event)

    def _connect_signals(self) -> None:
        self._run.clicked.connect(self._on_run_clicked)
        self._cancel.clicked.connect(self._on_cancel_clicked)
        self._problems.itemDoubleClicked.connect(self._on_problems_item_double_clicked)

    # --- state ------------------------------------------------------------------------

    def counts(self) -> dict[str, int | None]:
        """The versions shown by status (None: not checked)."""
        return dict(self._shown)

    def scope(self) -> str:
        """The scope picked beside the Verify button: ``lineage`` or ``store``."""
        return str(self._scope.currentData())

    def set_scope(self, scope: str) -> None:
        """Pick ``lineage`` or ``store`` (a menu item chose it)."""
        index = self._scope.findData(scope)
        if index >= 0:
            self._scope.setCurrentIndex(index)

    def summary_text(self) -> str:
        """The sentence saying what the shown report checked ("Not checked yet."...)."""
        return self._status.text()

    def checked_lines(self) -> dict[str, str]:
        """What the shown report checked, one line each (empty: not checked)."""
        return dict(self._checked_lines)

    def set_report(self, report: VerifyReport | None) -> None:
        """Show the counts, what was checked and the failed files of ``report`` (None:
        not checked)."""
        self._set_running(False)
        if report is None:
            self._shown: dict[str, int | None] = {s: None for s in MEANINGS}
            self._status.setText("Not checked yet.")
        else:
            total = report.totals()
            self._shown = {s: total.status_count(s) for s in MEANINGS}
            self._status.setText(_headline(report))
        self._checked_lines = dict(describe(report)) if report is not None else {}
        # The sentence is the headline already: the detail lines follow it.
        self._checked.setText("\n".join(line for field, line in self._checked_lines.items()
                                        if field != "summary"))
        self._checked.setVisible(report is not None)
        for status, label in self._counts.items():
            count = self._shown[status]
            shown = "–" if count is None else f"{count:,}"
            label.setText(f"{TITLES[status]}: {shown} — {MEANINGS[status]}")
        self._fill_problems(report)
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        # In the dock's scroll area: at least as tall as the wrapped lines need at this
        # width, so that a low dock scrolls instead of squeezing the lines together.
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            self.setMinimumHeight(layout.totalHeightForWidth(self.width()))

    def _fill_problems(self, report: VerifyReport | None) -> None:
        self._problems.clear()
        db = report.database if report is not None else None
        damaged = db is not None and not db.ok
        if report is None or not (report.compromised or damaged):
            self._problems.setVisible(False)
            return
        if db is not None and damaged:
            item = QTreeWidgetItem(["database", db.check, "damaged"])
            item.setIcon(0, self._icons["compromised"])
            item.setToolTip(1, plain_tooltip("\n".join(db.problems)))
            self._problems.addTopLevelItem(item)
        for key in sorted(report.compromised):
            for check in report.compromised[key]:
                item = QTreeWidgetItem([check.artifact, check.path, check.status])
                item.setData(0, KEY_ROLE, key)
                item.setIcon(0, self._icons["compromised"])
                item.setToolTip(1, plain_tooltip(_problem_tip(check, report.locations)))
                self._problems.addTopLevelItem(item)
        for column in range(3):
            self._problems.resizeColumnToContents(column)
        self._problems.setVisible(True)

    def problem_rows(self) -> list[tuple[str, str, str]]:
        """``(version, file, status)`` of every listed failure, in order."""
        tree = self._problems
        return [tuple(tree.topLevelItem(i).text(c) for c in range(3))  # type: ignore[misc]
                for i in range(tree.topLevelItemCount())]

    def set_progress(self, done: int, total: int) -> None:
        """Show a running scan's progress."""
        self._set_running(True)
        self._bar.setRange(0, max(total, 1))
        self._bar.setValue(done)
        self._bar.setFormat(f"{done:,} / {total:,} versions" if total else "Starting…")
        self._status.setText("Checking content against the recorded digests…")

    def set_failed(self, message: str) -> None:
        """Show why the scan could not run."""
        self._set_running(False)
        self._status.setText(f"The audit could not run: {message}")

    def set_cancelled(self) -> None:
        self._set_running(False)
        self._status.setText("The audit was cancelled.")

    def _set_running(self, running: bool) -> None:
        self._bar.setVisible(running)
        self._cancel.setVisible(running)
        self._run.setEnabled(not running)
        self._scope.setEnabled(not running)

    # --- slots ------------------------------------------------------------------------

    @Slot()
    def _on_run_clicked(self) -> None:
        self.run_requested.emit(self.scope())

    @Slot()
    def _on_cancel_clicked(self) -> None:
        self.cancel_requested.emit()

    @Slot(QTreeWidgetItem, int)
    def _on_problems_item_double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        key = item.data(0, KEY_ROLE)
        if key:
            self.node_activated.emit(str(key))


__all__ = ["MEANINGS", "SCOPES", "IntegrityLegend", "mark_icon"]
