"""A small hand-built lineage, logged through the SDK into a temporary store, and a
helper that runs the command line in-process.

    ingest -> raw-data:v0 -> prep -> features:v0 -> train -> model:v0 (best)
              (a stored file and             |                  -> evaluate -> report:v0
               a folder reference)           +-> train-2 -> model:v1 (latest)

``model:v0`` is the usual focus: its lineage holds ingest, raw-data:v0, prep,
features:v0, train, model:v0, evaluate and report:v0, but not its sibling train-2 or
model:v1.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.cli.main import main

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@dataclass
class Lineage:
    store: Path
    folder: Path  # the folder added by reference to raw-data:v0
    runs: dict[str, str] = field(default_factory=dict)  # run name -> run id

    def run_key(self, name: str) -> str:
        return f"run:{self.runs[name]}"

    @property
    def focus_lineage(self) -> tuple[set[str], set[tuple[str, str]]]:
        """Expected nodes and edges of the lineage of model:v0 (unclustered)."""
        r = self.run_key
        nodes = {r("ingest"), "artifact:raw-data:v0", r("prep"), "artifact:features:v0",
                 r("train"), "artifact:model:v0", r("evaluate"), "artifact:report:v0"}
        edges = {(r("ingest"), "artifact:raw-data:v0"), ("artifact:raw-data:v0", r("prep")),
                 (r("prep"), "artifact:features:v0"), ("artifact:features:v0", r("train")),
                 (r("train"), "artifact:model:v0"), ("artifact:model:v0", r("evaluate")),
                 (r("evaluate"), "artifact:report:v0")}
        return nodes, edges


def _log(store: Path, name: str, job_type: str, uses: list[str],
         artifact: ld.Artifact | None, aliases: list[str] | None = None) -> str:
    with ld.init(project="shop", entity="acme", name=name, job_type=job_type,
                 store=store, config={"seed": 1}) as run:
        for ref in uses:
            run.use_artifact(ref)
        if artifact is not None:
            run.log_artifact(artifact, aliases=aliases)
        return run.id


@pytest.fixture
def lineage(tmp_path: Path) -> Lineage:
    store = tmp_path / "shop.db"
    folder = tmp_path / "images"
    (folder / "cats").mkdir(parents=True)
    (folder / "cats" / "tom.png").write_bytes(b"tom")
    (folder / "dog.png").write_bytes(b"rex")
    built = Lineage(store, folder)

    raw = ld.Artifact("raw-data", "dataset", description="raw <b>rows</b>",
                      metadata={"rows": 3})
    with raw.new_file("rows.csv") as handle:
        handle.write("a,b\n1,2\n3,4\n")
    raw.add_reference(folder.as_uri(), name="images")  # W&B: no prefix unless named
    built.runs["ingest"] = _log(store, "ingest", "ingest", [], raw)

    features = ld.Artifact("features", "dataset")
    with features.new_file("features.csv") as handle:
        handle.write("f\n0.5\n")
    built.runs["prep"] = _log(store, "prep", "preprocess", ["raw-data:v0"], features)

    model = ld.Artifact("model", "model", metadata={"auc": 0.91})
    with model.new_file("model.pt") as handle:
        handle.write("weights-1")
    built.runs["train"] = _log(store, "train", "train", ["features:v0"], model, ["best"])

    model2 = ld.Artifact("model", "model", metadata={"auc": 0.87})
    with model2.new_file("model.pt") as handle:
        handle.write("weights-2")
    built.runs["train-2"] = _log(store, "train-2", "train", ["features:v0"], model2)

    report = ld.Artifact("report", "report")
    with report.new_file("report.md") as handle:
        handle.write("# auc 0.91\n")
    built.runs["evaluate"] = _log(store, "evaluate", "evaluate", ["model:v0"], report)
    return built


@pytest.fixture
def cli(capsys):
    """Run ``lineage-desktop ARGS...`` in-process: returns (exit status, stdout, stderr)."""
    def run(*args: object) -> tuple[int, str, str]:
        try:
            status = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse errors and --version
            status = exit_.code if isinstance(exit_.code, int) else 2
        out, err = capsys.readouterr()
        return status, out, err

    return run
