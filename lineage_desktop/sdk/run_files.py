"""``run.save``/``ld.save``: files recorded as part of a run (W&B's ``Run.save``).

The names follow W&B: the glob is read from the working folder, and a file's name in
the run is its path relative to ``base_path`` (``save("these/are/*", base_path="these")``
names ``are/...``); without ``base_path``, an absolute glob is named relative to its
folder (W&B warns and does the same) and a relative one to the working folder. A glob
reaching outside ``base_path`` is refused, a cloud URL is not a local file (W&B logs a
message and saves nothing: here a warning). Content goes to the blob folder before the
record commits.
"""
from __future__ import annotations

import glob
import os
import warnings
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from lineage_desktop.records import ValidationError
from lineage_desktop.sdk.validation import validate_entry_name
from lineage_desktop.store import file_digest

if TYPE_CHECKING:
    from lineage_desktop.store import Store

POLICIES = ("live", "end", "now")


def save_files(store: Store, run_id: str, glob_str: str | os.PathLike[str],
               base_path: str | os.PathLike[str] | None, policy: str,
               saved_at: str) -> list[str]:
    """Record every file ``glob_str`` matches with the run; returns their names in the
    run (as ``run.save`` returns the saved paths)."""
    if policy not in POLICIES:
        raise ValidationError(f"invalid save policy {policy!r}: one of {', '.join(POLICIES)}")
    text = os.fspath(glob_str)
    if not isinstance(text, str) or not text:
        raise ValidationError(f"invalid file to save {glob_str!r}: expected a path or glob")
    if "://" in text:
        warnings.warn(f"{text} is a cloud storage URL: only local files can be saved with "
                      "a run (log it with Artifact.add_reference)", UserWarning, stacklevel=3)
        return []
    if base_path is None:
        base = Path(text).parent if os.path.isabs(text) else Path.cwd()
    else:
        base = Path(base_path)
    base = base.resolve()
    pattern = text  # relative to the working folder, as in W&B; base_path only names
    saved = []
    for match in sorted(glob.glob(pattern, recursive=True)):
        path = Path(match)
        if not path.is_file():
            continue
        try:
            relative = path.resolve().relative_to(base)
        except ValueError:
            raise ValidationError(
                f"cannot save {match!r}: it is outside base_path {str(base)!r}") from None
        name = validate_entry_name(PurePosixPath(*relative.parts).as_posix())
        digest, size = file_digest(path)
        store.blobs.put_file(digest, path)
        store.save_run_file(run_id, name, digest, size, saved_at)
        saved.append(name)
    return saved
