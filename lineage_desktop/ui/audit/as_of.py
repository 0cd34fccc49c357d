"""``AsOfControl``: "show the lineage as it stood at" a moment (UTC), or now."""
from __future__ import annotations

from PySide6.QtCore import QDateTime, QTimer, QTimeZone, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from lineage_desktop.records.text import from_iso as parse_iso_text

DISPLAY_FORMAT = "yyyy-MM-dd HH:mm:ss 'UTC'"
SETTLE_MS = 400  # wait for the user to stop stepping the time before reloading lineage
TYPING_SETTLE_MS = 1500  # ... longer while they type or step in the editor (Enter applies)


def _utc() -> QTimeZone:
    return QTimeZone(QTimeZone.Initialization.UTC)


def _now() -> QDateTime:
    """Now in UTC, whole seconds (what the editor shows)."""
    now = QDateTime.currentDateTimeUtc().toTimeZone(_utc())
    return QDateTime.fromSecsSinceEpoch(now.toSecsSinceEpoch(), _utc())


def to_iso(moment: QDateTime) -> str:
    """``QDateTime`` -> ``2026-08-03T08:00:00Z`` (UTC; milliseconds only when set)."""
    utc = moment.toTimeZone(_utc())
    return utc.toString("yyyy-MM-ddTHH:mm:ss" + (".zzz" if utc.time().msec() else "")) + "Z"


def from_iso(text: str) -> QDateTime:
    """An ISO-8601 time (a naive one is UTC) as a UTC ``QDateTime``, rounded up to the
    millisecond (the editor's finest step): as of it, what happened then has happened."""
    moment = parse_iso_text(text)
    whole = int(moment.replace(microsecond=0).timestamp())  # exact: no fraction
    millis = whole * 1000 + -(-moment.microsecond // 1000)
    return QDateTime.fromMSecsSinceEpoch(millis, _utc())


class AsOfControl(QWidget):
    """A checkbox "As of" and a UTC date-time (objectName ``asOfControl``).

    Signal ``as_of_changed(object)``: the ISO-8601 moment (``str``), or ``None`` for
    "now" when the box is unticked. Ticking or unticking emits at once; editing the time
    emits once: on Enter or when the editor loses focus, else once the user pauses
    (``TYPING_SETTLE_MS`` while the editor has focus, ``SETTLE_MS`` otherwise), so
    stepping through hours with the arrow keys does not reload the lineage at every step.
    Signal ``older_wanted(int)``: the timeline's "Older versions…" was picked (answer
    with ``add_timeline``).
    """

    as_of_changed = Signal(object)
    older_wanted = Signal(int)  # "Older versions…": the versions below this index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("asOfControl")
        self.checkbox = QCheckBox("As of")
        self.checkbox.setToolTip("Show the lineage as it stood at this moment: only runs "
                                 "started and versions created before it, aliases as they "
                                 "were then")
        self.edit = QDateTimeEdit()
        self.edit.setObjectName("asOfTime")
        self.edit.setTimeZone(_utc())
        self.edit.setDisplayFormat(DISPLAY_FORMAT)
        self.edit.setCalendarPopup(True)
        self.edit.setDateTime(_now())
        self.edit.setEnabled(False)
        self.now_button = QPushButton("Now")
        self.now_button.setToolTip("Set the time to now")
        self.now_button.setEnabled(False)
        self.timeline = QToolButton()
        self.timeline.setObjectName("asOfTimeline")
        self.timeline.setText("Timeline")
        self.timeline.setToolTip("Show the lineage as of the moment a version of the focus "
                                 "was logged or one of its aliases moved")
        self.timeline.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.timeline.setMenu(QMenu(self.timeline))
        self.timeline.setEnabled(False)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._last: str | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.checkbox)
        layout.addWidget(self.edit)
        layout.addWidget(self.now_button)
        layout.addWidget(self.timeline)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.checkbox.toggled.connect(self._on_checkbox_toggled)
        self.edit.dateTimeChanged.connect(self._on_edit_date_time_changed)
        self.edit.editingFinished.connect(self._on_edit_editing_finished)
        self.now_button.clicked.connect(self._on_now_clicked)
        self._settle.timeout.connect(self._on_settle_timeout)

    # --- public -----------------------------------------------------------------------

    def as_of(self) -> str | None:
        """The chosen moment as ISO-8601 UTC, or None (now)."""
        return to_iso(self.edit.dateTime()) if self.checkbox.isChecked() else None

    def set_as_of(self, moment: str | None) -> None:
        """Show ``moment`` (ISO-8601) ticked, or untick for None; emits if it changed."""
        if moment is not None:
            self.edit.blockSignals(True)
            self.edit.setDateTime(from_iso(moment))
            self.edit.blockSignals(False)
        self.checkbox.blockSignals(True)
        self.checkbox.setChecked(moment is not None)
        self.checkbox.blockSignals(False)
        self._sync_enabled()
        self._emit_now()

    def set_timeline(self, moments: list[tuple[str, str]], older: int | None = None) -> None:
        """The real moments to pick from: ``(label, ISO time)``, newest first (the
        focus's versions and the moves of its aliases, a page of them). Picking one
        shows the lineage as of it. ``older``: older versions remain below that index;
        the menu ends with "Older versions…", which asks for them (``older_wanted``)."""
        self.timeline.menu().clear()
        self.add_timeline(moments, older)

    def add_timeline(self, moments: list[tuple[str, str]], older: int | None = None) -> None:
        """The next page of moments, after those listed (see ``set_timeline``)."""
        menu = self.timeline.menu()
        for action in menu.actions():
            if action.objectName() == "asOfTimelineOlder":
                menu.removeAction(action)
                action.deleteLater()
        for label, moment in moments:
            action = QAction(label, menu)  # plain text: names from the store stay text
            action.setData(moment)
            action.triggered.connect(self._on_timeline_action_triggered)
            menu.addAction(action)
        if older is not None:
            more = QAction("Older versions…", menu)
            more.setObjectName("asOfTimelineOlder")
            more.setData(older)
            more.triggered.connect(self._on_timeline_older_triggered)
            menu.addAction(more)
        self.timeline.setEnabled(bool(menu.actions()))

    def timeline_moments(self) -> list[str]:
        """The ISO times the timeline offers, newest first."""
        return [str(a.data()) for a in self.timeline.menu().actions()
                if a.objectName() != "asOfTimelineOlder"]

    def older_action(self) -> QAction | None:
        """The menu's "Older versions…" entry, if older versions remain to be listed."""
        return next((a for a in self.timeline.menu().actions()
                     if a.objectName() == "asOfTimelineOlder"), None)

    def pick(self, moment: str) -> None:
        """Pick ``moment`` from the timeline, as its menu entry does."""
        self.set_as_of(moment)

    def set_range(self, earliest: str | None, latest: str | None = None) -> None:
        """Limit the editable times (e.g. the store's first run to now)."""
        if earliest:
            self.edit.setMinimumDateTime(from_iso(earliest))
        if latest:
            self.edit.setMaximumDateTime(from_iso(latest))

    # --- slots ------------------------------------------------------------------------

    @Slot(bool)
    def _on_checkbox_toggled(self, checked: bool) -> None:
        self._sync_enabled()
        self._emit_now()

    @Slot(QDateTime)
    def _on_edit_date_time_changed(self, moment: QDateTime) -> None:
        if self.checkbox.isChecked():
            self._settle.start(TYPING_SETTLE_MS if self.edit.hasFocus() else SETTLE_MS)

    @Slot()
    def _on_edit_editing_finished(self) -> None:  # Enter, or the focus left the editor
        if self.checkbox.isChecked():
            self._emit_now()

    @Slot()
    def _on_timeline_action_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.pick(str(action.data()))

    @Slot()
    def _on_timeline_older_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.older_wanted.emit(int(action.data()))

    @Slot()
    def _on_now_clicked(self) -> None:
        self.edit.setDateTime(_now())
        self._emit_now()

    @Slot()
    def _on_settle_timeout(self) -> None:
        self._emit_now()

    def _sync_enabled(self) -> None:
        on = self.checkbox.isChecked()
        self.edit.setEnabled(on)
        self.now_button.setEnabled(on)

    def _emit_now(self) -> None:
        self._settle.stop()
        value = self.as_of()
        if value != self._last:
            self._last = value
            self.as_of_changed.emit(value)
