"""The team store against ML Metadata, both on the same PostgreSQL server (issue 16).

    LINEAGE_DESKTOP_TEST_PG=postgresql://user@/postgres?host=/run/x \\
        python benchmarks/bench_mlmd.py --mlmd-python /path/to/venv/bin/python \\
        [--chain 2000] [--logs 200]

ML Metadata (``pip install ml-metadata``, 1.17.1 has a wheel for CPython 3.11) pins its
own protobuf, so it runs in its own interpreter, given by ``--mlmd-python``; this script
starts itself there as a child and asks it for one sample at a time, in turn with its own
(a busy machine then slows both alike).

Both sides build the same chain in a fresh database through their own API: ``--chain``
runs (MLMD: executions), each reading the previous version of ``data`` and writing the
next one. Then, on each side:

- recording one output: ``run.log_artifact`` of a one-small-file artifact, against MLMD's
  ``put_execution`` of an artifact with its OUTPUT event and its context (one call, one
  transaction, as ours);
- lineage of depth 3 upstream of the chain's tip: ``Api.lineage(ref, upstream=3,
  downstream=0)`` against ``get_lineage_subgraph(max_num_hops=3, direction=UPSTREAM)``
  (a depth counts edges in both, DESIGN.md).

The baseline of both is one bare round trip to the server (``SELECT 1``). Medians, p95,
and the ratio of ours to MLMD's.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _connection_config(url: str):  # type: ignore[no-untyped-def]
    from ml_metadata.proto import metadata_store_pb2 as pb

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    config = pb.ConnectionConfig()
    pg = config.postgresql
    pg.host = query.get("host", [parts.hostname or "localhost"])[0]
    pg.port = query.get("port", [str(parts.port or 5432)])[0]
    pg.user = parts.username or os.environ.get("USER", "postgres")
    if parts.password:
        pg.password = parts.password
    pg.dbname = parts.path.lstrip("/")
    return config


def mlmd_child(url: str, chain: int) -> None:
    """Runs in the ML Metadata interpreter: build the chain, print its lineage's size,
    then time one call per line read (``lineage`` or ``log``), each printed as JSON."""
    from ml_metadata.metadata_store import metadata_store
    from ml_metadata.proto import metadata_store_pb2 as pb

    store = metadata_store.MetadataStore(_connection_config(url))
    data_type = pb.ArtifactType(name="dataset")
    data_type.properties["n"] = pb.INT
    type_id = store.put_artifact_type(data_type)
    run_type = store.put_execution_type(pb.ExecutionType(name="run"))
    context_type = store.put_context_type(pb.ContextType(name="project"))
    project = pb.Context(name="bench", type_id=context_type)
    [context_id] = store.put_contexts([project])
    project.id = context_id

    def record(index: int, previous: int | None) -> int:
        artifact = pb.Artifact(type_id=type_id, uri=f"/blobs/data-{index}",
                               name=f"data:v{index}")
        artifact.properties["n"].int_value = index
        events = []
        if previous is not None:
            events.append((pb.Artifact(id=previous),
                           pb.Event(type=pb.Event.INPUT)))
        events.append((artifact, pb.Event(type=pb.Event.OUTPUT)))
        execution = pb.Execution(type_id=run_type, name=f"run-{index}",
                                 last_known_state=pb.Execution.COMPLETE)
        _, artifact_ids, _ = store.put_execution(execution, events, [project])
        return int(artifact_ids[-1])

    tip = None
    for index in range(chain):
        tip = record(index, tip)
    options = pb.LineageSubgraphQueryOptions(
        starting_artifacts=pb.LineageSubgraphQueryOptions.StartingNodes(
            filter_query=f"id = {tip}"),
        max_num_hops=3,
        direction=pb.LineageSubgraphQueryOptions.UPSTREAM)
    subgraph = store.get_lineage_subgraph(options)
    print(json.dumps({"lineage_nodes": len(subgraph.artifacts) + len(subgraph.executions)}),
          flush=True)
    logged = chain
    # Then one sample per request, so that the parent takes ours and these in turn.
    for line in sys.stdin:
        start = time.perf_counter()
        if line.strip() == "lineage":
            store.get_lineage_subgraph(options)
        else:
            record(logged, None)
            logged += 1
        print(json.dumps(time.perf_counter() - start), flush=True)


class Theirs:
    """The ML Metadata child: builds its chain, then times one call per request."""

    def __init__(self, python: str, url: str, chain: int) -> None:
        self.process = subprocess.Popen(
            [python, __file__, "--mlmd-child", url, "--chain", str(chain)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.nodes = int(json.loads(self.process.stdout.readline())["lineage_nodes"])
        self.samples: dict[str, list[float]] = {"lineage": [], "log": []}

    def sample(self, what: str) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(what + "\n")
        self.process.stdin.flush()
        self.samples[what].append(float(json.loads(self.process.stdout.readline())))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        if self.process.wait() != 0:
            raise SystemExit("the ML Metadata child failed")


def ours(url: str, chain: int, logs: int, folder: Path, theirs: Theirs,
         lineage_samples: int = 100) -> dict[str, list[float]]:
    from _stats import timed

    import lineage_desktop as ld

    os.environ["LINEAGE_DESKTOP_BLOB_ROOT"] = str(folder)
    source = folder / "one.txt"
    previous = None
    for index in range(chain):
        with ld.init(project="bench", entity="bench", store=url) as run:
            if previous is not None:
                run.use_artifact(previous)
            source.write_text(f"row {index}\n")
            artifact = ld.Artifact("data", "dataset", metadata={"n": index})
            artifact.add_file(str(source), name="data.txt")
            run.log_artifact(artifact)
            previous = "bench/bench/data:latest"
    api = ld.Api(store=url)
    lineage: list[float] = []
    ref = "bench/bench/data:latest"
    api.lineage(ref, upstream=3, downstream=0)  # the connection's first statements
    theirs.sample("lineage")
    theirs.samples["lineage"].clear()
    for _ in range(lineage_samples):  # in turn with theirs: noise hits both alike
        lineage.extend(timed(lambda: api.lineage(ref, upstream=3, downstream=0), 1))
        theirs.sample("lineage")
    nodes = api.lineage(ref, upstream=3, downstream=0)
    raw = api.store._conn._raw  # type: ignore[attr-defined]
    round_trip = timed(lambda: raw.execute("SELECT 1").fetchall(), 200)
    api.close()
    log: list[float] = []
    with ld.init(project="bench", entity="bench", store=url) as run:
        for index in range(logs):
            source.write_text(f"grow {index}\n")
            artifact = ld.Artifact("data", "dataset", metadata={"n": index})
            artifact.add_file(str(source), name="data.txt")
            log.extend(timed(lambda artifact=artifact: run.log_artifact(artifact), 1))
            theirs.sample("log")
    return {"lineage": lineage, "log": log, "round_trip": round_trip,
            "lineage_nodes": [float(nodes.number_of_nodes())]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mlmd-python", help="an interpreter with ml-metadata installed")
    parser.add_argument("--chain", type=int, default=2000)
    parser.add_argument("--logs", type=int, default=200)
    parser.add_argument("--mlmd-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mlmd_child:
        mlmd_child(args.mlmd_child, args.chain)
        return 0
    base = os.environ.get("LINEAGE_DESKTOP_TEST_PG")
    if not base or not args.mlmd_python:
        print("set LINEAGE_DESKTOP_TEST_PG to a server's URL and give --mlmd-python "
              "(a venv with `pip install ml-metadata`)")
        return 0
    from _stats import report
    from bench_team_store import _database

    theirs_url = _database(base)
    child = Theirs(args.mlmd_python, theirs_url, args.chain)
    with tempfile.TemporaryDirectory() as tmp:
        mine = ours(_database(base), args.chain, args.logs, Path(tmp), child)
    child.close()
    theirs = child.samples
    print(f"chain of {args.chain} runs; depth-3 lineage: {int(mine['lineage_nodes'][0])} "
          f"nodes ours, {child.nodes} MLMD; samples of both taken in turn")
    report("baseline: SELECT 1 round trip", mine["round_trip"])
    report("ML Metadata get_lineage_subgraph, 3 hops", theirs["lineage"])
    report("ours Api.lineage depth 3", mine["lineage"], theirs["lineage"])
    report("ML Metadata put_execution (1 output)", theirs["log"])
    report("ours run.log_artifact (1 small file)", mine["log"], theirs["log"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
