"""A big graph is built in slices from the event loop: the overview first, then every
card and edge, placed exactly as the synchronous build places them; a newer graph wins;
the cards are measured once per view."""

from __future__ import annotations

import pytest
from big_graphs import column_layout, wide_graph
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from qt_events import move

from lineage_desktop.ui.scene import LineageScene, LineageView, build_layout_request, cards
from lineage_desktop.ui.scene.lineage_scene import SYNC_BUILD_LIMIT

RUNS = 1500  # 3,001 cards and 3,000 edges: well above SYNC_BUILD_LIMIT


def shown_scene(qtbot, sync_limit: int = SYNC_BUILD_LIMIT) -> tuple[LineageScene, LineageView]:
    scene = LineageScene()
    scene.sync_build_limit = sync_limit
    view = LineageView(scene)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    return scene, view


def wait_built(qtbot, scene: LineageScene) -> None:
    qtbot.waitUntil(lambda: not scene.is_building(), timeout=60_000)


def keyed_items(scene: LineageScene) -> set[str]:
    return {str(i.data(0)) for i in scene.items() if i.data(0) is not None}


def edge_routes(scene: LineageScene) -> dict[str, list[tuple[float, float]]]:
    return {
        str(e.data(0)): [(p.x(), p.y()) for p in e.control_points()] for e in scene.edge_items()
    }


def test_a_big_graph_ends_with_every_item_where_the_synchronous_build_puts_it(qtbot):
    assert 2 * RUNS + 1 > SYNC_BUILD_LIMIT
    graph = wide_graph(RUNS)
    layout = column_layout(graph)
    reference, _ = shown_scene(qtbot, sync_limit=10**9)
    reference.set_graph(graph, layout)
    assert not reference.is_building()

    scene, _ = shown_scene(qtbot)
    built: list[str] = []
    scene.set_graph(graph, layout)
    scene.when_built(lambda: built.append("done"))
    # The overview draws the whole graph from the layout while the cards are made.
    assert scene.is_building()
    assert built == []
    assert scene.overview_item().isVisible()
    assert scene.focus_key() == "artifact:hub:v0"
    wait_built(qtbot, scene)

    assert built == ["done"]
    assert len(scene.node_items()) == graph.number_of_nodes()
    assert len(scene.edge_items()) == graph.number_of_edges()
    assert scene.positions() == reference.positions()
    assert scene.positions() == {k: tuple(p) for k, p in layout.positions.items()}
    assert edge_routes(scene) == edge_routes(reference)
    assert scene.content_rect() == reference.content_rect()
    assert keyed_items(scene) == keyed_items(reference)
    card = scene.node_item("run:r0000042")
    assert card is not None and card.size == tuple(layout.sizes["run:r0000042"])
    # Zoomed in, the cards are drawn and the overview is not.
    scene.set_batched(False)
    assert all(c.isVisible() for c in scene.node_items())
    assert not scene.overview_item().isVisible()


def test_marks_set_during_the_build_reach_the_cards_made_later(qtbot):
    graph = wide_graph(RUNS)
    scene, _ = shown_scene(qtbot)
    scene.set_graph(graph, column_layout(graph))
    assert scene.is_building()
    scene.highlight(["artifact:out:v1400"])
    scene.set_dimmed(["run:r0001000"])
    wait_built(qtbot, scene)
    assert scene.node_item("artifact:out:v1400").highlighted
    assert scene.node_item("run:r0001000").dimmed
    faded = [e for e in scene.edge_items() if e.dimmed]
    assert {str(e.data(0)) for e in faded} == {
        "artifact:hub:v0->run:r0001000",
        "run:r0001000->artifact:out:v1000",
    }


def test_a_second_graph_set_during_a_sliced_build_wins(qtbot):
    first, second = wide_graph(RUNS, prefix="a-"), wide_graph(RUNS, prefix="b-")
    scene, _ = shown_scene(qtbot)
    calls: list[str] = []
    scene.set_graph(first, column_layout(first))
    scene.when_built(lambda: calls.append("first"))
    qtbot.waitUntil(lambda: len(scene.node_items()) > 0, timeout=60_000)
    assert scene.is_building()  # part of the first graph is built

    scene.set_graph(second, column_layout(second))
    scene.when_built(lambda: calls.append("second"))
    wait_built(qtbot, scene)

    assert calls == ["second"]
    assert {c.key for c in scene.node_items()} == set(second.nodes)
    assert len(scene.edge_items()) == second.number_of_edges()
    # Nothing of the first graph is left in the scene.
    assert keyed_items(scene) == set(second.nodes) | {f"{s}->{t}" for s, t in second.edges()}


def test_a_small_graph_after_a_big_one_is_there_at_once(qtbot):
    big, small = wide_graph(RUNS, prefix="a-"), wide_graph(3, prefix="b-")
    scene, _ = shown_scene(qtbot)
    scene.set_graph(big, column_layout(big))
    wait_built(qtbot, scene)
    scene.set_graph(small, column_layout(small))
    assert not scene.is_building()
    assert {c.key for c in scene.node_items()} == set(small.nodes)
    # The big graph's items are taken away in slices, hidden meanwhile.
    qtbot.waitUntil(
        lambda: keyed_items(scene) == set(small.nodes) | {f"{s}->{t}" for s, t in small.edges()},
        timeout=60_000,
    )


def test_cards_of_a_big_graph_can_be_clicked_and_dragged(qtbot):
    graph = wide_graph(RUNS)
    scene, view = shown_scene(qtbot)
    scene.set_graph(graph, column_layout(graph))
    wait_built(qtbot, scene)
    view.set_zoom(1.0)
    view.center_on_key("run:r0000001")
    QApplication.processEvents()
    card = scene.node_item("run:r0000001")
    press = view.mapFromScene(card.sceneBoundingRect().center())
    vp = view.viewport()
    with qtbot.waitSignal(scene.node_clicked) as clicked:
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=press)
    assert clicked.args == ["run:r0000001"]

    incoming = next(e for e in card.edges() if e.target is card)
    tip_before = incoming.control_points()[-1]
    start = card.pos()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=press)
    for step in range(1, 6):
        move(vp, press + QPoint(0, 8 * step), Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=press + QPoint(0, 40))
    QApplication.processEvents()
    shift = card.pos() - start
    assert round(shift.y()) == 40
    assert incoming.control_points()[-1] - tip_before == shift
    assert "run:r0000001" in scene.positions(moved_only=True)


@pytest.mark.parametrize("runs", [3, RUNS])
def test_each_card_is_measured_once_per_view(qtbot, monkeypatch, runs):
    spec_calls: list[str] = []
    real_card_spec = cards.card_spec

    def counting_card_spec(key, attrs):
        spec_calls.append(key)
        return real_card_spec(key, attrs)

    monkeypatch.setattr(cards, "card_spec", counting_card_spec)
    graph = wide_graph(runs, prefix=f"m{runs}-")
    build_layout_request(graph)  # what the controller does first (on its worker)
    layout = column_layout(graph)  # asks again: answered from the same measurements
    scene, _ = shown_scene(qtbot)
    scene.set_graph(graph, layout)
    wait_built(qtbot, scene)
    assert sorted(spec_calls) == sorted(graph.nodes)


def test_font_metrics_are_asked_once_per_distinct_text(qtbot, monkeypatch):
    measured: list[str] = []
    real_measure = cards._measure

    def counting_measure(spec, metrics):
        measured.append(spec.key)
        return real_measure(spec, metrics)

    monkeypatch.setattr(cards, "_measure", counting_measure)
    cards._SIZES.clear()
    graph = wide_graph(50, prefix="f-")
    for key in list(graph.nodes):
        if key.startswith("run:"):
            graph.nodes[key]["label"] = "train"  # 50 runs with the same texts
    cards.view_cards(graph)
    runs_measured = [k for k in measured if k.startswith("run:")]
    assert len(runs_measured) == 1
