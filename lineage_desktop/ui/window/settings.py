"""What the window remembers per user, in ``QSettings``: geometry, docks, the theme,
recent files, and per store (keyed by its absolute path) view options, hidden nodes and
dragged positions.

The store file itself is never written: this is the only place view state lives.
Values are kept as JSON strings so that every QSettings backend stores them the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from lineage_desktop.sdk.stores import store_path
from lineage_desktop.store.pg import PgLocation
from lineage_desktop.ui.theme import normalised

MAX_RECENT = 10
MAX_POSITION_SETS = 50  # dragged-position sets kept per store (one per focus and direction)


def store_id(path: str | os.PathLike[str]) -> str:
    """A settings group name for a store: a hash of its absolute path ('/' would nest),
    or of a team store's URL as shown (never with a password)."""
    absolute = str(store_path(os.fspath(path) if not isinstance(path, PgLocation) else path))
    return hashlib.sha1(absolute.encode("utf-8")).hexdigest()[:16]


class AppSettings:
    """Typed access to the application's ``QSettings`` (default format and scope)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._s = settings if settings is not None else QSettings()

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._s.sync()

    # --- JSON helpers -----------------------------------------------------------------

    def _get_json(self, key: str, default: Any) -> Any:
        raw = self._s.value(key)
        if raw is None:
            return default
        try:
            return json.loads(str(raw))
        except ValueError:
            return default  # a damaged settings value must not stop the window

    def _set_json(self, key: str, value: Any) -> None:
        self._s.setValue(key, json.dumps(value))

    # --- window -------------------------------------------------------------------------

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        """Saved ``(geometry, dock state)`` of the main window, None where absent."""
        geometry = self._s.value("window/geometry")
        state = self._s.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._s.setValue("window/geometry", geometry)
        self._s.setValue("window/state", state)

    def details_dock(self) -> dict[str, bool]:
        """The user's choice for the details dock: ``closed`` (keep it closed when a
        node is clicked) and ``floating`` (show it floating)."""
        raw = self._get_json("window/details_dock", {})
        raw = raw if isinstance(raw, dict) else {}
        return {name: raw.get(name) is True for name in ("closed", "floating")}

    def set_details_dock(self, closed: bool, floating: bool) -> None:
        self._set_json("window/details_dock", {"closed": closed, "floating": floating})

    def theme(self) -> str:
        """The theme the user chose under View > Theme: ``light``, ``dark`` or
        ``system`` (the default, also for a damaged value). Global, not per store."""
        return normalised(self._s.value("appearance/theme"))

    def set_theme(self, theme: str) -> None:
        self._s.setValue("appearance/theme", normalised(theme))

    # --- recent files -----------------------------------------------------------------

    def recent_files(self) -> list[str]:
        """Most recently opened store paths first."""
        files = self._get_json("recent/files", [])
        return [str(f) for f in files if isinstance(f, str)][:MAX_RECENT]

    def add_recent(self, path: str | os.PathLike[str]) -> list[str]:
        # A team store is kept as its URL as shown: never with a password.
        absolute = str(store_path(os.fspath(path) if not isinstance(path, PgLocation)
                                  else path))
        files = [absolute] + [f for f in self.recent_files() if f != absolute]
        self._set_json("recent/files", files[:MAX_RECENT])
        return files[:MAX_RECENT]

    def remove_recent(self, path: str) -> list[str]:
        files = [f for f in self.recent_files() if f != path]
        self._set_json("recent/files", files)
        return files

    def clear_recent(self) -> None:
        self._set_json("recent/files", [])

    # --- view options (per store) ----------------------------------------------------

    def view_options(self, path: str | None = None) -> dict[str, Any]:
        """``direction``, ``cluster_threshold``, ``upstream``, ``downstream`` (None = all)
        the user chose for the store at ``path``; none before a store is open (options
        set on one store never carry over to the next)."""
        if path is None:
            return {}
        options = self._get_json(self._store_key(path, "view"), {})
        return options if isinstance(options, dict) else {}

    def set_view_options(self, path: str, **options: Any) -> None:
        merged = {**self.view_options(path), **options}
        self._s.setValue(self._store_key(path, "path"), str(Path(path).absolute()))
        self._set_json(self._store_key(path, "view"), merged)

    def clear_view_options(self, path: str) -> None:
        """Back to the defaults for the store at ``path``."""
        self._s.remove(self._store_key(path, "view"))

    # --- per store --------------------------------------------------------------------

    def _store_key(self, path: str, name: str) -> str:
        return f"stores/{store_id(path)}/{name}"

    def hidden_keys(self, path: str) -> list[str]:
        """Keys of nodes the user hid in this store, in the order they were hidden."""
        keys = self._get_json(self._store_key(path, "hidden"), [])
        return [str(k) for k in keys if isinstance(k, str)]

    def set_hidden_keys(self, path: str, keys: list[str]) -> None:
        self._s.setValue(self._store_key(path, "path"), str(Path(path).absolute()))
        self._set_json(self._store_key(path, "hidden"), list(dict.fromkeys(keys)))

    def positions(self, path: str, focus: str, direction: str) -> dict[str, tuple[float, float]]:
        """Node centres the user dragged in the lineage of ``focus`` drawn in ``direction``."""
        sets = self._get_json(self._store_key(path, "positions"), {})
        found = sets.get(f"{direction}|{focus}", {}) if isinstance(sets, dict) else {}
        out: dict[str, tuple[float, float]] = {}
        for key, value in found.items():
            if isinstance(value, list) and len(value) == 2:
                out[str(key)] = (float(value[0]), float(value[1]))
        return out

    def set_positions(
        self, path: str, focus: str, direction: str, positions: dict[str, tuple[float, float]]
    ) -> None:
        key = self._store_key(path, "positions")
        sets = self._get_json(key, {})
        if not isinstance(sets, dict):
            sets = {}
        name = f"{direction}|{focus}"
        sets.pop(name, None)
        if positions:
            sets[name] = {k: [round(x, 1), round(y, 1)] for k, (x, y) in positions.items()}
        while len(sets) > MAX_POSITION_SETS:  # dicts keep insertion order: oldest first
            sets.pop(next(iter(sets)))
        self._s.setValue(self._store_key(path, "path"), str(Path(path).absolute()))
        self._set_json(key, sets)
