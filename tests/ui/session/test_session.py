"""``LineageSession``: the window's state and decisions, tested without Qt (no qtbot).

Tasks the session hands out are run here inline against a tiny stand-in for ``Api``
(only ``lineage()`` and ``as_of`` are used by lineage tasks).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from lineage_desktop.graph.clusters import DEFAULT_THRESHOLD
from lineage_desktop.ui.session import (
    NO_STORE_MESSAGE,
    BusyBoard,
    LineageSession,
    MemorySettings,
)

STORE = Path("/stores/demo.db")


def _graph(focus: str, *others: str) -> nx.DiGraph:
    """``focus`` (a run) consuming every artifact in ``others``."""
    raw = nx.DiGraph(focus=focus)
    raw.add_node(focus, kind="run", label=focus.split(":")[1], run_id=focus.split(":")[1])
    for key in others:
        name = key.split(":", 1)[1]
        raw.add_node(key, kind="artifact", label=name, type="dataset")
        raw.add_edge(key, focus)
    return raw


class FakeApi:
    def __init__(self, graphs: dict[str, nx.DiGraph]) -> None:
        self.graphs = graphs
        self.as_of: str | None = None
        self.reads: list[str] = []

    def lineage(self, ref: str, upstream: int | None = None, downstream: int | None = None):
        self.reads.append(ref)
        return self.graphs[ref].copy()


@pytest.fixture
def api() -> FakeApi:
    return FakeApi(
        {
            "run:r1": _graph("run:r1", "artifact:a", "artifact:b", "artifact:c"),
            "run:r2": _graph("run:r2", "artifact:d"),
        }
    )


@pytest.fixture
def settings() -> MemorySettings:
    return MemorySettings()


@pytest.fixture
def session(settings: MemorySettings) -> LineageSession:
    s = LineageSession(settings)
    s.open(STORE)
    return s


def _show(session: LineageSession, api: FakeApi, ref: str, record: bool = True) -> Any:
    snap = session.accept_lineage(session.lineage_task(ref)(api), record)
    session.mark_shown(snap)
    return snap


def test_view_options_come_from_the_settings_and_bad_values_fall_back() -> None:
    s = LineageSession(
        MemorySettings(direction="XX", cluster_threshold="many", upstream=2, downstream=-1)
    )
    assert s.direction == "LR"
    assert s.cluster_threshold == DEFAULT_THRESHOLD
    assert s.depths == (2, None)
    assert not s.is_open and s.focus() is None and s.snapshot is None


def test_open_and_close(session: LineageSession, settings: MemorySettings, api: FakeApi) -> None:
    assert session.is_open and session.path == STORE
    assert settings.recent == [str(STORE)]
    _show(session, api, "run:r1")
    assert session.focus() == "run:r1"
    assert session.close() is True
    assert session.snapshot is None and session.model is None and session.shown_key is None
    assert session.history_state() == (False, False)
    assert session.close() is False


def test_history_records_exact_references_and_walks_back_and_forward(
    session: LineageSession, api: FakeApi
) -> None:
    _show(session, api, "run:r1")
    _show(session, api, "run:r2")
    assert session.history_state() == (True, False)
    assert session.back() == "run:r1"
    _show(session, api, "run:r1", record=False)
    assert session.history_state() == (False, True)
    assert session.forward() == "run:r2"
    assert session.history.entries() == ["run:r1", "run:r2"]


def test_back_and_forward_bring_back_each_entry_s_hidden_and_extracted_nodes(
    session: LineageSession, api: FakeApi
) -> None:
    _show(session, api, "run:r1")
    session.accept_snapshot(session.hide("artifact:a")(api))  # type: ignore[misc]
    session.accept_snapshot(session.extract("artifact:b")(api))  # type: ignore[misc]
    session.stash_state()  # the window does this before showing another lineage
    _show(session, api, "run:r2")
    session.accept_snapshot(session.hide("artifact:d")(api))  # type: ignore[misc]
    # meanwhile artifact:a was shown again elsewhere: store-wide it is no longer hidden
    session.settings.set_hidden_keys(str(STORE), ["artifact:d"])

    assert session.back() == "run:r1"
    back = session.accept_lineage(session.lineage_task("run:r1", restore=True)(api), False)
    assert back.extracted == ("artifact:b",)
    assert [k for k, _ in back.hidden] == ["artifact:a"] and "artifact:a" not in back.view
    assert [m.members for m in back.marks] == [("artifact:a",)]

    assert session.forward() == "run:r2"
    ahead = session.accept_lineage(session.lineage_task("run:r2", restore=True)(api), False)
    assert [k for k, _ in ahead.hidden] == ["artifact:d"] and ahead.extracted == ()
    # a new visit starts from the store's saved hidden nodes and nothing extracted
    fresh = session.lineage_task("run:r1")(api)[1]
    assert fresh.extracted == () and [k for k, _ in fresh.hidden] == ["artifact:a"]


def test_refocus_gives_a_reference_but_never_for_a_cluster(
    session: LineageSession, api: FakeApi
) -> None:
    _show(session, api, "run:r1")
    assert session.ref_of("cluster:x") is None
    assert session.ref_of("artifact:a")


def test_hidden_nodes_are_saved_store_wide_and_restored(
    session: LineageSession, settings: MemorySettings, api: FakeApi
) -> None:
    settings.set_hidden_keys(str(STORE), ["artifact:elsewhere"])
    _show(session, api, "run:r1")
    snap = session.hide("artifact:a")(api)  # type: ignore[misc]
    session.accept_snapshot(snap)
    assert session.hidden_nodes() == [("artifact:a", "a")]
    assert settings.hidden_keys(str(STORE)) == ["artifact:elsewhere", "artifact:a"]
    # Read again: the hidden node stays hidden.
    again = _show(session, api, "run:r1")
    assert "artifact:a" not in again.view
    session.accept_snapshot(session.unhide_all()(api))  # type: ignore[misc]
    assert settings.hidden_keys(str(STORE)) == ["artifact:elsewhere"]


def test_intents_without_a_lineage_give_no_task(session: LineageSession) -> None:
    assert session.hide("artifact:a") is None
    assert session.extract("artifact:a") is None
    assert session.reload_task() is None
    assert session.reset_layout() is None
    assert session.graph_task(nx.DiGraph(focus="run:none")) is None


def test_depths_threshold_and_direction_are_remembered(
    session: LineageSession, settings: MemorySettings, api: FakeApi
) -> None:
    assert session.set_depths(1, 2) is True
    assert session.set_depths(1, 2) is False
    saved = settings.store_options[str(STORE)]  # per store, never global
    assert saved["upstream"] == 1 and saved["downstream"] == 2
    assert session.set_direction("TB") is True
    assert session.set_direction("TB") is False
    assert session.set_direction("sideways") is False
    assert saved["direction"] == "TB"
    assert session.set_cluster_threshold(0) is None  # no lineage yet: nothing to redo
    assert session.cluster_threshold is None and saved["cluster_threshold"] == 0
    assert settings.options == {}
    assert session.changed_options() == ["Upstream 1", "Downstream 2", "No clusters",
                                         "Top to bottom"]
    session.close()
    assert session.direction == "LR" and session.depths == (None, None)
    session.open(STORE)
    assert session.direction == "TB" and session.depths == (1, 2)
    session.reset_view_options()
    assert session.changed_options() == [] and str(STORE) not in settings.store_options


def test_a_reload_that_changes_nothing_on_screen_needs_no_layout(
    session: LineageSession, api: FakeApi
) -> None:
    _show(session, api, "run:r1")
    task = session.reload_task()
    assert task is not None
    assert session.accept_reload(task(api), fit=False) is False
    api.graphs["run:r1"] = _graph("run:r1", "artifact:a", "artifact:b", "artifact:c", "artifact:e")
    assert session.accept_reload(session.reload_task()(api), fit=False) is True  # type: ignore[misc]
    assert "artifact:e" in session.snapshot.view  # type: ignore[union-attr]


def test_a_given_graph_is_not_reloaded(session: LineageSession, api: FakeApi) -> None:
    raw = _graph("run:r9", "artifact:z")
    task = session.graph_task(raw)
    assert task is not None
    session.accept_lineage(task(api), record=True, fixed=True)
    assert session.focus() == "run:r9"
    assert session.reload_task() is None


def test_layout_plans_keep_saved_positions_and_drop_stale_answers(
    session: LineageSession, settings: MemorySettings, api: FakeApi
) -> None:
    first = session.accept_lineage(session.lineage_task("run:r1")(api), True)
    settings.set_positions(str(STORE), "run:r1", "LR", {"artifact:a": (5.0, 6.0)})
    plan = session.layout_plan(first)
    assert plan is not None and plan.keep == {"artifact:a": (5.0, 6.0)}
    assert plan.same_lineage is False
    session.mark_shown(first)
    second = session.accept_lineage(session.lineage_task("run:r1")(api), True)
    assert session.layout_plan(first) is None  # superseded
    assert session.layout_plan(second).same_lineage is True  # type: ignore[union-attr]


def test_dragged_positions_are_saved_per_focus_and_direction_and_reset(
    session: LineageSession, settings: MemorySettings, api: FakeApi
) -> None:
    session.remember_positions({"artifact:a": (1.0, 2.0)})  # nothing shown: ignored
    assert settings.saved_positions == {}
    _show(session, api, "run:r1")
    assert session.wants_positions()
    session.remember_positions({"artifact:a": (1.0, 2.0)})
    session.remember_positions({"artifact:b": (3.0, 4.0)})
    assert settings.positions(str(STORE), "run:r1", "LR") == {
        "artifact:a": (1.0, 2.0),
        "artifact:b": (3.0, 4.0),
    }
    assert session.reset_layout() is session.snapshot
    assert settings.positions(str(STORE), "run:r1", "LR") == {}
    assert session.shown_key is None


def test_as_of_is_parsed_and_only_a_change_needs_a_task(
    session: LineageSession, api: FakeApi
) -> None:
    with pytest.raises(ValueError):
        session.set_as_of("not a time")
    task = session.set_as_of("2024-01-02T03:04:05Z")
    assert task is not None and session.as_of is not None
    task(api)
    assert api.as_of == session.as_of
    assert session.set_as_of("2024-01-02T03:04:05Z") is None
    assert session.as_of_task() is not None
    closed = LineageSession(MemorySettings())
    assert closed.set_as_of("2024-01-02T03:04:05Z") is None  # remembered for the next store
    assert closed.as_of is not None


def test_queries_on_the_snapshot(session: LineageSession, api: FakeApi) -> None:
    assert session.find("a") == [] and session.node_attrs("artifact:a") == {}
    _show(session, api, "run:r1")
    assert "artifact:a" in session.find("a")
    assert session.node_attrs("artifact:a")["kind"] == "artifact"
    assert session.cluster_members("cluster:none") == []


def test_busy_board_names_the_wait_the_user_feels() -> None:
    board = BusyBoard()
    assert not board and board.text == ""
    board.start("runs", "Reading runs…")
    board.start("layout", "Laying out…")
    assert "layout" in board and board.text == "Laying out…"
    assert board.finish("layout") is True
    assert board.finish("layout") is False
    assert board.text == "Reading runs…"


def test_the_no_store_message_says_what_to_do() -> None:
    assert "Open" in NO_STORE_MESSAGE


def test_the_session_imports_with_qt_blocked() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError('Qt is blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import lineage_desktop.ui.session\n"
        "print(any(m.startswith('PySide6') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
