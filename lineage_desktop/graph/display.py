"""Names people can read on cards: an imported dataset's own name (its namespace goes to
the muted line), and shown texts that stay different for different nodes.

Importers name an OpenLineage dataset ``namespace_name`` (``interop/naming.py``), so four
tables of one database all start ``postgres_pos…``; the version's metadata keeps the
original ``namespace`` and ``name`` (``metadata["openlineage"]``), which is what a person
calls the table.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

ELLIPSIS = "…"
_CONTEXT = 3  # characters kept before the place where two colliding names differ


def imported_dataset(metadata: Any) -> tuple[str, str] | None:
    """``(name, namespace)`` of a version imported from OpenLineage, else None."""
    origin = metadata.get("openlineage") if isinstance(metadata, Mapping) else None
    if not isinstance(origin, Mapping):
        return None
    name, namespace = origin.get("name"), origin.get("namespace")
    if not isinstance(name, str) or not name.strip() or not isinstance(namespace, str):
        return None
    return name, namespace


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def distinct_texts(full: Mapping[Hashable, str], shown: Mapping[Hashable, str],
                   elide_right: Callable[[str], str]) -> dict[Hashable, str]:
    """``shown`` (each ``full`` text elided to fit), changed where different full texts
    would read the same: those keep the part where they differ, ``…`` + the rest elided
    on the right by ``elide_right``. Equal full texts stay equal."""
    groups: dict[str, list[Hashable]] = defaultdict(list)
    for key, text in shown.items():
        groups[text].append(key)
    out = dict(shown)
    for keys in groups.values():
        if len({full[k] for k in keys}) < 2:
            continue
        for key in keys:
            mine = full[key]
            cut = max(_common_prefix(mine, full[o]) for o in keys if full[o] != mine)
            cut = max(0, cut - _CONTEXT)
            out[key] = elide_right(ELLIPSIS + mine[cut:] if cut else mine)
    return out
