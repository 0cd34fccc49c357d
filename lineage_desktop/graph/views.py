"""Comparing view graphs: a refresh that changes nothing on screen redraws nothing."""
from __future__ import annotations

import networkx as nx


def same_view(a: nx.DiGraph, b: nx.DiGraph) -> bool:
    """True when two view graphs would draw the same (nodes, attributes, edges)."""
    if a.number_of_nodes() != b.number_of_nodes() or a.number_of_edges() != b.number_of_edges():
        return False
    if set(a.edges) != set(b.edges):
        return False
    nodes_b = b.nodes
    return all(key in nodes_b and attrs == nodes_b[key] for key, attrs in a.nodes(data=True))
