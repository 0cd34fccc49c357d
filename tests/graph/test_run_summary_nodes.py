"""Run nodes carry the run's summary (read in one query per graph) for the preview."""
from __future__ import annotations

import lineage_desktop as ld
from lineage_desktop.graph.key_values import flat_rows
from lineage_desktop.graph.nodes import node_data


def test_lineage_run_nodes_hold_their_summary(tmp_path):
    path = tmp_path / "s.db"
    with ld.init(project="p", store=path, config={"opt": {"name": "adam"}}) as run:
        run.log({"loss": 0.25})
        run.summary["best"] = 0.9
        data = ld.Artifact("d", "dataset")
        with data.new_file("a.txt") as handle:
            handle.write("x")
        run.log_artifact(data)
        key = f"run:{run.id}"
    with ld.Api(store=path) as api:
        graph = api.lineage("d:v0")
        assert api.store.run_summaries([]) == {}
    attrs = node_data(graph, key)
    assert attrs.summary["best"] == 0.9 and attrs.summary["loss"] == 0.25
    assert flat_rows(attrs.config) == [("opt.name", "adam")]


def test_flat_rows_format_numbers_and_control_characters():
    rows = dict(flat_rows({"f": 1 / 3, "big": 1.7e9, "t": True, "s": "\x1b[0m", "e": {}}))
    assert rows == {"f": "0.333333", "big": "1700000000.0", "t": "true", "s": "\\x1b[0m",
                    "e": "{}"}
