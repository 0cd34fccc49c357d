"""The W&B link side of ``Artifact``: ``link()``, ``is_link``, ``source_artifact`` and
``linked_artifacts``. A link is a version of a (registry) collection pointing at a source
version; see ``store/links.py``."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lineage_desktop.records import ArtifactVersion
from lineage_desktop.sdk import stores
from lineage_desktop.sdk.registry_paths import parse_target
from lineage_desktop.sdk.validation import validate_aliases

if TYPE_CHECKING:
    from typing import Self

    from lineage_desktop.store import Store


def link_version(store: Store, record: ArtifactVersion, target_path: object,
                 aliases: object, entity: str, project: str) -> ArtifactVersion:
    """Link ``record`` to ``target_path`` (``project``/``entity`` fill what it leaves
    out); ``latest`` moves to the link, as to the most recently linked version in W&B."""
    target = parse_target(target_path, project)
    wanted = ["latest", *[a for a in validate_aliases(aliases) if a != "latest"]]
    project_id = store.ensure_project(target.entity or entity, target.project)
    return store.link_version(project_id, target.collection, record.id, wanted).record


class LinkMixin:
    """Registry links, for ``Artifact`` (which provides the attributes declared here)."""

    _store: Store | None
    _record: ArtifactVersion | None

    if TYPE_CHECKING:
        def _logged(self) -> ArtifactVersion: ...

        @classmethod
        def _from_record(cls, store: Store, record: ArtifactVersion) -> Self: ...

    def link(self, target_path: str, aliases: list[str] | None = None) -> Self:
        """W&B's ``Artifact.link``: link this logged version to ``target_path``
        (``wandb-registry-<registry>/<collection>`` or ``[entity/][project/]collection``)
        with ``aliases``; returns the linked artifact. A draft must be logged first."""
        record, store = self._logged(), self._store
        assert store is not None
        # As W&B's ``api.artifact(...).link()``: through the process's writer of the file.
        linked = link_version(stores.writable(store), record, target_path, aliases,
                              record.entity, record.project)
        return self._from_record(store, linked)

    @property
    def is_link(self) -> bool:
        """True for a version of a registry collection pointing at a source version."""
        return self._record is not None and self._record.source_id is not None

    @property
    def source_artifact(self) -> Self:
        """The originally logged version; a source artifact is its own source."""
        record, store = self._logged(), self._store
        assert store is not None
        if record.source_id is None:
            return self
        return self._from_record(store, store.version_by_id(record.source_id))

    @property
    def linked_artifacts(self) -> list[Any]:
        """The links pointing at this source version (empty for a link, as in W&B)."""
        record, store = self._logged(), self._store
        assert store is not None
        if record.source_id is not None:
            return []
        return [self._from_record(store, link)
                for link in store.links_of([record.id]).get(record.id, [])]
