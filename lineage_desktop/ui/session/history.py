"""Back/Forward navigation over the focus keys the user looked at (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntryState:
    """What the user changed in a lineage, kept with its history entry so that Back and
    Forward show it as it was left: the nodes pulled out of clusters and the hidden
    nodes, in the order they were extracted and hidden. (Dragged positions are saved per
    lineage in the settings, see ``ViewSettings.positions``.)"""

    extracted: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()


class History:
    """A browser-like history: ``visit`` drops the forward entries, ``back``/``forward``
    move the cursor. Visiting the current entry again does nothing. Each entry may carry
    an ``EntryState`` (``remember``/``state``)."""

    def __init__(self, limit: int = 200) -> None:
        self._entries: list[str] = []
        self._states: list[EntryState | None] = []
        self._index = -1
        self._limit = limit

    @property
    def current(self) -> str | None:
        """The entry on screen, or None before the first visit."""
        return self._entries[self._index] if self._index >= 0 else None

    def entries(self) -> list[str]:
        """Every entry, oldest first."""
        return list(self._entries)

    def can_back(self) -> bool:
        return self._index > 0

    def can_forward(self) -> bool:
        return 0 <= self._index < len(self._entries) - 1

    def visit(self, key: str) -> None:
        """Record ``key`` as the new current entry."""
        if self.current == key:
            return
        del self._entries[self._index + 1 :]
        del self._states[self._index + 1 :]
        self._entries.append(key)
        self._states.append(None)
        if len(self._entries) > self._limit:
            del self._entries[0]
            del self._states[0]
        self._index = len(self._entries) - 1

    def replace(self, key: str) -> None:
        """Change the current entry (e.g. a reference resolved to its graph key); its
        state stays."""
        if self._index < 0:
            self.visit(key)
        else:
            self._entries[self._index] = key

    def remember(self, state: EntryState) -> None:
        """Keep ``state`` with the current entry (nothing before the first visit)."""
        if self._index >= 0:
            self._states[self._index] = state

    def state(self) -> EntryState | None:
        """The state kept with the current entry (None: none was kept)."""
        return self._states[self._index] if self._index >= 0 else None

    def back(self) -> str | None:
        """Step back and return the new current entry (None at the start)."""
        if not self.can_back():
            return None
        self._index -= 1
        return self.current

    def forward(self) -> str | None:
        """Step forward and return the new current entry (None at the end)."""
        if not self.can_forward():
            return None
        self._index += 1
        return self.current

    def clear(self) -> None:
        self._entries.clear()
        self._states.clear()
        self._index = -1
