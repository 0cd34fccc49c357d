"""``StoreRequests``: opening and closing the store, and the reads the sidebar, the
preview and the audit panels ask for (collections, versions, runs, files, impact).

Every read runs on the query worker; its answer comes back to the given callback on the
UI thread, its error as ``problem`` (or ``store_failed`` for the first read of a store).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

from lineage_desktop.layout.types import LayoutResult
from lineage_desktop.records import ArtifactCollection, LineageError, ManifestEntry, StoreError
from lineage_desktop.sdk.stores import store_path
from lineage_desktop.store import Store
from lineage_desktop.store.search import SearchResult
from lineage_desktop.ui.controller.base import ControllerBase
from lineage_desktop.ui.errors import describe_error
from lineage_desktop.ui.session import call_with_api, queries


class StoreRequests(ControllerBase):
    """The store part of ``LineageController`` (see the module docstring)."""

    # --- store ------------------------------------------------------------------------

    def open_store(self, path: str | os.PathLike[str]) -> bool:
        """Open a store read-only. Errors are reported by ``store_failed``, never raised."""
        absolute = store_path(path)  # a file, or a team store's postgresql:// URL
        try:
            store = Store.open(absolute, readonly=True)
        except (LineageError, OSError, ValueError) as exc:
            self.store_failed.emit(str(absolute), describe_error(exc, absolute))
            return False
        self.close_store(emit=False)
        try:
            self._watcher.watch(store, absolute)
        except (StoreError, OSError) as exc:
            store.close()
            self.store_failed.emit(str(absolute), describe_error(exc, absolute))
            return False
        self._store = store
        self.session.open(absolute)
        self._worker.open(absolute, on_error=partial(self._on_first_read_failed, absolute))
        as_of = self.session.as_of_task()
        if as_of is not None:
            self._worker.submit("as-of", as_of, droppable=False)
        self.store_opened.emit(str(absolute))
        self.reload_collections(first=True)
        return True

    def close_store(self, emit: bool = True) -> None:
        """Close the open store (remembering the view state) and clear the graph."""
        self._remember_positions()
        self._watcher.stop()
        self._cancel_lineage()
        self._layout.cancel()
        if self._store is not None:
            with contextlib.suppress(StoreError):
                self._store.close()
        self._store = None
        was_open = self.session.close()
        self.busy_changed.emit(False, "")
        self._emit_history()
        self.scene.set_graph(_empty_graph(), LayoutResult(0, {}, {}, {}, 0.0, 0.0, "dot"))
        if emit and was_open:
            self.store_closed.emit()

    def shutdown(self) -> None:
        """Stop timers, threads and processes (the window is closing)."""
        self.close_store(emit=False)
        self._worker.shutdown()
        self._layout.shutdown()

    def _on_first_read_failed(self, path: Path, exc: BaseException) -> None:
        if self.session.path == path:
            message = describe_error(exc, path)
            self.close_store(emit=False)
            self.store_failed.emit(str(path), message)

    # --- sidebar data -----------------------------------------------------------------

    def reload_collections(self, first: bool = False) -> None:
        """Read the artifact types and the first page of each type's collections again
        (answer: ``collections_loaded``)."""
        path = self.session.path
        on_error = partial(self._on_first_read_failed, path) if first else self._on_query_error
        self._run(
            "collections",
            "Reading artifacts…",
            queries.load_collections,
            self.collections_loaded.emit,
            on_error,
        )

    def load_collection_page(
        self, type_name: str, offset: int, limit: int,
        on_done: Callable[[list[ArtifactCollection]], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Read a page of type ``type_name``'s collections (by name) off the UI thread;
        ``on_error`` follows a failed read (after the problem is reported)."""

        def failed(exc: BaseException) -> None:
            self._on_query_error(exc)
            on_error(exc)

        self._run(f"collections:{type_name}:{offset}", "Reading artifacts…",
                  call_with_api(queries.load_collection_page, type_name, offset, limit),
                  on_done, failed)

    def load_versions(
        self, name: str, project: str, entity: str, on_done: Callable[[queries.VersionList], None]
    ) -> None:
        """Read one collection's versions (newest first) off the UI thread."""
        self._run(
            f"versions:{entity}/{project}/{name}",
            "Reading versions…",
            call_with_api(queries.load_versions, name, project, entity),
            on_done,
            self._on_query_error,
        )

    def load_timeline(
        self, key: str, on_done: Callable[[queries.Timeline], None], before: int | None = None,
    ) -> None:
        """A page of the creation times of the versions of node ``key``'s collection (the
        newest, or those below index ``before``) and the moves of its aliases (as-of)."""
        attrs = self.node_attrs(key)
        name, project, entity = attrs.name, attrs.project, attrs.entity
        if attrs.kind != "artifact" or not (name and project and entity):
            on_done(queries.Timeline([], None))
            return
        self._run("timeline", "", call_with_api(queries.load_timeline, str(name),
                                                str(project), str(entity), before),
                  on_done, self._on_query_error)

    def load_runs(
        self,
        order: str,
        descending: bool,
        offset: int,
        limit: int,
        on_done: Callable[[tuple[list[queries.RunRow], int]], None],
        text: str = "",
    ) -> None:
        """Read a page of runs (those matching ``text``, when given) off the UI thread;
        a newer request drops older answers."""
        self._run(
            "runs",
            "Reading runs…",
            call_with_api(queries.load_runs, order, descending, offset, limit, text),
            on_done,
            self._on_query_error,
        )

    def search(self, text: str, on_done: Callable[[SearchResult], None]) -> None:
        """Search the store's collections and versions for ``text`` off the UI thread
        (the sidebar's filter); a newer search drops the answer of an older one."""
        self._run(
            "search",
            "Searching…",
            call_with_api(queries.search_store, text),
            on_done,
            self._on_query_error,
        )

    def load_files(
        self, key: str, on_done: Callable[[list[ManifestEntry]], None], channel: str = "files"
    ) -> None:
        """Read the files of an artifact version off the UI thread."""
        version_id = self.node_attrs(key).id_in_store
        self._run(
            channel,
            "",
            call_with_api(queries.load_files, key, version_id),
            on_done,
            self._on_query_error,
        )

    def load_impact(self, ref: str, on_done: Callable[[list[Any]], None]) -> None:
        """Everything downstream of ``ref`` as impact rows, read off the UI thread."""
        self._run(
            "impact",
            "Reading the impact…",
            call_with_api(queries.load_impact, ref),
            on_done,
            self._on_query_error,
        )


def _empty_graph() -> nx.DiGraph:
    return nx.DiGraph(focus=None)
