"""Two projects in one store with the same artifact names: double-click refocus and
Back/Forward stay in the project the user is looking at."""
from __future__ import annotations

import lineage_desktop as ld


def write_two_projects(path):
    for project in ("alpha", "beta"):
        with ld.init(project=project, entity="e", name=f"{project}-prep", store=path) as run:
            data = ld.Artifact("data", "dataset", metadata={"project": project})
            with data.new_file("d.txt") as handle:
                handle.write(project)
            run.log_artifact(data)
        with ld.init(project=project, entity="e", name=f"{project}-train", store=path) as run:
            run.use_artifact("data:latest")
            model = ld.Artifact("model", "model")
            with model.new_file("m.txt") as handle:
                handle.write(project + " model")
            run.log_artifact(model)


def test_refocus_and_history_are_exact_across_projects(qtbot, tmp_path):
    from lineage_desktop.app import create_main_window

    path = tmp_path / "two.db"
    write_two_projects(path)
    window = create_main_window()
    qtbot.addWidget(window)
    window.open_store(str(path))
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("e/beta/model:v0")
    controller = window.controller
    assert controller.snapshot.raw.nodes["artifact:model:v0"]["project"] == "beta"
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000) as ready:
        controller.refocus("artifact:data:v0")
    assert ready.args == ["artifact:data:v0"]
    assert controller.snapshot.raw.nodes["artifact:data:v0"]["metadata"] == {"project": "beta"}
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        controller.back()
    assert controller.snapshot.raw.nodes["artifact:model:v0"]["project"] == "beta"
    window.close()
