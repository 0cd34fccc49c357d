"""``StoreWatcher``: notices when another process commits to the open store, or when its
file is deleted or replaced, by polling cheap facts once a second."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from lineage_desktop.records import StoreError
from lineage_desktop.store import Store
from lineage_desktop.store.pg import PgLocation

POLL_MS = 1000  # PRAGMA data_version costs microseconds; a second is "live" for people


def file_id(path: Path | PgLocation) -> tuple[int, int]:
    """``(device, inode)`` of a file: a replaced file has another one. A team store has
    no file: its server says when it is gone (``failed``)."""
    if isinstance(path, PgLocation):
        return 0, 0
    stat = path.stat()
    return stat.st_dev, stat.st_ino


class StoreWatcher(QObject):
    """Polls one open store. Signals:

    - ``changed()``: another connection committed since the last poll.
    - ``lost()``: the file was deleted or replaced (emitted once; polling stops).
    - ``failed(object)``: reading ``data_version`` raised (the exception).
    """

    changed = Signal()
    lost = Signal()
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None, interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self._store: Store | None = None
        self._path: Path | None = None
        self._identity: tuple[int, int] | None = None
        self._version: int | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def watch(self, store: Store, path: Path) -> None:
        """Start watching ``store`` (opened from ``path``). Raises what reading it raises."""
        self._version = store.data_version()
        self._identity = file_id(path)
        self._store, self._path = store, path
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._store = self._path = None

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.poll()

    def poll(self) -> bool:
        """Check once; returns whether another process committed."""
        if self._store is None or self._path is None:
            return False
        try:
            identity = file_id(self._path)
        except OSError:
            identity = None
        if identity != self._identity:
            self._timer.stop()
            self._store = None
            self.lost.emit()
            return False
        try:
            version = self._store.data_version()
        except StoreError as exc:
            self.failed.emit(exc)
            return False
        if version == self._version:
            return False
        self._version = version
        self.changed.emit()
        return True
