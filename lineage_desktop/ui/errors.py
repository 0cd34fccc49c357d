"""User-facing messages for what can go wrong while reading a store.

The store layer's named errors already say what is wrong in words; this adds the
advice a window user needs, including for a file damaged after it was opened
(``StoreDamaged``). Never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

from lineage_desktop.records import (
    NotALineageStore,
    NotFound,
    SchemaTooNew,
    StoreBusy,
    StoreDamaged,
    StoreNotFound,
)
from lineage_desktop.store.errors import DamagedRow


def describe_error(exc: BaseException, path: str | os.PathLike[str] | None = None) -> str:
    """One or two plain sentences describing ``exc`` for the window."""
    name = str(path) if path is not None else "the store"
    text = str(exc).strip() or exc.__class__.__name__
    if isinstance(exc, SchemaTooNew):
        return f"{text}. The file was not changed."
    if isinstance(exc, StoreNotFound):
        return f"{text}. Check the path, or create a store with `lineage-desktop demo FILE`."
    if isinstance(exc, NotALineageStore):
        if "damaged" in text or "malformed" in text:
            return (
                f"{text}. The file may be truncated or corrupt; it was not changed. "
                "Restore it from a backup or copy it again."
            )
        return f"{text}. Open a .db file written by lineage_desktop."
    if isinstance(exc, StoreBusy):
        return f"{text}. Another program may be holding the file; try again."
    if isinstance(exc, DamagedRow):
        detail = text.removeprefix("the store is damaged: ")
        return (
            f"Cannot read {name}: it is damaged ({detail}). Another program may have "
            "written odd values into it, or it is corrupt; it was not changed."
        )
    if isinstance(exc, StoreDamaged):
        if Path(name).exists() or path is None:
            return (
                f"Cannot read {name}: it is damaged ({text}). The file may be truncated "
                "or corrupt; it was not changed."
            )
        return f"Cannot read {name}: the file is gone ({text})."
    if isinstance(exc, NotFound):
        return text
    if isinstance(exc, IsADirectoryError):
        return f"{name} is a folder, not a lineage store file."
    if isinstance(exc, PermissionError):
        return f"Cannot read {name}: permission denied."
    if isinstance(exc, OSError):
        detail = exc.strerror or text
        return f"Cannot read {name}: {detail}."
    if isinstance(exc, MemoryError):
        return f"Cannot read {name}: it holds values too big to show (out of memory)."
    if isinstance(exc, RecursionError):
        return f"Cannot show {name}: it holds data nested too deeply ({text})."
    return text
