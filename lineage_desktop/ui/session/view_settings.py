"""What the session remembers between runs, as a protocol: ``ui.settings.AppSettings``
(QSettings) in the window, ``MemorySettings`` in tests and headless use."""

from __future__ import annotations

import os
from typing import Any, Protocol

Positions = dict[str, tuple[float, float]]


class ViewSettings(Protocol):
    """The part of the application settings the session reads and writes."""

    def view_options(self, path: str | None = None) -> dict[str, Any]: ...

    def set_view_options(self, path: str, **options: Any) -> None: ...

    def clear_view_options(self, path: str) -> None: ...

    def add_recent(self, path: str | os.PathLike[str]) -> Any: ...

    def hidden_keys(self, path: str) -> list[str]: ...

    def set_hidden_keys(self, path: str, keys: list[str]) -> None: ...

    def positions(self, path: str, focus: str, direction: str) -> Positions: ...

    def set_positions(
        self, path: str, focus: str, direction: str, positions: Positions
    ) -> None: ...


class MemorySettings:
    """``ViewSettings`` kept in dictionaries (nothing is written anywhere)."""

    def __init__(self, **options: Any) -> None:
        self.options: dict[str, Any] = dict(options)  # before any store is open
        self.store_options: dict[str, dict[str, Any]] = {}
        self.recent: list[str] = []
        self.hidden: dict[str, list[str]] = {}
        self.saved_positions: dict[tuple[str, str, str], Positions] = {}

    def view_options(self, path: str | None = None) -> dict[str, Any]:
        return dict(self.options if path is None else self.store_options.get(path, {}))

    def set_view_options(self, path: str, **options: Any) -> None:
        self.store_options.setdefault(path, {}).update(options)

    def clear_view_options(self, path: str) -> None:
        self.store_options.pop(path, None)

    def add_recent(self, path: str | os.PathLike[str]) -> list[str]:
        text = str(path)
        self.recent = [text] + [p for p in self.recent if p != text]
        return list(self.recent)

    def hidden_keys(self, path: str) -> list[str]:
        return list(self.hidden.get(path, []))

    def set_hidden_keys(self, path: str, keys: list[str]) -> None:
        self.hidden[path] = list(dict.fromkeys(keys))

    def positions(self, path: str, focus: str, direction: str) -> Positions:
        return dict(self.saved_positions.get((path, focus, direction), {}))

    def set_positions(self, path: str, focus: str, direction: str, positions: Positions) -> None:
        if positions:
            self.saved_positions[(path, focus, direction)] = dict(positions)
        else:
            self.saved_positions.pop((path, focus, direction), None)
