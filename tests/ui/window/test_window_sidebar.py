"""The project sidebar: the lazy artifact tree, its filter, the run list; selecting shows
lineage."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from window_helpers import collection_row, keys_in_scene, tree_rows

import lineage_desktop as ld
from lineage_desktop.ui.sidebar.artifact_model import KeyRole, KindRole, SecondaryRole


def _collection_index(window, name):
    index = collection_row(window, name)
    assert index is not None, f"{name} not in the tree"
    return index


def test_tree_lists_types_then_artifacts_with_counts(window, demo_store, qtbot):
    expected = {}
    with ld.Api(demo_store) as api:
        for collection in api.artifact_collections():
            expected.setdefault(collection.type, {})[collection.name] = collection.version_count
    window.open_store(demo_store)
    model = window.sidebar.proxy
    qtbot.waitUntil(lambda: model.rowCount() == len(expected), timeout=10_000)
    assert tree_rows(model) == sorted(expected)
    for row, type_name in enumerate(sorted(expected)):
        type_index = model.index(row, 0)
        assert type_index.data(KindRole) == "type"
        assert tree_rows(model, type_index) == sorted(expected[type_name])
        for c, name in enumerate(sorted(expected[type_name])):
            count = expected[type_name][name]
            assert model.index(c, 0, type_index).data(SecondaryRole) == (
                f"{count} version" + ("" if count == 1 else "s")
            )


def test_versions_load_only_when_expanded_newest_first_with_aliases(window, demo_store, qtbot):
    with ld.Api(demo_store) as api:
        versions = api.artifact_versions("churn-model")
    window.open_store(demo_store)
    model = window.sidebar.proxy
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
    index = _collection_index(window, "churn-model")
    assert model.rowCount(index) == 0  # nothing read before the user opens it
    assert model.canFetchMore(index)
    window.sidebar.tree.expand(index)
    qtbot.waitUntil(
        lambda: (
            model.rowCount(index) == len(versions)
            and model.index(0, 0, index).data(KindRole) == "version"
        ),
        timeout=10_000,
    )
    rows = [model.index(r, 0, index) for r in range(model.rowCount(index))]
    assert [r.data() for r in rows] == [
        f"v{v.record.index}" for v in sorted(versions, key=lambda v: -v.record.index)
    ]
    by_key = {f"artifact:churn-model:{v.version}": v for v in versions}
    for row in rows:
        version = by_key[row.data(KeyRole)]
        assert row.data(SecondaryRole) == " · ".join(version.aliases)
    assert any("production" in r.data(SecondaryRole) for r in rows)


def test_selecting_a_version_shows_its_lineage(window, demo_store, qtbot):
    window.open_store(demo_store)
    model = window.sidebar.proxy
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
    index = _collection_index(window, "train-split")
    window.sidebar.tree.expand(index)
    qtbot.waitUntil(
        lambda: model.rowCount(index) > 1 and model.index(1, 0, index).data(KindRole) == "version",
        timeout=10_000,
    )
    version = model.index(1, 0, index)
    key = version.data(KeyRole)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000) as ready:
        rect = window.sidebar.tree.visualRect(version)
        qtbot.mouseClick(
            window.sidebar.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    assert ready.args == [key]
    with ld.Api(demo_store) as api:
        expected = set(api.lineage(key).nodes)
    shown = keys_in_scene(window)
    clustered = {k for k in shown if k.startswith("cluster:")}
    members = {m for c in clustered for m in window.controller.node_attrs(c)["members"]}
    assert (shown - clustered) | members == expected
    assert window.focus_page.title.text() == key.removeprefix("artifact:")


def test_filter_keeps_matching_artifacts_and_their_types(window, demo_store, qtbot):
    window.open_store(demo_store)
    model = window.sidebar.proxy
    qtbot.waitUntil(lambda: model.rowCount() > 3, timeout=10_000)
    qtbot.keyClicks(window.sidebar.filter_field, "split")
    tree = window.sidebar.tree
    qtbot.waitUntil(lambda: tree.model().rowCount() == 1, timeout=5_000)
    shown = tree.model()  # the store's answer
    assert tree_rows(shown) == ["dataset"]
    assert tree_rows(shown, shown.index(0, 0)) == ["test-split", "train-split", "val-split"]
    window.sidebar.filter_field.clear()
    qtbot.waitUntil(lambda: tree.model() is model and model.rowCount() > 3, timeout=5_000)


def test_run_list_is_sorted_by_start_time_and_by_state(window, demo_store, qtbot):
    with ld.Api(demo_store) as api:
        runs = api.runs()
    window.open_store(demo_store)
    sidebar = window.sidebar
    sidebar.tabs.setCurrentWidget(sidebar.runs_page)  # the run list loads when first shown
    model = sidebar.run_model
    qtbot.waitUntil(lambda: model.rowCount() == len(runs), timeout=10_000)
    newest_first = sorted(runs, key=lambda r: r.started_at, reverse=True)
    assert [model.row_at(i).id for i in range(model.rowCount())] == [r.id for r in newest_first]
    assert model.index(0, 1).data(Qt.ItemDataRole.DecorationRole) is not None  # state icon
    sidebar.runs.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # the State column

    def states():
        return [model.row_at(i).state for i in range(model.rowCount())]

    qtbot.waitUntil(
        lambda: model.rowCount() == len(runs) and states() == sorted(states()), timeout=10_000
    )
    assert states()[0] == "failed" and states()[-1] == "finished"
    sidebar.runs.horizontalHeader().setSortIndicator(4, Qt.SortOrder.AscendingOrder)  # Duration
    assert sidebar.runs.horizontalHeader().sortIndicatorSection() == 1  # not sortable: kept
    sidebar.runs.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # Job type, Z to A
    types = sorted((r.job_type for r in runs), reverse=True)
    qtbot.waitUntil(
        lambda: [model.row_at(i).job_type for i in range(model.rowCount())] == types, timeout=10_000
    )


def test_selecting_a_run_shows_the_runs_lineage(window, demo_store, qtbot):
    window.open_store(demo_store)
    sidebar = window.sidebar
    sidebar.tabs.setCurrentWidget(sidebar.runs_page)
    model = sidebar.run_model
    qtbot.waitUntil(lambda: model.rowCount() > 5, timeout=10_000)
    run = model.row_at(3)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000) as ready:
        rect = sidebar.runs.visualRect(model.index(3, 0))
        qtbot.mouseClick(sidebar.runs.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ready.args == [f"run:{run.id}"]
    assert f"run:{run.id}" in keys_in_scene(window)
    assert window.focus_page.title.text() == run.name


def test_run_list_pages_through_many_runs(window, tmp_path, qtbot):
    from lineage_desktop.ui.sidebar import run_model

    store = tmp_path / "many.db"
    for i in range(run_model.PAGE + 40):
        with ld.init(project="p", store=store, job_type="train" if i % 2 else "eval"):
            pass
    window.open_store(store)
    window.sidebar.tabs.setCurrentWidget(window.sidebar.runs_page)
    model = window.sidebar.run_model
    qtbot.waitUntil(lambda: model.rowCount() == run_model.PAGE, timeout=10_000)
    assert model.canFetchMore(QModelIndex())
    window.sidebar.runs.scrollToBottom()  # the view asks for the next page
    qtbot.waitUntil(lambda: model.rowCount() == run_model.PAGE + 40, timeout=10_000)
    assert len({model.row_at(i).id for i in range(model.rowCount())}) == run_model.PAGE + 40


def test_a_big_collection_is_handed_to_the_view_in_chunks(window, tmp_path, qtbot):
    from lineage_desktop.sdk.run import Run
    from lineage_desktop.store import Store
    from lineage_desktop.ui.sidebar import artifact_model

    path = tmp_path / "big.db"
    total = artifact_model.CHUNK * 2 + 17
    store = Store.open(path)
    with store.transaction():  # one bulk commit, as the demo generator does
        with Run(store, "p", entity="e", job_type="gen") as run:
            for i in range(total):
                artifact = ld.Artifact("many", "dataset")
                artifact.add_reference(f"s3://bucket/{i}", name="data", checksum=False)
                run.log_artifact(artifact)
    store.close()
    window.open_store(path)
    model = window.sidebar.proxy
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    index = _collection_index(window, "many")
    window.sidebar.tree.expand(index)
    qtbot.waitUntil(lambda: model.rowCount(index) >= artifact_model.CHUNK, timeout=10_000)
    assert model.rowCount(index) < total  # the view gets rows a chunk at a time
    assert model.rowCount(index) % artifact_model.CHUNK == 0
    assert model.index(0, 0, index).data() == f"v{total - 1}"
    assert model.canFetchMore(index)
    while model.canFetchMore(index):
        model.fetchMore(index)
    assert model.rowCount(index) == total
    assert model.index(total - 1, 0, index).data() == "v0"
