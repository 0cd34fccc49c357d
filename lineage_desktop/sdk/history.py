"""``run.log``: W&B's step rules, with rows written a batch at a time.

The rules are those of W&B's handler (``core/internal/stream/handler.go``): by default
each ``log`` call is one step; ``commit=False`` keeps adding to the current step; an
explicit ``step`` greater than the current one finalises the current step first, and a
smaller one is ignored with a warning. A finalised row carries ``_step``, ``_runtime``
(seconds since the run started) and ``_timestamp`` (Unix seconds), and its values
become the summary's.

Rows are kept in memory and written in one transaction per batch (every
``FLUSH_ROWS`` rows or ``FLUSH_SECONDS``, and when the run finishes), so that logging
costs microseconds, not a commit per step. A process killed meanwhile loses at most
that last batch, as W&B loses what its service had not written.
"""
from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lineage_desktop.records import ValidationError

if TYPE_CHECKING:
    from lineage_desktop.sdk.run_data import Summary
    from lineage_desktop.store import Store

FLUSH_ROWS = 500
FLUSH_SECONDS = 1.0
_SCALARS = (int, float, str, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)


class UnloggableValue(ValidationError, TypeError):
    """A value ``run.log`` or the summary cannot record (named with its key)."""


class StepWarning(UserWarning):
    """``run.log(step=...)`` with a step below the current one: the data is ignored."""


def history_values(data: object, what: str) -> dict[str, Any]:
    """``data`` as the JSON values a history row holds: numbers (NaN and infinities
    too), strings, booleans, None, lists and dicts of them; numpy and torch values by
    their ``tolist()``; an ``ld.Table`` as its JSON. Keys must be strings (W&B's rule)."""
    if not isinstance(data, Mapping):
        raise TypeError(f"{what}: run.log must be passed a dictionary, not "
                        f"{type(data).__name__}")
    scalars = _SCALAR_TYPES
    if all(type(k) is str and type(v) in scalars for k, v in data.items()):
        return dict(data)  # what training scripts log: no walk
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise TypeError(f"{what}: key values passed to run.log must be strings, "
                            f"not {key!r}")
        out[key] = value if type(value) in scalars else _json_value(value, f"{what}[{key!r}]",
                                                                    0)
    return out


def _json_value(value: Any, path: str, depth: int) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if depth > 100:
        raise UnloggableValue(f"{path} nests more than 100 levels")
    to_json = getattr(value, "_to_history_json", None)
    if callable(to_json):  # ld.Table
        return to_json()
    if isinstance(value, Mapping):
        return {str(k) if not isinstance(k, str) else k: _json_value(v, f"{path}[{k!r}]",
                                                                     depth + 1)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays, torch tensors
    if callable(tolist):
        detach = getattr(value, "detach", None)
        listed = (detach().cpu() if callable(detach) else value).tolist()
        return _json_value(listed, path, depth + 1)
    raise UnloggableValue(
        f"cannot log {path}: a {type(value).__name__} is not a number, string, list or "
        "dict (media types are not supported offline)")


class History:
    """The current step, its pending values, and rows not yet written."""

    def __init__(self, store: Store, run_id: str, summary: Summary, start_step: int = 0
                 ) -> None:
        self._store = store
        self._run_id = run_id
        self._summary = summary
        self.step = start_step
        self._pending: dict[str, Any] = {}
        self._rows: list[tuple[int, dict[str, Any]]] = []
        self._started = time.monotonic()
        self._last_write = self._started
        self._summary_dirty = False

    def log(self, data: object, step: int | None, commit: bool | None) -> None:
        values = history_values(data, "run.log")
        if step is not None:
            if isinstance(step, bool) or not isinstance(step, int) or step < 0:
                raise ValidationError(f"run.log: step must be a whole number >= 0, "
                                      f"not {step!r}")
            if step > self.step:
                self._finalise(next_step=step)
            elif step < self.step:
                warnings.warn(
                    f"Tried to log to step {step} that is less than the current step "
                    f"{self.step}. Steps must be monotonically increasing, so this data "
                    "will be ignored.", StepWarning, stacklevel=3)
                return
        self._pending.update(values)
        if commit or (commit is None and step is None):
            self._finalise(next_step=self.step + 1)

    def _finalise(self, next_step: int) -> None:
        if self._pending:
            row = self._pending
            now = time.monotonic()
            row["_step"] = self.step
            row["_runtime"] = round(now - self._started, 6)
            row["_timestamp"] = time.time()
            self._rows.append((self.step, row))
            self._summary._merge_logged(row)
            self._pending = {}
            if len(self._rows) >= FLUSH_ROWS or now - self._last_write >= FLUSH_SECONDS:
                self.flush()
        self.step = next_step

    def summary_changed(self) -> None:
        """The summary was assigned: written with the next batch, or now if one is due."""
        self._summary_dirty = True
        if time.monotonic() - self._last_write >= FLUSH_SECONDS or not self._rows:
            self.flush()

    def flush(self) -> None:
        """Write the rows kept so far and the summary (one transaction)."""
        if not self._rows and not self._summary_dirty:
            return
        rows, self._rows = self._rows, []
        try:
            self._store.append_history(self._run_id, rows, self._summary.as_dict())
        except BaseException:
            self._rows[:0] = rows  # kept for the next attempt (a busy or full store)
            raise
        self._summary_dirty = False
        self._last_write = time.monotonic()

    def close(self) -> None:
        """The run ends: finalise the current step and write everything."""
        self._finalise(next_step=self.step + 1 if self._pending else self.step)
        self.flush()
