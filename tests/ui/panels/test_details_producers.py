"""The artifact preview names the first producer as "Logged by" and lists the runs that
logged the same content again as "Also logged by", as plain text."""
from __future__ import annotations

import warnings

import lineage_desktop as ld
from lineage_desktop.ui.panels.details import NodeDetails


def _log(run, text: str) -> None:
    artifact = ld.Artifact("clean", "dataset")
    with artifact.new_file("data.txt") as handle:
        handle.write(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ld.DuplicateContentWarning)
        run.log_artifact(artifact)


def _graph(path, runs: int):
    ids = []
    for number in range(runs):
        with ld.init(project="p", entity="e", name=f"<b>prep-{number}</b>", store=path) as run:
            _log(run, "the same rows")
        ids.append(run.id)
    with ld.Api(store=path) as api:
        return api.lineage("clean:v0"), ids


def _names(graph):
    return {str(a["id"]): str(a["name"]) for _, a in graph.nodes(data=True)
            if a.get("kind") == "run"}


def test_preview_lists_every_producer(qtbot, tmp_path):
    graph, ids = _graph(tmp_path / "p.db", runs=3)
    details = NodeDetails()
    qtbot.addWidget(details)
    details.show_node("artifact:clean:v0", graph.nodes["artifact:clean:v0"], _names(graph))
    assert details.field_text("logged_by") == f"<b>prep-0</b> ({ids[0]})"
    assert details.field_text("also_logged_by") == (
        f"<b>prep-1</b> ({ids[1]}), <b>prep-2</b> ({ids[2]})")
    assert details.fields["also_logged_by"].textFormat().name == "PlainText"


def test_one_producer_shows_no_other_producers(qtbot, tmp_path):
    graph, ids = _graph(tmp_path / "p.db", runs=1)
    details = NodeDetails()
    qtbot.addWidget(details)
    details.show_node("artifact:clean:v0", graph.nodes["artifact:clean:v0"], _names(graph))
    assert details.field_text("logged_by") == f"<b>prep-0</b> ({ids[0]})"
    assert details.field_text("also_logged_by") == ""
    assert details.form.isRowVisible(details.fields["also_logged_by"]) is False
