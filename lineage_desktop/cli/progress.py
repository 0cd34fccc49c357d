"""Progress on stderr: a bar on a terminal, occasional lines otherwise."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int, stream=None) -> None:
        self.label, self.total = label, max(total, 1)
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0

    def update(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.total = max(total, 1)
        now = time.monotonic()
        if now - self._last < (0.1 if self.tty else 5.0) and done < self.total:
            return
        self._last = now
        fraction = min(done / self.total, 1.0)
        if self.tty:
            filled = int(fraction * 30)
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] "
                              f"{done}/{self.total}")
        else:
            self.stream.write(f"{self.label}: {done}/{self.total} ({fraction:.0%})\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
