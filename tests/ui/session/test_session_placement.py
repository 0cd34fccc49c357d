"""Decisions the Qt controller used to make itself, now the session's (no Qt): where the
cards of a finished layout go, and whether a direction change needs anything done."""

from __future__ import annotations

from pathlib import Path

from lineage_desktop.ui.session import DIRECTIONS, LayoutPlan, LineageSession, MemorySettings


def test_a_new_lineage_is_placed_at_its_saved_positions_only() -> None:
    plan = LayoutPlan(keep={"artifact:a": (1.0, 2.0)}, same_lineage=False)
    moved = {"artifact:a": (9.0, 9.0), "artifact:b": (3.0, 4.0)}
    assert plan.positions(moved) == {"artifact:a": (1.0, 2.0)}


def test_the_same_lineage_again_keeps_what_the_user_dragged_over_what_was_saved() -> None:
    plan = LayoutPlan(keep={"artifact:a": (1.0, 2.0), "run:r": (0.0, 0.0)}, same_lineage=True)
    moved = {"artifact:a": (9.0, 9.0), "artifact:b": (3.0, 4.0)}
    assert plan.positions(moved) == {
        "artifact:a": (9.0, 9.0),
        "run:r": (0.0, 0.0),
        "artifact:b": (3.0, 4.0),
    }


def test_placing_never_changes_the_plan() -> None:
    plan = LayoutPlan(keep={"artifact:a": (1.0, 2.0)}, same_lineage=True)
    plan.positions({"artifact:a": (5.0, 5.0)})
    assert plan.keep == {"artifact:a": (1.0, 2.0)}
    assert LayoutPlan().positions({"artifact:a": (5.0, 5.0)}) == {}


def test_only_a_known_other_direction_is_a_new_direction() -> None:
    settings = MemorySettings()
    session = LineageSession(settings)
    session.open(Path("/stores/demo.db"))
    assert session.direction == "LR"
    assert not session.is_new_direction("LR")
    assert not session.is_new_direction("RL")  # not one of DIRECTIONS
    assert session.is_new_direction("TB") and "TB" in DIRECTIONS
    assert session.set_direction("TB")
    assert not session.is_new_direction("TB")
    assert session.is_new_direction("LR")
    assert not session.set_direction("RL")
    assert session.direction == "TB"
