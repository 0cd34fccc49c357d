"""Back/Forward navigation over the focus keys the user looked at (no Qt)."""

from __future__ import annotations


class History:
    """A browser-like history: ``visit`` drops the forward entries, ``back``/``forward``
    move the cursor. Visiting the current entry again does nothing."""

    def __init__(self, limit: int = 200) -> None:
        self._entries: list[str] = []
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
        self._entries.append(key)
        if len(self._entries) > self._limit:
            del self._entries[0]
        self._index = len(self._entries) - 1

    def replace(self, key: str) -> None:
        """Change the current entry (e.g. a reference resolved to its graph key)."""
        if self._index < 0:
            self.visit(key)
        else:
            self._entries[self._index] = key

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
        self._index = -1
