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
