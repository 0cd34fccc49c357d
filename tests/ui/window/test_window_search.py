"""The sidebar's filters search the store: versions by number, aliases, descriptions and
run names show up expanded under their artifacts without expanding anything first; the
Runs tab filters by name, id, job type and state; clearing restores the tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

import lineage_desktop as ld
from lineage_desktop.ui.sidebar.artifact_model import KeyRole, KindRole, SecondaryRole


def _visible(tree, parent=None) -> list:
    """(depth, text, secondary) of every row the tree shows, expanded ones' children
    included, in order."""
    model = tree.model()
    parent = parent or QModelIndex()
    rows = []

    def walk(index, depth):
        for r in range(model.rowCount(index)):
            child = model.index(r, 0, index)
            rows.append((depth, child.data(), child.data(SecondaryRole) or ""))
            if tree.isExpanded(child):
                walk(child, depth + 1)

    walk(parent, 0)
    return rows


def _opened(window, store, qtbot):
    assert window.open_store(store)
    model = window.sidebar.tree_model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
    return window.sidebar


def _type_filter(sidebar, qtbot, text):
    sidebar.filter_field.setFocus()
    sidebar.filter_field.clear()
    qtbot.keyClicks(sidebar.filter_field, text)
    qtbot.waitUntil(
        lambda: sidebar.is_searching() and sidebar.search_model.result is not None
        and sidebar.search_model.result.text == text,
        timeout=10_000,
    )


def test_an_alias_shows_its_version_under_its_artifact_unexpanded_before(
        window, demo_store, qtbot):
    sidebar = _opened(window, demo_store, qtbot)
    assert sidebar.tree_model.rowCount(sidebar.tree_model.index_of_collection("churn-model")) == 0
    _type_filter(sidebar, qtbot, "production")
    assert _visible(sidebar.tree) == [
        (0, "model", "1 artifact"),
        (1, "churn-model", "1 of 21 versions"),
        (2, "v13", "production"),
    ]
    # Choosing the row shows its lineage, as in the full tree.
    index = sidebar.search_model.index_of_key("artifact:churn-model:v13")
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000) as ready:
        rect = sidebar.tree.visualRect(index)
        qtbot.mouseClick(sidebar.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ready.args == ["artifact:churn-model:v13"]


def test_a_version_number_lists_that_version_of_every_artifact(window, demo_store, qtbot):
    sidebar = _opened(window, demo_store, qtbot)
    _type_filter(sidebar, qtbot, "v3")
    with ld.Api(demo_store) as api:
        expected = sorted(c.name for c in api.artifact_collections() if c.version_count > 3)
    shown = _visible(sidebar.tree)
    artifacts = sorted(text for depth, text, _ in shown if depth == 1)
    assert artifacts == expected
    assert {text for depth, text, _ in shown if depth == 2} == {"v3"}
    # Narrowing to one artifact.
    _type_filter(sidebar, qtbot, "churn-model:v3")
    assert [t for _, t, _ in _visible(sidebar.tree)] == ["model", "churn-model", "v3"]


def test_a_run_name_lists_what_that_run_logged(window, demo_store, qtbot):
    with ld.Api(demo_store) as api:
        run = next(r for r in api.runs() if r.record.job_type == "train"
                   and r.logged_artifacts())
        logged = sorted(a.name for a in run.logged_artifacts())
    sidebar = _opened(window, demo_store, qtbot)
    _type_filter(sidebar, qtbot, run.record.name)
    model = sidebar.tree.model()
    keys = []

    def walk(index):
        for r in range(model.rowCount(index)):
            child = model.index(r, 0, index)
            if child.data(KindRole) == "version":
                assert sidebar.tree.isExpanded(index)
                keys.append(child.data(KeyRole).removeprefix("artifact:"))
            walk(child)

    walk(QModelIndex())
    assert sorted(keys) == logged


def test_a_name_or_description_lists_collections_and_clearing_restores_the_tree(
        window, demo_store, qtbot):
    sidebar = _opened(window, demo_store, qtbot)
    tree = sidebar.tree
    sidebar.expand_collection("train-split")
    qtbot.waitUntil(
        lambda: any(t == "v4" for _, t, _ in _visible(tree)), timeout=10_000)
    before = _visible(tree)
    _type_filter(sidebar, qtbot, "split")
    assert [(d, t) for d, t, _ in _visible(tree)] == [
        (0, "dataset"), (1, "test-split"), (1, "train-split"), (1, "val-split")]
    # A collection found by its name still opens all its versions.
    index = sidebar.search_model.index_of_collection("val-split")
    tree.expand(index)
    qtbot.waitUntil(lambda: sidebar.search_model.rowCount(index) == 5
                    and sidebar.search_model.index(0, 0, index).data(KindRole) == "version",
                    timeout=10_000)
    _type_filter(sidebar, qtbot, "crm export")
    assert [t for d, t, _ in _visible(tree) if d < 2] == ["raw_data", "raw-customers"]
    # Hostile text in a description is searched and shown as plain text.
    _type_filter(sidebar, qtbot, "<b>free")
    assert [t for d, t, _ in _visible(tree) if d < 2] == ["raw_data", "raw-support-tickets"]
    sidebar.filter_field.clear()
    qtbot.waitUntil(lambda: not sidebar.is_searching(), timeout=5_000)
    assert _visible(tree) == before


def test_nothing_found_shows_an_empty_tree(window, demo_store, qtbot):
    sidebar = _opened(window, demo_store, qtbot)
    _type_filter(sidebar, qtbot, "no-such-thing-anywhere")
    assert _visible(sidebar.tree) == []


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_many_versions_still_answer(window, tmp_path: Path, qtbot):
    from lineage_desktop.store import Store

    path = tmp_path / "many.db"
    # Named: a random run name can be "golden-…", and versions are found by their run's name.
    with ld.init(project="p", entity="e", name="writer", store=path) as run:
        first = ld.Artifact("weights", "model")
        with first.new_file("w.txt") as handle:
            handle.write("0")
        run.log_artifact(first)
    with Store.open(path) as store, store.transaction() as conn:
        # 20,000 more versions in one statement (the SDK would take minutes).
        conn.execute(
            "INSERT INTO versions (artifact_id, idx, digest, created_at, run_id) "
            "WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < 20000) "
            "SELECT v.artifact_id, k, printf('%064d', k), v.created_at, v.run_id "
            "FROM c, versions v WHERE v.idx = 0")
        conn.execute("INSERT INTO aliases (artifact_id, alias, version_id) "
                     "SELECT artifact_id, 'golden', id FROM versions WHERE idx = 15151")
    sidebar = _opened(window, path, qtbot)
    _type_filter(sidebar, qtbot, "v15151")
    assert [t for _, t, _ in _visible(sidebar.tree)] == ["model", "weights", "v15151"]
    _type_filter(sidebar, qtbot, "golden")
    assert _visible(sidebar.tree)[-1] == (2, "v15151", "golden")


@pytest.mark.parametrize("field", ["name", "id", "job_type", "state"])
def test_the_run_filter_matches_name_id_job_type_and_state(window, demo_store, qtbot, field):
    with ld.Api(demo_store) as api:
        runs = [r.record for r in api.runs()]
    sample = next(r for r in runs if r.state == "failed")
    text = {"name": sample.name, "id": sample.id, "job_type": sample.job_type,
            "state": "failed"}[field]
    expected = {r.id for r in runs if any(
        text.lower() in (value or "").lower() for value in (r.name, r.id, r.job_type, r.state))}
    sidebar = _opened(window, demo_store, qtbot)
    sidebar.tabs.setCurrentWidget(sidebar.runs_page)
    model = sidebar.run_model
    qtbot.waitUntil(lambda: model.rowCount() == len(runs), timeout=10_000)
    qtbot.keyClicks(sidebar.run_filter, text)

    def shown():
        return {model.row_at(i).id for i in range(model.rowCount())}

    qtbot.waitUntil(lambda: shown() == expected, timeout=10_000)
    assert sample.id in shown()
    sidebar.run_filter.clear()
    qtbot.waitUntil(lambda: model.rowCount() == len(runs), timeout=10_000)
