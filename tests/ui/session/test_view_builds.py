"""Restoring a lineage's hidden nodes builds the view once, not once per hidden node."""

from __future__ import annotations

import networkx as nx
import pytest

from lineage_desktop.graph.model import LineageModel
from lineage_desktop.ui.session import queries


def _fan(n: int) -> nx.DiGraph:
    raw = nx.DiGraph(focus="run:focus")
    raw.add_node("run:focus", kind="run", label="focus")
    for i in range(n):
        key = f"artifact:a{i}"
        raw.add_node(key, kind="artifact", label=f"a{i}", type="dataset")
        if i % 2:
            raw.add_edge(key, "run:focus")
        else:
            raw.add_edge("run:focus", key)
    return raw


class _Api:
    def __init__(self, raw: nx.DiGraph) -> None:
        self.raw = raw

    def lineage(self, ref: str, upstream: int | None = None, downstream: int | None = None):
        return self.raw


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = LineageModel._build

    def counting(self: LineageModel) -> None:
        calls.append(1)
        original(self)

    monkeypatch.setattr(LineageModel, "_build", counting)
    return calls


def test_loading_with_hidden_nodes_builds_the_view_once(builds: list[int]) -> None:
    raw = _fan(600)
    hidden = [f"artifact:a{i}" for i in range(0, 60, 2)]  # 30 hidden nodes
    model, snap = queries.load_lineage(_Api(raw), "run:focus", None, None, 50, hidden)
    assert len(builds) == 1
    assert len(snap.hidden) == 30
    assert not any(key in snap.view for key in hidden)


def test_a_given_graph_with_hidden_nodes_builds_the_view_once(builds: list[int]) -> None:
    raw = _fan(200)
    hidden = [f"artifact:a{i}" for i in range(10)]
    _, snap = queries.model_of(None, raw, 50, hidden)  # type: ignore[arg-type]
    assert len(builds) == 1
    assert [key for key, _ in snap.hidden] == hidden


def test_hide_many_invalidates_once_and_skips_the_focus_and_unknown_keys(
    builds: list[int],
) -> None:
    model = LineageModel(_fan(20), cluster_threshold=None)
    model.view()
    assert model.hide_many(["artifact:a1", "artifact:a2", "run:focus", "artifact:nope"])
    model.view()
    assert len(builds) == 2
    assert [key for key, _ in model.hidden] == ["artifact:a1", "artifact:a2"]
    assert not model.hide_many(["artifact:a1"])


def test_hiding_a_cluster_hides_its_members() -> None:
    model = LineageModel(_fan(40), cluster_threshold=5)
    clusters = [k for k, a in model.view().nodes(data=True) if a.get("kind") == "cluster"]
    assert clusters
    members = model.members(clusters[0])
    assert model.hide(clusters[0])
    assert {key for key, _ in model.hidden} == set(members)
