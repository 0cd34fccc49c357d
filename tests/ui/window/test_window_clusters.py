"""Clusters: clicking one opens its member search; members preview and extract."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListView
from window_helpers import item_point, keys_in_scene


@pytest.fixture
def clustered(window, demo_store, qtbot):
    """train-split:v0: its six sweep runs collapse into one cluster (threshold 5)."""
    window.open_store(demo_store)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("train-split:v0")
    return window


def _run_cluster(window):
    for item in window.scene().node_items():
        key = str(item.data(0))
        if key.startswith("cluster:") and window.controller.node_attrs(key)["member_kind"] == "run":
            return item
    raise AssertionError("no run cluster on screen")


def test_cluster_search_lists_filters_previews_and_extracts(clustered, qtbot):
    window, scene, view = clustered, clustered.scene(), clustered.view
    cluster = _run_cluster(window)
    cluster_key = str(cluster.data(0))
    attrs = window.controller.node_attrs(cluster_key)
    members = list(attrs["members"])
    assert len(members) >= 5 and attrs["type"] == "train"
    view.centerOn(cluster)
    with qtbot.waitSignal(scene.cluster_clicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, cluster))
    search = window.findChild(QLineEdit, "clusterSearch")
    listing = window.findChild(QListView, "clusterMembers")
    assert search.isVisible() and listing.isVisible()
    panel = window.preview.cluster
    assert panel.member_keys() == members

    target = members[2]
    name = window.controller.node_attrs(target)["name"]
    qtbot.keyClicks(search, name)
    assert panel.member_keys()[0] == target
    assert all(
        name.casefold() in window.controller.node_attrs(k)["name"].casefold()
        or name.casefold() in k
        for k in panel.member_keys()
    )
    assert panel.count.text() == f"{len(panel.member_keys())} of {len(members)} members"

    first = listing.visualRect(panel.model.index(0, 0))
    qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=first.center())
    qtbot.waitUntil(lambda: panel.details.key == target)
    assert panel.details.field_text("name") == name
    assert panel.details.field_text("state") in ("finished", "failed")

    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        qtbot.mouseClick(
            listing.viewport(), Qt.MouseButton.LeftButton, pos=panel.arrow_rect(0).center()
        )
    assert target in keys_in_scene(window)
    assert target in window.controller.snapshot.view
    remaining = window.controller.node_attrs(cluster_key).get("members", [])
    assert target not in remaining
    assert scene.node_item(target).isSelected()  # the extracted node is picked out


def test_clearing_the_search_lists_every_member_again(clustered, qtbot):
    window, scene, view = clustered, clustered.scene(), clustered.view
    cluster = _run_cluster(window)
    view.centerOn(cluster)
    with qtbot.waitSignal(scene.cluster_clicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, cluster))
    panel = window.preview.cluster
    total = len(panel.member_keys())
    qtbot.keyClicks(panel.search, "zzz-no-such-run")
    assert panel.member_keys() == []
    panel.search.clear()
    assert len(panel.member_keys()) == total


def test_threshold_off_shows_every_node(clustered, qtbot):
    window = clustered
    before = keys_in_scene(window)
    assert any(k.startswith("cluster:") for k in before)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.toolbar.threshold.setValue(0)
    after = keys_in_scene(window)
    assert not any(k.startswith("cluster:") for k in after)
    assert len(after) > len(before)
