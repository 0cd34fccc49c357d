"""Query parameters the store's reads share: the end of time for ``as_of``, the one
JSON parameter that carries a list of ids, and a list of keys as a table."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from lineage_desktop.store.rows import as_text

FAR_FUTURE = "9999-12-31T23:59:59.999999Z"


def dialect_of(conn: object) -> str:
    """``"sqlite"``, or ``"postgresql"`` for a team store's connection (``store.pg``): the
    few statements the two spell differently ask this."""
    return str(getattr(conn, "dialect", "sqlite"))


def ids_param(ids: Iterable[object]) -> str:
    """A list of ids as one JSON parameter, read in SQL with ``json_each(?)``."""
    # One JSON parameter instead of N placeholders: no variable limit, one prepared query.
    # Ids read from a damaged store may be BLOBs: sent as their text, they match nothing.
    return json.dumps(list(ids), default=as_text)


def like_pattern(text: str) -> str:
    """A ``LIKE ... ESCAPE '\\'`` pattern matching ``text`` anywhere, literally (``%``,
    ``_`` and ``\\`` in it are plain characters)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def keys_table(conn: object, keys: Iterable[tuple[Any, ...]],
               types: Sequence[str]) -> tuple[str, tuple[object, ...]]:
    """A ``SELECT`` of the distinct ``keys`` as rows (columns of the SQL ``types``) and its
    parameters, for ``WITH k(...) AS (...)``: one statement looks all of them up."""
    unique = list(dict.fromkeys(keys))
    if dialect_of(conn) == "postgresql":  # arrays, unnested side by side
        columns = ", ".join(f"CAST(? AS {kind}[])" for kind in types)
        return (f"SELECT * FROM unnest({columns}) AS k",
                tuple(list(column) for column in zip(*unique, strict=True)) if unique
                else tuple([] for _ in types))
    columns = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(types)))
    return f"SELECT {columns} FROM json_each(?)", (json.dumps(unique),)
