"""``SearchTreeModel``: the artifact tree as the store's search answered the filter.

The same rows as ``ArtifactTreeModel`` (type -> artifact -> versions, same roles), built
from a ``SearchResult``: a collection holding matching versions lists just those
(``2 of 151 versions``), already loaded so the view can show them expanded; a collection
that matched by name, type or description lists all its versions when expanded, read
lazily as in the full tree.
"""

from __future__ import annotations

from typing import Any

from lineage_desktop.records import ArtifactCollection
from lineage_desktop.records.text import plural
from lineage_desktop.store.search import SearchResult
from lineage_desktop.ui.session.queries import VersionList
from lineage_desktop.ui.sidebar.artifact_model import ArtifactTreeModel, _Node, _State


class SearchTreeModel(ArtifactTreeModel):
    """Rows of a search answer. ``expand_keys()`` names the rows to show expanded."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._result: SearchResult | None = None
        self._partial: set[str] = set()  # idents of collections showing only their hits

    @property
    def result(self) -> SearchResult | None:
        """The answer shown (None: nothing searched since ``clear``)."""
        return self._result

    def clear(self) -> None:
        self._result = None
        self._partial = set()
        super().clear()

    def set_result(self, result: SearchResult) -> None:
        """Show this answer instead of what was shown."""
        self.clear()
        self._result = result
        hits: dict[str, list[Any]] = {}
        for hit in result.versions:
            v = hit.version
            hits.setdefault(f"{v.entity}/{v.project}/{v.name}", []).append(v)
        collections: dict[str, ArtifactCollection] = {}
        for collection in (*result.holders, *result.collections):
            collections.setdefault(_ident(collection), collection)
        self.set_collections(list(collections.values()))
        for ident, versions in hits.items():
            node = self._find_collection(ident)
            if node is None:
                continue
            versions.sort(key=lambda v: -v.index)  # newest first, as the full tree
            rows = VersionList(
                versions[0].name,
                [v.index for v in versions],
                [v.created_at for v in versions],
                {v.index: tuple(v.aliases) for v in versions if v.aliases},
            )
            node.state = _State.LOADED
            self._partial.add(ident)
            self.set_versions(versions[0].name, versions[0].project, versions[0].entity, rows)

    def expanded_idents(self) -> list[str]:
        """Collections (``entity/project/name``) to show expanded: those with hits."""
        return sorted(self._partial)

    def _secondary(self, node: _Node) -> str:
        if node.kind == "collection" and node.collection is not None and (
            node.ident in self._partial and node.rows is not None
        ):
            return f"{len(node.rows):,} of {plural(node.collection.version_count, 'version')}"
        return super()._secondary(node)


def _ident(collection: ArtifactCollection) -> str:
    return f"{collection.entity}/{collection.project}/{collection.name}"
