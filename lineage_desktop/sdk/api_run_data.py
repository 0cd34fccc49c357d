"""What the read API gives of a run's history, summary and saved files (W&B's public
``Run.history``, ``scan_history``, ``summary`` and ``files``).

Non-finite numbers are stored as the strings ``"NaN"``, ``"Infinity"`` and
``"-Infinity"`` (every cell is strict JSON); history and summary values read back as
floats, as they were logged.
"""
from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lineage_desktop.records import LocalFileNotFound, ManifestEntry, ValidationError
from lineage_desktop.records.validation import UnsafeContent, UnsafeEntry
from lineage_desktop.sdk.integrity import open_entry
from lineage_desktop.store import Store
from lineage_desktop.store.blobs import write_below

_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def as_logged(value: Any) -> Any:
    """A stored history or summary value as it was logged (non-finite numbers back)."""
    if isinstance(value, str):
        return _NON_FINITE.get(value, value)
    if isinstance(value, dict):
        return {k: as_logged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_logged(v) for v in value]
    return value


def _check_keys(keys: object) -> list[str] | None:
    if keys is None:
        return None
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise ValidationError(f"keys must be a list of strings, not {keys!r}")
    return keys


def scan_history(store: Store, run_id: str, keys: object = None, min_step: int = 0,
                 max_step: int | None = None) -> Iterator[dict[str, Any]]:
    """Every history row in step order (``min_step`` inclusive, ``max_step``
    exclusive); with ``keys``, only rows holding all of them."""
    wanted = _check_keys(keys)
    for row in store.history_rows(run_id, min_step, max_step, wanted):
        yield as_logged(row)


def sampled_history(store: Store, run_id: str, samples: int, keys: object,
                    pandas: bool) -> Any:
    """At most ``samples`` rows, evenly spaced over the history, first and last kept;
    a pandas ``DataFrame`` when ``pandas`` and pandas is installed (W&B's default)."""
    rows = list(scan_history(store, run_id, keys))
    if samples > 0 and len(rows) > samples:
        last = len(rows) - 1
        picked = sorted({round(i * last / max(samples - 1, 1)) for i in range(samples)})
        rows = [rows[i] for i in picked]
    if pandas:
        try:
            import pandas as pd  # type: ignore[import-untyped]
        except ImportError:
            return rows
        return pd.DataFrame.from_records(rows)
    return rows


class RunFile:
    """A file saved with a run (``run.save``): ``name``, ``size``, ``digest``,
    ``download()``."""

    def __init__(self, store: Store, run_id: str, name: str, digest: str, size: int,
                 saved_at: str) -> None:
        self._store, self._run_id = store, run_id
        self.name, self.digest, self.size, self.updated_at = name, digest, size, saved_at

    def __repr__(self) -> str:
        return f"<RunFile {self.name} ({self.size} bytes)>"

    def download(self, root: str | os.PathLike[str] = ".", replace: bool = False,
                 exist_ok: bool = False) -> Path:
        """Write the file below ``root`` (W&B: refused if it exists, unless ``replace``;
        ``exist_ok`` keeps the existing file). Returns its path."""
        label = f"run {self._run_id}"
        target_root = Path(root)
        target = target_root.joinpath(*self.name.split("/"))
        if target.exists() and not replace:
            if exist_ok:
                return target
            raise ValidationError(f"{target} exists; pass replace=True to overwrite it")
        entry = ManifestEntry(self.name, self.digest, self.size)
        try:
            handle = open_entry(self._store, label, entry)
        except FileNotFoundError:
            raise LocalFileNotFound(
                f"{label}: the content of {self.name!r} is missing from the blob folder"
            ) from None
        assert handle is not None  # a saved file is never a reference
        target_root.mkdir(parents=True, exist_ok=True)
        with handle:
            try:
                write_below(target_root, self.name.split("/"), handle, self.digest)
            except UnsafeContent as exc:
                raise UnsafeEntry(label, self.name, f"the download folder: {exc}") from None
        return target


def run_files(store: Store, run_id: str, names: list[str] | None = None) -> list[RunFile]:
    wanted = set(names or ())
    return [RunFile(store, run_id, saved.path, saved.digest, saved.size, saved.saved_at)
            for saved in store.run_saved_files(run_id) if not wanted or saved.path in wanted]
