"""Fixtures for scene tests: a small lineage graph in a shown view at 1:1."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402
from scene_graphs import grid_layout, small_graph  # noqa: E402

# ``artifacts_dir`` comes from tests/ui/conftest.py.


@pytest.fixture
def small(qtbot):
    """The small graph in a 1100x420 view at 1:1, centred on the focus."""
    from lineage_desktop.ui.scene import LineageScene, LineageView

    graph = small_graph()
    layout = grid_layout(graph)
    scene = LineageScene()
    scene.set_graph(graph, layout)
    view = LineageView(scene)
    qtbot.addWidget(view)
    view.resize(1100, 420)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.center_on_key(graph.graph["focus"])
    return SimpleNamespace(graph=graph, layout=layout, scene=scene, view=view)
