"""Builds raw lineage graphs by hand, with the attributes ``Api.lineage`` documents."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from lineage_desktop.records import artifact_key, run_key


class LineageBuilder:
    """Small fluent helper: ``b.job("r1", "train", inputs=[a], outputs=[m])``."""

    def __init__(self, project: str = "churn", entity: str = "acme") -> None:
        self.graph = nx.DiGraph()
        self.project, self.entity = project, entity

    def run(self, run_id: str, job_type: str | None = "train", name: str | None = None,
            **extra: Any) -> str:
        key = run_key(run_id)
        self.graph.add_node(key, **{
            "kind": "run", "label": name or run_id, "type": job_type,
            "project": self.project, "entity": self.entity, "missing": False,
            "id": run_id, "name": name or run_id, "job_type": job_type, "state": "finished",
            "started_at": "2024-01-01T00:00:00Z", "finished_at": "2024-01-01T00:01:00Z",
            "author": "ana", "host": "ws1", "group": None, "config": {"lr": 0.1},
            "notes": None, "tags": [], "exit_code": 0, **extra})
        return key

    def artifact(self, name: str, index: int = 0, type: str = "dataset",
                 aliases: Iterable[str] = (), **extra: Any) -> str:
        key = artifact_key(name, index)
        self.graph.add_node(key, **{
            "kind": "artifact", "label": f"{name}:v{index}", "type": type,
            "project": self.project, "entity": self.entity, "missing": False,
            "name": name, "version": f"v{index}", "index": index, "aliases": list(aliases),
            "tags": [], "digest": f"{index:064x}", "description": None,
            "metadata": {"rows": 10}, "size": 123, "file_count": 1,
            "created_at": "2024-01-01T00:00:00Z", "logged_by": None, "state": "committed",
            **extra})
        return key

    def missing_run(self, run_id: str) -> str:
        key = run_key(run_id)
        self.graph.add_node(key, kind="run", label=run_id, type=None, missing=True)
        return key

    def missing_artifact(self, name: str, index: int = 0) -> str:
        key = artifact_key(name, index)
        self.graph.add_node(key, kind="artifact", label=f"{name}:v{index}", type=None,
                            missing=True)
        return key

    def used(self, version: str, run: str) -> None:
        self.graph.add_edge(version, run)

    def logged(self, run: str, version: str) -> None:
        self.graph.add_edge(run, version)
        attrs = self.graph.nodes[version]
        if attrs.get("kind") == "artifact" and not attrs.get("missing"):
            attrs["logged_by"] = self.graph.nodes[run].get("id")

    def job(self, run_id: str, job_type: str | None = "train", inputs: Iterable[str] = (),
            outputs: Iterable[str] = (), name: str | None = None) -> str:
        key = self.run(run_id, job_type, name)
        for version in inputs:
            self.used(version, key)
        for version in outputs:
            self.logged(key, version)
        return key

    def build(self, focus: str) -> nx.DiGraph:
        self.graph.graph["focus"] = focus
        return self.graph


def chain() -> nx.DiGraph:
    """raw:v0 -> prep -> clean:v0 (focus) -> train -> model:v0 -> eval -> report:v0,
    with a sibling: prep also logs stats:v0, and a cousin: stats:v0 -> plot -> fig:v0."""
    b = LineageBuilder()
    raw, clean, stats = b.artifact("raw"), b.artifact("clean"), b.artifact("stats")
    model, report = b.artifact("model", type="model"), b.artifact("report", type="report")
    fig = b.artifact("fig", type="figure")
    b.job("prep", "preprocess", [raw], [clean, stats])
    b.job("train", "train", [clean], [model])
    b.job("eval", "evaluate", [model], [report])
    b.job("plot", "plot", [stats], [fig])
    return b.build(clean)


def fan_out(train_runs: int = 12, eval_runs: int = 4) -> nx.DiGraph:
    """data:v0 (focus) used by ``train_runs`` train runs, each logging m-<i>:v0 (model),
    and by ``eval_runs`` evaluate runs logging nothing."""
    b = LineageBuilder()
    data = b.artifact("data")
    for i in range(train_runs):
        b.job(f"t{i:02d}", "train", [data], [b.artifact(f"m-{i:02d}", type="model")])
    for i in range(eval_runs):
        b.job(f"e{i}", "evaluate", [data])
    return b.build(data)
