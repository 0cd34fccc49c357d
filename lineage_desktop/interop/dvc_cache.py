"""The file listing of a DVC directory output, from the ``.dir`` object in DVC's cache.

``dvc.lock`` records a directory as one hash ending in ``.dir`` with its ``size`` and
``nfiles``; the listing itself is a JSON object in the cache, ``[{"md5": ..., "relpath":
...}, ...]``, at ``.dvc/cache/files/md5/<2 hex>/<30 hex>.dir`` (DVC 3) or
``.dvc/cache/<2 hex>/<30 hex>.dir`` (DVC 2). Each file's own object beside it gives its
size. A listing that is missing (never fetched, garbage-collected) or malformed is None:
the caller then keeps the lock file's totals.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

_MD5 = re.compile(r"^[0-9a-f]{32}$")
MAX_LISTING = 256 * 1024 * 1024  # bytes of a .dir object worth reading


@dataclass(frozen=True, slots=True)
class CachedFile:
    relpath: str
    md5: str
    size: int  # 0 when the file's object is not in the cache


def find_cache(start: Path) -> Path | None:
    """The ``.dvc/cache`` folder of the DVC project holding ``start``, if it has one."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / ".dvc").is_dir():
            cache = folder / ".dvc" / "cache"
            return cache if cache.is_dir() else None
    return None


def _object(cache: Path, md5: str, suffix: str = "") -> Path | None:
    for base in (cache / "files" / "md5", cache):
        path = base / md5[:2] / (md5[2:] + suffix)
        if path.is_file():
            return path
    return None


def dir_listing(cache: Path | None, dir_hash: str) -> list[CachedFile] | None:
    """The files of the directory whose DVC hash is ``dir_hash`` (``<md5>.dir``)."""
    md5 = dir_hash.removesuffix(".dir")
    if cache is None or not dir_hash.endswith(".dir") or not _MD5.match(md5):
        return None
    path = _object(cache, md5, ".dir")
    try:
        if path is None or path.stat().st_size > MAX_LISTING:
            return None
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(items, list):
        return None
    found = []
    for item in items:
        # Untrusted like any input: a listing we cannot read whole is not used at all.
        if not isinstance(item, dict) or not isinstance(item.get("relpath"), str) or \
                not isinstance(item.get("md5"), str) or not _MD5.match(item["md5"]):
            return None
        blob = _object(cache, item["md5"])
        try:
            size = blob.stat().st_size if blob is not None else 0
        except OSError:
            size = 0
        found.append(CachedFile(item["relpath"], item["md5"], size))
    return found
