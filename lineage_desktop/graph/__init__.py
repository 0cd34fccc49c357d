"""The lineage graph layer (networkx, no Qt).

The node schema and the one builder from store records (``nodes``), levels and depth
limits (``levels``), W&B-style clusters (``clusters``), cluster member search
(``search``), bad-data checks (``checks``), the stateful ``LineageModel`` that turns a
raw lineage graph into the view graph (``model``), audit helpers (``paths``) and text
exports (``export``).
"""
from lineage_desktop.graph.checks import find_cycles, find_problems, normalize_nodes
from lineage_desktop.graph.clusters import (
    DEFAULT_THRESHOLD,
    ClusterPlan,
    cluster_graph,
    cluster_label,
    natural_key,
    plan_clusters,
)
from lineage_desktop.graph.export import (
    dumps_json,
    to_dot,
    to_graphml,
    to_json,
    to_mermaid,
)
from lineage_desktop.graph.levels import (
    compute_levels,
    downstream_distances,
    restrict_depth,
    unlevelled,
    upstream_distances,
)
from lineage_desktop.graph.model import LineageModel
from lineage_desktop.graph.nodes import (
    LineageGraph,
    NodeData,
    as_node_data,
    build_graph,
    node_data,
    nodes_of,
)
from lineage_desktop.graph.paths import (
    impact,
    isolated_graph,
    path_keys,
    paths_between,
    view_path_keys,
)
from lineage_desktop.graph.search import search_members

__all__ = [
    "DEFAULT_THRESHOLD",
    "ClusterPlan",
    "LineageGraph",
    "LineageModel",
    "NodeData",
    "as_node_data",
    "build_graph",
    "cluster_graph",
    "cluster_label",
    "compute_levels",
    "downstream_distances",
    "dumps_json",
    "find_cycles",
    "find_problems",
    "impact",
    "isolated_graph",
    "natural_key",
    "node_data",
    "nodes_of",
    "normalize_nodes",
    "path_keys",
    "paths_between",
    "plan_clusters",
    "restrict_depth",
    "search_members",
    "to_dot",
    "to_graphml",
    "to_json",
    "to_mermaid",
    "unlevelled",
    "upstream_distances",
    "view_path_keys",
]
