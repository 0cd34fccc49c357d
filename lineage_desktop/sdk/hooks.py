"""Run listeners: code above the SDK (OpenLineage emission) hears when runs start and end.

A listener's failure never fails the run it listens to: it becomes a warning.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from lineage_desktop.sdk.run import Run


class ListenerWarning(UserWarning):
    """A run listener raised; the run itself carried on."""


class RunListener(Protocol):
    def run_started(self, run: Run) -> None: ...

    def run_finished(self, run: Run) -> None: ...


_listeners: list[RunListener] = []


def add_run_listener(listener: RunListener) -> RunListener:
    """Call ``listener.run_started(run)`` / ``run_finished(run)`` for every run."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def remove_run_listener(listener: RunListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def notify(event: str, run: Run) -> None:
    for listener in list(_listeners):
        try:
            getattr(listener, event)(run)
        except Exception as exc:  # a listener must never break training code
            warnings.warn(f"run listener {listener!r} failed on {event} of run {run.id}: {exc}",
                          ListenerWarning, stacklevel=3)
