"""The Qt adapter around the session: showing a lineage with hidden nodes builds its
view once (it used to build it once per hidden node, plus one), and the controller
fills the scene it was handed (the window owns it)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from lineage_desktop.graph.model import LineageModel
from lineage_desktop.ui.controller import LineageController
from lineage_desktop.ui.scene import LineageScene
from lineage_desktop.ui.window.settings import AppSettings


@pytest.fixture
def controller(qtbot, tmp_path):
    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    scene = LineageScene()
    c = LineageController(scene, settings=settings, synchronous=True)
    yield c
    c.shutdown()


def test_showing_a_lineage_with_hidden_nodes_builds_its_view_once(
    qtbot, controller, built, monkeypatch
) -> None:
    assert controller.open_store(built.path)
    with qtbot.waitSignal(controller.lineage_shown, timeout=10_000):
        controller.show_lineage("clean:v0")
    keys = [k for k in controller.snapshot.raw.nodes if k != controller.focus()]
    assert len(keys) >= 4
    controller.settings.set_hidden_keys(str(controller.store_path), keys[:4])

    builds: list[int] = []
    original = LineageModel._build

    def counting(self: LineageModel) -> None:
        builds.append(1)
        original(self)

    monkeypatch.setattr(LineageModel, "_build", counting)
    with qtbot.waitSignal(controller.lineage_shown, timeout=10_000):
        controller.show_lineage("clean:v0")
    assert len(builds) == 1
    assert [key for key, _ in controller.hidden_nodes()] == keys[:4]
    shown = {str(item.data(0)) for item in controller.scene.items() if item.data(0)}
    assert not shown & set(keys[:4])
    assert controller.focus() in shown


def test_laying_out_again_measures_no_card_again(qtbot, controller, built, monkeypatch) -> None:
    from lineage_desktop.ui import style

    assert controller.open_store(built.path)
    with qtbot.waitSignal(controller.lineage_shown, timeout=10_000):
        controller.show_lineage("clean:v0")
    measured: list[str] = []
    original = style.node_size

    def counting(kind: str, label: str, *args: object, **kwargs: object) -> tuple[float, float]:
        measured.append(label)
        return original(kind, label, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(style, "node_size", counting)
    with qtbot.waitSignal(controller.lineage_shown, timeout=10_000):
        controller.set_direction("TB")
    with qtbot.waitSignal(controller.lineage_shown, timeout=10_000):
        controller.reload_lineage(fit=True)
    assert measured == []
