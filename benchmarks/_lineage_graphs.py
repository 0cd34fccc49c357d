"""Realistic synthetic lineage graphs for benchmarks (no store needed).

The shape follows an ML project as W&B Artifacts records it: raw datasets are consumed by
preprocess runs that log processed dataset versions; sweeps of training runs consume those
(some also a second input: a base model or a second dataset) and log model versions; eval
runs consume a model and a test set and log reports; some models are fine-tuned further or
exported. Runs and artifact versions alternate along every edge, fan-out is wide at the
processed datasets (sweeps), fan-in is small (1-3 inputs per run).

Usage::

    from benchmarks._lineage_graphs import lineage_dag, layout_request
    G = lineage_dag(5_000, seed=1)
    request = layout_request(G, engine="layered")
"""
from __future__ import annotations

import random

import networkx as nx

from lineage_desktop.layout.types import LayoutNode, LayoutRequest


class _Builder:
    """Adds runs and artifact versions with the real key scheme and graph attributes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.G = nx.DiGraph()
        self._versions: dict[str, int] = {}
        self._runs = 0

    def artifact(self, name: str, type_: str) -> str:
        index = self._versions.get(name, 0)
        self._versions[name] = index + 1
        key = f"artifact:{name}:v{index}"
        self.G.add_node(key, kind="artifact", type=type_, label=f"{name}:v{index}", name=name,
                        index=index, version=f"v{index}")
        return key

    def run(self, job_type: str, inputs: list[str], outputs: list[tuple[str, str]]) -> list[str]:
        self._runs += 1
        run_id = f"{self.rng.getrandbits(32):08x}{self._runs:04d}"
        key = f"run:{run_id}"
        self.G.add_node(key, kind="run", type=job_type, label=f"{job_type}-{self._runs}",
                        job_type=job_type, id=run_id)
        for source in inputs:
            self.G.add_edge(source, key)
        logged = []
        for name, type_ in outputs:
            version = self.artifact(name, type_)
            self.G.add_edge(key, version)
            logged.append(version)
        return logged


def lineage_dag(n_nodes: int, seed: int = 0) -> nx.DiGraph:
    """A lineage DAG with exactly ``n_nodes`` nodes, deterministic for a seed."""
    rng = random.Random(seed)
    b = _Builder(rng)
    raw: list[str] = []
    processed: list[str] = []
    models: list[str] = []
    test_sets: list[str] = []
    project = 0
    while b.G.number_of_nodes() < n_nodes:
        project += 1
        # A few raw datasets, each with a couple of versions uploaded by ingest runs.
        for d in range(rng.randint(1, 3)):
            name = f"raw-{project}-{d}"
            for _ in range(rng.randint(1, 3)):
                inputs = [rng.choice(raw)] if raw and rng.random() < 0.5 else []
                raw += b.run("ingest", inputs, [(name, "raw_dataset")])
        # Preprocessing: one or two raw versions in, a train split and often a test split out.
        for _ in range(rng.randint(2, 5)):
            inputs = rng.sample(raw[-6:], k=min(len(raw[-6:]), rng.choice((1, 1, 1, 2))))
            outputs = [(f"train-{project}", "dataset")]
            if rng.random() < 0.6:
                outputs.append((f"test-{project}", "dataset"))
            logged = b.run("preprocess", inputs, outputs)
            processed.append(logged[0])
            test_sets += logged[1:]
        # Sweeps of training runs on the newest processed versions; some take a base model.
        for dataset in processed[-3:]:
            for _ in range(rng.randint(2, 12)):
                inputs = [dataset]
                if models and rng.random() < 0.25:
                    inputs.append(rng.choice(models[-30:]))
                elif rng.random() < 0.1 and len(processed) > 1:
                    inputs.append(rng.choice(processed[-10:]))
                outputs = [(f"model-{project}", "model")]
                if rng.random() < 0.2:
                    outputs.append((f"ckpt-{project}", "checkpoint"))
                logged = b.run("train", inputs, outputs)
                models.append(logged[0])
                # Evaluation: a model and a test set in, a report out.
                for _ in range(rng.choice((0, 1, 1, 1, 2))):
                    ev_inputs = [logged[0]] + ([rng.choice(test_sets[-5:])] if test_sets else [])
                    b.run("eval", ev_inputs, [(f"report-{project}", "report")])
                if rng.random() < 0.1:
                    b.run("export", [logged[0]], [(f"packaged-{project}", "packaged_model")])
    # Whole projects overshoot the target: drop the newest nodes (never an ancestor of kept ones).
    extra = list(b.G.nodes)[n_nodes:]
    b.G.remove_nodes_from(extra)
    return b.G


def layout_request(
    G: nx.DiGraph,
    direction: str = "LR",
    engine: str = "auto",
    size: tuple[float, float] = (200.0, 56.0),
    vary_width: bool = True,
    ranks: dict[str, int] | None = None,
) -> LayoutRequest:
    """A request with card-sized boxes; widths vary a little like real label metrics."""
    w, h = size
    nodes = []
    for key, data in G.nodes(data=True):
        width = w
        if vary_width:
            # Deterministic per label, like a font metric: 0.8x to 1.2x.
            width = w * (0.8 + 0.4 * ((len(data.get("label", key)) * 37) % 11) / 10)
        nodes.append(LayoutNode(key, round(width, 1), h, None if ranks is None else ranks.get(key)))
    return LayoutRequest(tuple(nodes), tuple(G.edges()), direction=direction, engine=engine)


def clustered_view(
    n_nodes: int, n_edges: int, seed: int = 0, levels: int = 8, long_edges: float = 0.1,
    max_span: int = 2,
) -> nx.DiGraph:
    """A view graph as W&B-style clustering leaves it around a hub with many descendants.

    Each level alternates runs and artifacts; a few of its nodes are clusters ("37 train
    runs") that carry most of the edges between levels, the rest are single nodes that
    stayed below the clustering threshold. Every node is reached from the level before;
    further edges join random pairs of adjacent levels (a share ``long_edges`` of them
span up to ``max_span`` levels: a run reading an old artifact), drawn
    so that clusters hold hundreds of edges, until there are exactly ``n_edges`` (the
    issue's view: 1,747 nodes, 5,005 edges). Nodes carry ``level`` like the real view.
    """
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_node("artifact:hub:v0", kind="artifact", label="hub:v0", level=0)
    per_level = [["artifact:hub:v0"]]
    remaining = n_nodes - 1
    for level in range(1, levels + 1):
        count = remaining // (levels - level + 1)
        remaining -= count
        kind = "run" if level % 2 else "artifact"
        keys = []
        for i in range(count):
            is_cluster = i < max(1, count // 25)
            key = (f"cluster:{level}:{i}" if is_cluster
                   else f"{kind}:{level}-{i:05d}-{rng.getrandbits(24):06x}")
            G.add_node(key, kind="cluster" if is_cluster else kind, level=level,
                       label=f"{i} members" if is_cluster else key.split(":")[1])
            keys.append(key)
        per_level.append(keys)

    def pick(keys: list[str]) -> str:
        # Clusters (the first twenty-fifth of a level) are ten times as likely.
        heavy = max(1, len(keys) // 25)
        if rng.random() < 0.7:
            return keys[rng.randrange(heavy)]
        return rng.choice(keys)

    for level in range(1, levels + 1):
        for key in per_level[level]:
            G.add_edge(pick(per_level[level - 1]), key)
    attempts = 0
    while G.number_of_edges() < n_edges and attempts < 50 * n_edges:
        attempts += 1
        level = rng.randrange(1, levels + 1)
        back = 1
        if level > 1 and rng.random() < long_edges:
            back = rng.randint(2, min(max_span, level))
        source, target = pick(per_level[level - back]), pick(per_level[level])
        if rng.random() < 0.5:
            target = rng.choice(per_level[level])
        else:
            source = rng.choice(per_level[level - back])
        G.add_edge(source, target)
    return G


def slow_clustered_view(n_nodes: int = 1_747, n_edges: int = 5_005, seed: int = 0) -> nx.DiGraph:
    """``clustered_view`` twelve levels deep with three in ten extra edges spanning up to
    six levels: the shape closest to the issue's 45.9 s view that was found (dot takes
    12 s on it here against 5.6 s for the eight-level default)."""
    return clustered_view(n_nodes, n_edges, seed=seed, levels=12, long_edges=0.3, max_span=6)


def wide_graph(n_nodes: int, n_edges: int, seed: int = 0, levels: int = 3) -> nx.DiGraph:
    """Few nodes, many edges: ``levels`` ranks joined densely (edges between adjacent
    ranks at random), the shape that makes dot slow with few nodes."""
    rng = random.Random(seed)
    G = nx.DiGraph()
    per_level = [[f"{'run' if lv % 2 else 'artifact'}:w{lv}-{i}" for i in range(
        n_nodes // levels + (1 if lv < n_nodes % levels else 0))] for lv in range(levels)]
    for lv, keys in enumerate(per_level):
        for key in keys:
            G.add_node(key, kind=key.split(":")[0], label=key.split(":")[1], level=lv)
    limit = sum(len(a) * len(b) for a, b in zip(per_level, per_level[1:]))
    while G.number_of_edges() < min(n_edges, limit):
        lv = rng.randrange(levels - 1)
        G.add_edge(rng.choice(per_level[lv]), rng.choice(per_level[lv + 1]))
    return G


def view_request(G: nx.DiGraph, direction: str = "LR", engine: str = "auto") -> LayoutRequest:
    """``layout_request`` with the ``level`` of every node as its rank, as the window sends."""
    ranks = {k: d["level"] for k, d in G.nodes(data=True) if "level" in d}
    return layout_request(G, direction=direction, engine=engine,
                          ranks=ranks if len(ranks) == G.number_of_nodes() else None)
