"""Query parameters the store's reads share: the end of time for ``as_of`` and the one
JSON parameter that carries a list of ids."""
from __future__ import annotations

import json
from collections.abc import Iterable

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
