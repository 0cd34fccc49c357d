"""Where a PostgreSQL store is: its URL, and the URL as it may be shown.

A store is named by a libpq URL (``postgresql://user@host:5432/db``). A password in it
is kept only in memory to connect: ``str()`` of a location, every message and every
setting show the URL without it (``~/.pgpass``, ``PGPASSWORD`` and service files are
libpq's, and work as usual).
"""
from __future__ import annotations

import os
from urllib.parse import SplitResult, urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")


def is_url(target: object) -> bool:
    """True if ``target`` names a PostgreSQL store rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(SCHEMES)


class PgLocation:
    """A PostgreSQL store's URL (``conninfo``, for connecting) and its shown form."""

    def __init__(self, url: str) -> None:
        if not is_url(url):
            raise ValueError(f"not a PostgreSQL URL: {url!r}")
        self.conninfo = url
        self.display = _without_password(urlsplit(url))

    @property
    def name(self) -> str:
        """The database's name (for titles)."""
        path = urlsplit(self.conninfo).path.lstrip("/")
        return path or os.environ.get("PGDATABASE", "") or "postgres"

    def __str__(self) -> str:
        return self.display

    def __repr__(self) -> str:
        return f"PgLocation({self.display!r})"

    def __fspath__(self) -> str:
        raise TypeError(f"{self.display} is a PostgreSQL store, not a file")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PgLocation) and other.display == self.display

    def __hash__(self) -> int:
        return hash(self.display)


def _without_password(parts: SplitResult) -> str:
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = user.partition(":")[0] + "@" + host
    query = "&".join(
        item for item in parts.query.split("&") if item and not item.startswith("password="))
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
