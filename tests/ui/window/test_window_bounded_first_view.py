"""The first view of a store whose lineage is deep reads a bounded neighbourhood of the
focus, never the whole chain; a small lineage is shown whole; depths the user chooses
(even "all") are honoured and remembered for the store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lineage_desktop.sdk import Api
from lineage_desktop.ui.session import queries

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from hand_built import Builder  # noqa: E402

STEPS = 400  # 800 nodes (runs, versions) in the last version's lineage: > FIRST_VIEW_NODES


@pytest.fixture(scope="module")
def chain_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("chain") / "chain.db"
    builder = Builder(path)
    builder.step("step0", outputs=[("data0", "dataset")])
    for i in range(1, STEPS):
        builder.step(f"step{i}", [f"data{i - 1}:latest"], [(f"data{i}", "dataset")])
    return path


@pytest.fixture
def reads(monkeypatch):
    """Every ``Api.lineage`` call of the window: ``(upstream, downstream, nodes)``."""
    calls: list[tuple[int | None, int | None, int]] = []
    original = Api.lineage

    def spy(self, ref, upstream=None, downstream=None):
        graph = original(self, ref, upstream=upstream, downstream=downstream)
        calls.append((upstream, downstream, graph.number_of_nodes()))
        return graph

    monkeypatch.setattr(Api, "lineage", spy)
    return calls


def _show(window, qtbot, store, ref):
    assert window.open_store(store)
    with qtbot.waitSignal(window.lineage_ready, timeout=60_000):
        window.show_lineage(ref)


def test_a_deep_chain_opens_on_a_bounded_neighbourhood(window, chain_master, reads, qtbot):
    assert queries.FIRST_VIEW_NODES < 2 * STEPS
    _show(window, qtbot, chain_master, f"data{STEPS - 1}:latest")
    assert reads and all(up is not None and down is not None for up, down, _ in reads)
    assert max(nodes for _, _, nodes in reads) < 2 * STEPS  # never the whole chain
    scene = window.scene()
    cards = scene.node_items()
    assert queries.FIRST_VIEW_NODES <= len(cards) < 2 * STEPS
    assert scene.node_item(f"artifact:data{STEPS - 1}:v0") is not None
    assert scene.node_item("artifact:data0:v0") is None  # the chain's far end is not read
    depth = window.controller.depths[0]
    assert depth is not None and len(cards) == depth + 1  # one card per edge of a chain
    toolbar = window.toolbar
    assert toolbar.upstream.depth() == depth  # the toolbar says what is shown
    label = window.findChild(type(window.status_text), "viewOptionsLabel")
    assert label.text() == f"View: Large lineage: {depth} edges around the focus"
    assert window.settings.view_options(str(chain_master.absolute())) == {}  # nothing chosen

    # The user asks for all of it: read whole, and remembered for this store.
    reads.clear()
    with qtbot.waitSignal(window.lineage_ready, timeout=60_000):
        toolbar.upstream.setValue(-1)
    assert reads[-1][0] is None and reads[-1][2] == 2 * STEPS
    assert scene.node_item("artifact:data0:v0") is not None
    saved = window.settings.view_options(str(chain_master.absolute()))
    assert "upstream" in saved and saved["upstream"] is None


def test_a_short_lineage_is_shown_whole_in_one_bounded_read(window, tmp_path, reads, qtbot):
    builder = Builder(tmp_path / "short.db")
    builder.step("step0", outputs=[("data0", "dataset")])
    for i in range(1, 4):
        builder.step(f"step{i}", [f"data{i - 1}:latest"], [(f"data{i}", "dataset")])
    _show(window, qtbot, tmp_path / "short.db", "data3:latest")
    assert len(reads) == 1 and reads[0][0] == queries.FIRST_VIEW_DEPTH
    assert len(window.scene().node_items()) == 8 and window.controller.depths == (None, None)
    label = window.findChild(type(window.status_text), "viewOptionsLabel")
    assert label.text() == ""
