"""W&B's read-API objects: ``Runs`` (a lazily paged list), ``ArtifactType`` and
``ArtifactCollection`` (with ``versions()``, ``aliases`` and ``delete()``)."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

from lineage_desktop.records import ArtifactCollection as CollectionRecord
from lineage_desktop.records import ArtifactNotFound

if TYPE_CHECKING:
    from lineage_desktop.sdk.api import Api
    from lineage_desktop.sdk.api_run import ApiRun
    from lineage_desktop.sdk.artifact import Artifact

__all__ = ["ArtifactCollection", "ArtifactType", "Runs"]


class Runs(Sequence["ApiRun"]):
    """The runs ``Api.runs`` found (W&B's ``Runs``: ``len()``, indexing, iteration),
    read ``per_page`` at a time. All pages are read when it is made, not while it is
    iterated: a damaged store fails the call itself, and the runs stay readable after
    the ``Api`` is closed (W&B reads lazily from a server that does not go away)."""

    def __init__(self, fetch: Callable[[int, int], list[ApiRun]], per_page: int) -> None:
        self._fetch, self._per_page = fetch, max(1, int(per_page))
        self._loaded: list[ApiRun] = []
        self._done = False
        while self._more():
            pass

    def _more(self) -> bool:
        if self._done:
            return False
        page = self._fetch(self._per_page, len(self._loaded))
        self._loaded.extend(page)
        self._done = len(page) < self._per_page
        return bool(page)

    def __iter__(self) -> Iterator[ApiRun]:
        index = 0
        while index < len(self._loaded) or self._more():
            yield self._loaded[index]
            index += 1

    def __len__(self) -> int:
        while self._more():
            pass
        return len(self._loaded)

    @overload
    def __getitem__(self, index: int) -> ApiRun: ...

    @overload
    def __getitem__(self, index: slice) -> list[ApiRun]: ...

    def __getitem__(self, index: int | slice) -> ApiRun | list[ApiRun]:
        if isinstance(index, slice) or index < 0:
            len(self)
        else:
            while index >= len(self._loaded) and self._more():
                pass
        return self._loaded[index]

    def __repr__(self) -> str:
        return f"<Runs {len(self)}>"


class ArtifactType(str):
    """An artifact type of a project: the type's name (it compares as that text) with
    W&B's ``name``, ``collections()`` and ``collection(name)``."""

    _api: Api
    _project: str | None

    def __new__(cls, name: str, api: Api, project: str | None) -> ArtifactType:
        made = super().__new__(cls, name)
        made._api, made._project = api, project
        return made

    @property
    def name(self) -> str:
        return str(self)

    @property
    def type(self) -> str:
        return str(self)

    def collections(self) -> list[ArtifactCollection]:
        return self._api.artifact_collections(self._project, str(self))

    def collection(self, name: str) -> ArtifactCollection:
        return self._api.artifact_collection(str(self), name)


class ArtifactCollection:
    """One collection (all versions of one artifact name) as W&B's read API shows it;
    the record's fields (``name``, ``type``, ``project``, ``entity``, ``description``,
    ``version_count``, ``created_at``) read through."""

    def __init__(self, api: Api, record: CollectionRecord) -> None:
        self._api, self.record = api, record

    def __getattr__(self, name: str) -> Any:
        if name in ("name", "type", "project", "entity", "description", "version_count",
                    "created_at"):
            return getattr(self.record, name)
        raise AttributeError(name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ArtifactCollection):
            return self.record == other.record
        return self.record == other

    def __hash__(self) -> int:
        return hash(self.record)

    def __repr__(self) -> str:
        return f"<ArtifactCollection {self.record.entity}/{self.record.project}/" \
               f"{self.record.name} ({self.record.type})>"

    def versions(self) -> list[Artifact]:
        """Every version (not deleted), oldest first."""
        return self._api.artifact_versions(self._ref())

    artifacts = versions

    def _ref(self) -> str:
        return f"{self.record.entity}/{self.record.project}/{self.record.name}"

    @property
    def aliases(self) -> list[str]:
        """Every alias that names a version of the collection."""
        return sorted({alias for version in self.versions() for alias in version.aliases})

    def is_sequence(self) -> bool:
        return True  # W&B: a collection of logged versions, not a registry portfolio

    def delete(self) -> None:
        """Delete the collection (W&B's ``ArtifactCollection.delete()``): every version
        becomes a tombstone, as ``Artifact.delete`` makes one."""
        from lineage_desktop.sdk.artifact_delete import delete_collection

        store = self._api.store
        projects = store.find_projects(self.record.project, self.record.entity)
        if not projects:
            raise ArtifactNotFound(f"no project {self.record.project!r}", asked=self._ref())
        delete_collection(store, projects[0].id, self.record.name)
