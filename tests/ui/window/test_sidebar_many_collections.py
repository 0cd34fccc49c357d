"""The artifact tree fills a type of thousands of collections in one insertion, in
order, and merges a refresh by identity (no per-collection scan of the rows shown)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from lineage_desktop.records import ArtifactCollection
from lineage_desktop.ui.sidebar.artifact_model import ArtifactTreeModel


def _collections(count: int, versions: int = 1) -> list[ArtifactCollection]:
    return [ArtifactCollection(f"data{i:05d}", "dataset", "p", "e", version_count=versions)
            for i in reversed(range(count))]


def _names(model: ArtifactTreeModel, type_index: QModelIndex) -> list[str]:
    return [model.index(row, 0, type_index).data() for row in range(model.rowCount(type_index))]


def test_thousands_of_collections_arrive_in_one_insertion_and_merge(qtbot):
    model = ArtifactTreeModel()
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    model.set_collections(_collections(3000))
    assert inserted == [(0, 0), (0, 2999)]  # the type row, then every collection at once
    type_index = model.index(0, 0, QModelIndex())
    names = _names(model, type_index)
    assert len(names) == 3000 and names[0].startswith("data00000")
    assert names == sorted(names)

    inserted.clear()
    refreshed = [*_collections(3000, versions=2),
                 ArtifactCollection("data01500b", "dataset", "p", "e")]
    model.set_collections(refreshed)  # counts change, one collection is new
    assert inserted == [(1501, 1501)]
    names = _names(model, type_index)
    assert len(names) == 3001 and names[1501].startswith("data01500b")
