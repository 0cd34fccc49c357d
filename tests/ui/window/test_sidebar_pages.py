"""A type of hundreds of collections: the sidebar lists the first page of them at once
and reads the rest a page at a time as the user scrolls to the end (issue 12: 5,001
collection rows were built on the UI thread before the tree showed anything). The
filter still finds a collection not read yet, and a refresh keeps every page read."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from benchmarks._stores import build
from lineage_desktop.store import Store
from lineage_desktop.ui.session.queries import COLLECTION_PAGE
from lineage_desktop.ui.sidebar.artifact_model import KindRole, SecondaryRole
from tests.ui.window_helpers import tree_rows

SMALL = 300  # collections data-0 ... data-299 of 100 versions, and model of 30,000


@pytest.fixture(scope="module")
def paged_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pages") / "pages.db"
    build(path, 2 * SMALL * 100)
    return path


def _names() -> list[str]:
    return sorted([f"data-{k}" for k in range(SMALL)] + ["model"])


def _opened(window, store: Path, qtbot):
    window.open_store(store)
    model = window.sidebar.proxy
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.rowCount(model.index(0, 0)) > 0,
                    timeout=20_000)
    return model, model.index(0, 0)


def _scroll_to_end(window, qtbot, model, type_index: QModelIndex) -> None:
    """Scroll the tree to its bottom until the type lists all its collections."""
    bar = window.sidebar.tree.verticalScrollBar()
    for _ in range(10):
        if model.rowCount(type_index) == SMALL + 1:
            return
        shown = model.rowCount(type_index)
        bar.setValue(bar.maximum())
        qtbot.waitUntil(lambda n=shown: model.rowCount(type_index) > n, timeout=10_000)
    assert model.rowCount(type_index) == SMALL + 1


def test_a_big_type_lists_a_page_then_the_rest_as_the_user_scrolls(
        window, paged_store, qtbot):
    window.resize(1200, 800)
    window.show()
    model, type_index = _opened(window, paged_store, qtbot)
    assert type_index.data() == "dataset" and type_index.data(KindRole) == "type"
    assert type_index.data(SecondaryRole) == f"{SMALL + 1} artifacts"  # the whole type
    assert window.sidebar.tree.isExpanded(type_index)
    assert tree_rows(model, type_index) == _names()[:COLLECTION_PAGE]
    assert window.sidebar.tree_model.has_more(model.mapToSource(type_index))
    qtbot.wait(300)  # nothing more is read until the user scrolls
    assert model.rowCount(type_index) == COLLECTION_PAGE
    first = model.index(0, 0, type_index)
    assert first.data(SecondaryRole) == "100 versions"

    _scroll_to_end(window, qtbot, model, type_index)
    assert tree_rows(model, type_index) == _names()  # in order, each once
    last = model.index(SMALL, 0, type_index)
    assert last.data() == "model" and last.data(SecondaryRole) == "30,000 versions"
    assert not window.sidebar.tree_model.has_more(model.mapToSource(type_index))

    # Collapsing and expanding the type shows the same collections, read once.
    window.sidebar.tree.collapse(type_index)
    window.sidebar.tree.expand(type_index)
    assert tree_rows(model, type_index) == _names()


def test_the_filter_finds_a_collection_not_read_yet_and_selecting_it_shows_its_lineage(
        window, paged_store, qtbot):
    model, type_index = _opened(window, paged_store, qtbot)
    wanted = "data-99"
    assert wanted not in tree_rows(model, type_index)  # beyond the first page
    sidebar = window.sidebar
    qtbot.keyClicks(sidebar.filter_field, wanted)
    qtbot.waitUntil(sidebar.is_searching, timeout=10_000)
    found = sidebar.search_model
    qtbot.waitUntil(lambda: found.index_of_collection(wanted).isValid(), timeout=10_000)
    index = found.index_of_collection(wanted)
    assert index.data(SecondaryRole) == "100 versions"
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        sidebar.tree.setCurrentIndex(index)
    assert window.controller.snapshot is not None
    assert "data-99" in window.controller.snapshot.focus


def test_a_refresh_keeps_every_page_read_and_updates_their_counts(
        window, paged_store, qtbot):
    window.resize(1200, 800)
    window.show()
    model, type_index = _opened(window, paged_store, qtbot)
    _scroll_to_end(window, qtbot, model, type_index)
    with Store.open(paged_store, readonly=True) as store:
        # As of when model had 1,000 versions: model is on the last page read.
        moment = store.artifact_versions("model", 1, newest=1, before=1_000)[0].created_at
    with qtbot.waitSignal(window.controller.collections_loaded, timeout=20_000):
        window.audit.as_of.set_as_of(moment)
    last = model.index(model.rowCount(type_index) - 1, 0, type_index)
    qtbot.waitUntil(lambda: last.data(SecondaryRole) == "1,000 versions", timeout=10_000)
    assert last.data() == "model"
    # As of then no data collection existed yet; the rows read stay (none is removed).
    assert model.rowCount(type_index) == SMALL + 1
    assert model.index(0, 0, type_index).data(SecondaryRole) == "0 versions"
    assert type_index.data(Qt.ItemDataRole.DisplayRole) == "dataset"
