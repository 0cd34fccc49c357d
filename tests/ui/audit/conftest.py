"""A drawn scene for the audit widgets (the stores ``built`` and ``diamond`` come from
tests/conftest.py)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

# ``artifacts_dir`` comes from tests/ui/conftest.py.


def draw(raw, threshold=None):
    """A ``LineageScene`` showing ``raw`` (view graph via ``LineageModel``, real layout)."""
    from lineage_desktop.graph import LineageModel
    from lineage_desktop.layout import compute_layout
    from lineage_desktop.ui.scene import LineageScene, build_layout_request

    view = LineageModel(raw, raw.graph["focus"], threshold).view()
    scene = LineageScene()
    scene.set_graph(view, compute_layout(build_layout_request(view)))
    return scene, view


@pytest.fixture
def drawn(qtbot):
    """``drawn(raw, threshold=None) -> (scene, view)``; the scene lives for the test."""
    scenes = []

    def make(raw, threshold=None):
        scene, view = draw(raw, threshold)
        scenes.append(scene)
        return scene, view

    return make
