"""``Artifact.delete(delete_aliases=False)`` and ``delete_collection``: W&B's deletions,
kept as tombstones (``store/deletes.py``).

W&B refuses to delete a version that aliases point at unless ``delete_aliases=True``;
``latest`` never blocks (W&B keeps it on the newest remaining version). Unlike W&B,
nothing is erased: files stay in the blob folder and the lineage keeps the version.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from lineage_desktop.records import ArtifactVersion
from lineage_desktop.sdk import stores

if TYPE_CHECKING:
    from lineage_desktop.store import Store


def deletion_author() -> str:
    """Who deletes: the login name, as a run's author and default entity are."""
    from lineage_desktop.sdk.run import default_entity  # run.py imports the artifact

    return default_entity()


def delete_collection(store: Store, project_id: int, name: str,
                      author: str | None = None) -> int:
    """Delete the collection ``name`` of a project and tombstone its versions (W&B's
    ``ArtifactCollection.delete()``); returns how many versions it tombstoned."""
    target = stores.writable(store)
    return target.delete_collection(target.collection_id(project_id, name),
                                    author if author is not None else deletion_author())


class ArtifactDeleteMixin:
    """``delete`` for ``Artifact`` (which provides ``_logged``, ``_store`` and ``_bind``)."""

    if TYPE_CHECKING:
        _store: Store | None

        def _logged(self) -> ArtifactVersion: ...

        def _bind(self, store: Store, record: ArtifactVersion) -> None: ...

    def delete(self, delete_aliases: bool = False) -> None:
        """Delete this logged version (W&B's ``Artifact.delete``). Raises
        ``ArtifactHasAliases`` (a ``ValueError``) while aliases other than ``latest``
        point at it, unless ``delete_aliases``; ``ArtifactNotLogged`` for a draft."""
        record, store = self._logged(), self._store
        assert store is not None  # a logged artifact is bound to its store
        tombstone = stores.writable(store).delete_version(record.id, deletion_author(),
                                                   delete_aliases)
        self._bind(store, tombstone)

    @property
    def deleted_at(self) -> str | None:
        """When the version was deleted (None while it is not)."""
        return self._logged().deleted_at

    @property
    def deleted_by(self) -> str | None:
        """Who deleted the version."""
        return self._logged().deleted_by
