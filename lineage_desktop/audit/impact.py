"""Impact list: everything downstream of a version (or run), transitively."""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass

import networkx as nx

from lineage_desktop.graph import NodeData, impact, node_data
from lineage_desktop.records import run_key
from lineage_desktop.sdk.api import Api

COLUMNS = ("key", "kind", "name", "type", "version", "created", "author", "level")


@dataclass(frozen=True)
class ImpactRow:
    key: str
    kind: str
    name: str
    type: str
    version: str
    created: str
    author: str
    level: int


def rows_from_graph(graph: nx.DiGraph, focus: str) -> list[ImpactRow]:
    """Impact rows of ``focus`` in an already-read lineage graph (nearest first)."""
    distances = nx.single_source_shortest_path_length(graph, focus)
    rows = []
    for key in impact(graph, focus):
        data = node_data(graph, key)
        if data.is_run:
            created, author = data.started_at or "", data.author or ""
            name, version = data.name or key, ""
        else:
            producer = data.logged_by
            producer_data = node_data(graph, run_key(producer)) if producer else NodeData()
            created, author = data.created_at or "", producer_data.author or ""
            name, version = data.name or key, data.version or ""
        rows.append(ImpactRow(key, data.kind, name, data.type or "", version, created,
                              author, distances.get(key, 0)))
    return rows


def impact_rows(api: Api, ref: str) -> list[ImpactRow]:
    """Every run and version downstream of ``ref``; the producers of downstream versions
    are in the graph already, so authors need no extra queries."""
    graph = api.lineage(ref, upstream=0)
    return rows_from_graph(graph, graph.graph["focus"])


def impact_csv(rows: list[ImpactRow]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    return out.getvalue()
