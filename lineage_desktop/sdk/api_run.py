"""Read-side run objects returned by ``Api`` and ``Artifact.logged_by``/``used_by``.

Artifacts know their runs and runs their artifacts; to keep the imports one way
(``artifact`` -> ``api_run``), a run is given the function that wraps a version record
as an ``Artifact`` by whoever makes it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from lineage_desktop.records import ArtifactVersion
from lineage_desktop.records import Run as RunRecord
from lineage_desktop.store import Store

# (store, version record) -> Artifact
ArtifactMaker = Callable[[Store, ArtifactVersion], Any]


class ApiRun:
    """A recorded run: its fields as attributes, and the artifacts it used and logged."""

    def __init__(self, store: Store, record: RunRecord, as_of: str | None = None, *,
                 artifact: ArtifactMaker) -> None:
        self._store = store
        self.record = record
        self._as_of = as_of
        self._artifact = artifact

    def __getattr__(self, name: str) -> Any:
        # Fields of the record (id, name, job_type, state, config, ...) read through.
        return getattr(self.record, name)

    def __repr__(self) -> str:
        return f"<Run {self.record.id} {self.record.name!r} {self.record.state}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiRun) and other.record.id == self.record.id

    def __hash__(self) -> int:
        return hash(self.record.id)

    def parent(self) -> ApiRun | None:
        """The run this one was started by (OpenLineage ``parent`` facet, MLflow nested
        run) when that run is in the store (as of the Api's time), else None."""
        from lineage_desktop.graph.parents import parent_of  # graph loads networkx

        named = parent_of(self.record.config)
        found = self._store.runs_by_ids([named.id]) if named is not None else []
        if not found or (self._as_of is not None and found[0].started_at > self._as_of):
            return None
        return ApiRun(self._store, found[0], self._as_of, artifact=self._artifact)

    def logged_artifacts(self) -> list[Any]:
        """Every version the run logged (``Artifact``s), also content equal to an existing
        version (the run then reused it; its ``logged_by()`` stays the run that logged it
        first)."""
        return [self._artifact(self._store, v)
                for v in self._store.versions_logged_by(self.record.id, self._as_of)]

    def used_artifacts(self) -> list[Any]:
        """The versions the run used (``Artifact``s)."""
        return [self._artifact(self._store, v)
                for v in self._store.versions_used_by(self.record.id, self._as_of)]

    # ---------------------------------------------------------- history and files
    @property
    def summary(self) -> dict[str, Any]:
        """The run's summary (each logged key's last value, unless set)."""
        from lineage_desktop.sdk.api_run_data import as_logged

        return as_logged(self._store.run_summary(self.record.id))  # type: ignore[no-any-return]

    @property
    def summary_metrics(self) -> dict[str, Any]:
        return self.summary

    @property
    def lastHistoryStep(self) -> int:  # noqa: N802  (W&B's name)
        step = self._store.last_history_step(self.record.id)
        return -1 if step is None else step

    def scan_history(self, keys: list[str] | None = None, page_size: int = 1_000,
                     min_step: int = 0, max_step: int | None = None) -> Iterator[dict[str, Any]]:
        """Every history row in step order, read a page at a time; with ``keys``, only
        rows holding all of them (W&B's rule)."""
        from lineage_desktop.sdk.api_run_data import scan_history

        return scan_history(self._store, self.record.id, keys, min_step, max_step)

    def history(self, samples: int = 500, keys: list[str] | None = None,
                x_axis: str = "_step", pandas: bool = True, stream: str = "default") -> Any:
        """At most ``samples`` history rows, evenly spaced; a pandas ``DataFrame`` when
        ``pandas`` and pandas is installed, else a list of dicts. ``stream="system"``
        (machine metrics) is an empty list: nothing samples the machine offline."""
        from lineage_desktop.sdk.api_run_data import sampled_history

        if stream != "default":
            return []
        wanted = None if keys is None else [x_axis, *keys]
        return sampled_history(self._store, self.record.id, samples, wanted, pandas)

    def files(self, names: list[str] | None = None) -> list[Any]:
        """The files saved with the run (``run.save``), each with ``name``, ``size`` and
        ``download()``."""
        from lineage_desktop.sdk.api_run_data import run_files

        return run_files(self._store, self.record.id, names)

    def file(self, name: str) -> Any:
        found = self.files([name])
        if not found:
            from lineage_desktop.records import NotFound

            raise NotFound(f"run {self.record.id} has no saved file {name!r}", asked=name)
        return found[0]
