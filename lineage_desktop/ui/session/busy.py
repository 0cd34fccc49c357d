"""``BusyBoard``: which kinds of work are in flight, and what the busy indicator says."""

from __future__ import annotations

# The indicator names the wait the user feels most: a layout, then a lineage read.
_PRIORITY = ("layout", "lineage")


class BusyBoard:
    """Work in flight by channel (``"lineage"``, ``"layout"``, ``"runs"``...) with a short
    description each."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def __contains__(self, channel: str) -> bool:
        return channel in self._texts

    def __bool__(self) -> bool:
        return bool(self._texts)

    def start(self, channel: str, text: str) -> None:
        """``channel`` is busy (again) with ``text``."""
        self._texts[channel] = text

    def finish(self, channel: str) -> bool:
        """``channel`` is done; returns whether it was busy (the indicator changes)."""
        return self._texts.pop(channel, None) is not None

    def clear(self) -> None:
        self._texts.clear()

    @property
    def text(self) -> str:
        """What the busy indicator says ("" when idle)."""
        for channel in _PRIORITY:
            if channel in self._texts:
                return self._texts[channel]
        return next(iter(self._texts.values()), "")
