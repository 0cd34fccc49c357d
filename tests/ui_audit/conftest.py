"""Hand-built stores and a drawn scene for the audit widgets.

``built`` (as in tests/audit):

    ingest -> raw:v0 -> prep -> clean:v0 -> train -> model:v0 -> eval -> report:v0
                              \\-> fan -> side:v0         labels:v0 -^

``diamond``:  src -> raw:v0 -> left  -> a:v0 -> join -> model:v0
                            \\-> right -> b:v0 -^          (and raw:v0 -> aside -> c:v0)
"""
from __future__ import annotations

import os
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

import lineage_desktop as ld  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class Builder:
    def __init__(self, path):
        self.path = path
        self.runs: dict[str, str] = {}

    def step(self, name, inputs=(), outputs=(), aliases=None, metadata=None, files=None,
             description=None):
        with ld.init(project="p", entity="e", name=name, job_type=name,
                     store=self.path) as run:
            for ref in inputs:
                run.use_artifact(ref)
            logged = []
            for art_name, art_type in outputs:
                artifact = ld.Artifact(art_name, art_type, description=description,
                                       metadata=metadata or {})
                for path, text in (files or {"f.txt": f"{art_name} by {name}"}).items():
                    with artifact.new_file(path) as handle:
                        handle.write(text)
                logged.append(run.log_artifact(artifact, aliases=aliases))
        self.runs[name] = f"run:{run.id}"
        time.sleep(0.002)  # distinct timestamps for as-of tests
        return logged

    def tamper(self, name, text="tampered"):
        """Overwrite the stored blob of ``name``'s first file."""
        entry = ld.Api(store=self.path).artifact(name).files()[0]
        blob = self.path.with_name(self.path.name + ".files") / entry.digest[:2] / entry.digest
        blob.write_text(text)
        return blob


@pytest.fixture
def built(tmp_path):
    builder = Builder(tmp_path / "audit.db")
    builder.step("ingest", outputs=[("raw", "raw_data"), ("labels", "raw_data")])
    builder.step("prep", ["raw:latest"], [("clean", "dataset")])
    builder.step("train", ["clean:latest", "labels:latest"], [("model", "model")])
    builder.step("eval", ["model:latest"], [("report", "report")])
    builder.step("fan", ["clean:latest"], [("side", "dataset")])
    return builder


@pytest.fixture
def diamond(tmp_path):
    builder = Builder(tmp_path / "diamond.db")
    builder.step("src", outputs=[("raw", "raw_data")])
    builder.step("left", ["raw:latest"], [("a", "dataset")])
    builder.step("right", ["raw:latest"], [("b", "dataset")])
    builder.step("join", ["a:latest", "b:latest"], [("model", "model")])
    builder.step("aside", ["raw:latest"], [("c", "dataset")])
    return builder


@pytest.fixture
def artifacts_dir() -> Path:
    """Where widget images are saved for people to look at (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


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
