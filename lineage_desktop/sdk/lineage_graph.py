"""Turning lineage records into the raw lineage ``networkx.DiGraph`` every layer shares."""
from __future__ import annotations

import networkx as nx

from lineage_desktop.records import ArtifactVersion, Run, key_ident
from lineage_desktop.store import LineageRows


def version_attributes(
    version: ArtifactVersion, producers: list[str] | None = None
) -> dict[str, object]:
    """A version node's attributes; ``logged_by`` is the first producer and ``producers``
    every run that logged the content (the first one first)."""
    return {
        "kind": "artifact", "label": f"{version.name}:{version.version}", "type": version.type,
        "project": version.project, "entity": version.entity, "missing": False,
        "name": version.name, "version": version.version, "index": version.index,
        "aliases": list(version.aliases), "tags": list(version.tags), "digest": version.digest,
        "description": version.description, "metadata": dict(version.metadata),
        "size": version.size, "file_count": version.file_count,
        "created_at": version.created_at, "logged_by": version.run_id, "state": version.state,
        "id_in_store": version.id,
        "producers": list(producers) if producers is not None else
        ([version.run_id] if version.run_id is not None else []),
    }


def run_attributes(run: Run) -> dict[str, object]:
    return {
        "kind": "run", "label": run.name, "type": run.job_type, "project": run.project,
        "entity": run.entity, "missing": False, "id": run.id, "name": run.name,
        "job_type": run.job_type, "state": run.state, "started_at": run.started_at,
        "finished_at": run.finished_at, "author": run.author, "host": run.host,
        "group": run.group, "config": dict(run.config), "notes": run.notes,
        "tags": list(run.tags), "exit_code": run.exit_code,
    }


def missing_attributes(key: str, kind: str) -> dict[str, object]:
    ident = key_ident(key)
    label = f"deleted run {ident}" if kind == "run" else f"unknown version {ident}"
    return {"kind": kind, "label": label, "type": None, "missing": True}


def build_graph(rows: LineageRows) -> nx.DiGraph:
    graph = nx.DiGraph(focus=rows.focus)
    for version in rows.versions:
        graph.add_node(version.key, **version_attributes(version, rows.producers.get(version.id)))
    for run in rows.runs:
        graph.add_node(run.key, **run_attributes(run))
    for key, kind in rows.missing.items():
        graph.add_node(key, **missing_attributes(key, kind))
    graph.add_edges_from(rows.edges)
    return graph
