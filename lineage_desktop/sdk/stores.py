"""Where the store is and one open writer per store file per process."""
from __future__ import annotations

import atexit
import os
from pathlib import Path

from lineage_desktop.store import Store
from lineage_desktop.store.pg import PgLocation, is_url

ENV_STORE = "LINEAGE_DESKTOP_STORE"
DEFAULT_STORE = "lineage.db"

_writers: dict[tuple[int, str], Store] = {}


def store_path(store: str | os.PathLike[str] | PgLocation | None) -> Path | PgLocation:
    """Argument, else ``$LINEAGE_DESKTOP_STORE``, else ``./lineage.db``: a SQLite file,
    or a team store's ``postgresql://`` URL."""
    chosen = store if store is not None else os.environ.get(ENV_STORE) or DEFAULT_STORE
    if isinstance(chosen, PgLocation):
        return chosen
    if is_url(chosen):
        return PgLocation(str(chosen))
    return Path(chosen).expanduser().absolute()


def writer(store: str | os.PathLike[str] | PgLocation | Store | None) -> Store:
    """The process's writer for a store path (connections are not shared across fork)."""
    if isinstance(store, Store):
        return store
    path = store_path(store)
    key = (os.getpid(), str(path))
    found = _writers.get(key)
    if found is None or found.closed:
        found = _writers[key] = Store.open(path)
    return found


def writable(store: Store) -> Store:
    """The process's writer for ``store``'s file: an ``Api`` reads through a read-only
    connection, yet W&B's ``api.artifact(...).save()``, ``.delete()`` and ``.link()``
    write."""
    return writer(store.path) if store.readonly else store


def reader(store: str | os.PathLike[str] | PgLocation | Store | None) -> tuple[Store, bool]:
    """A store to read from and whether the caller owns it (and so must close it): a
    ``Store`` passed in (a run's writer, say) stays open for its owner."""
    if isinstance(store, Store):
        return store, False
    return Store.open(store_path(store), readonly=True), True


@atexit.register
def _close_all() -> None:
    for key, store in list(_writers.items()):
        if key[0] == os.getpid():
            store.close()
    _writers.clear()
