"""Hand-built lineage stores with known answers, shared by the audit, report and window
tests (the fixtures ``built`` and ``diamond`` in tests/conftest.py).

``built``:   ingest -> raw:v0 -> prep -> clean:v0 -> train -> model:v0 -> eval -> report:v0
                                          \\-> fan -> side:v0     labels:v0 -^
``diamond``: src -> raw:v0 -> left  -> a:v0 -> join -> model:v0
                          \\-> right -> b:v0 -^          (and raw:v0 -> aside -> c:v0)
"""
from __future__ import annotations

import time
from pathlib import Path

import lineage_desktop as ld


class Builder:
    """Writes runs through the SDK; ``runs`` maps each step's name to its run key."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.runs: dict[str, str] = {}

    def step(self, name, inputs=(), outputs=(), aliases=None, metadata=None, files=None,
             description=None):
        """One run named (and job-typed) ``name`` using ``inputs`` and logging ``outputs``
        (``(artifact name, type)`` pairs); returns the logged artifacts."""
        with ld.init(project="p", entity="e", name=name, job_type=name,
                     store=self.path) as run:
            for ref in inputs:
                run.use_artifact(ref)
            logged = []
            for art_name, art_type in outputs:
                artifact = ld.Artifact(art_name, art_type, description=description,
                                       metadata=metadata or {})
                for path, text in (files or {"f.txt": f"{art_name} by {name}"}).items():
                    with artifact.new_file(path) as handle:
                        handle.write(text)
                logged.append(run.log_artifact(artifact, aliases=aliases))
        self.runs[name] = f"run:{run.id}"
        time.sleep(0.002)  # distinct timestamps for as-of tests
        return logged

    def blob(self, name: str) -> Path:
        """The stored blob of ``name``'s (latest version's) first file."""
        entry = ld.Api(store=self.path).artifact(name).files()[0]
        return self.path.with_name(self.path.name + ".files") / entry.digest[:2] / entry.digest

    def tamper(self, name: str, text: str = "tampered") -> Path:
        """Overwrite that blob, as a corrupted disk or a hand edit would."""
        blob = self.blob(name)
        blob.write_text(text)
        return blob


def build_main(path: Path) -> Builder:
    builder = Builder(path)
    builder.step("ingest", outputs=[("raw", "raw_data"), ("labels", "raw_data")])
    builder.step("prep", ["raw:latest"], [("clean", "dataset")])
    builder.step("train", ["clean:latest", "labels:latest"], [("model", "model")])
    builder.step("eval", ["model:latest"], [("report", "report")])
    builder.step("fan", ["clean:latest"], [("side", "dataset")])
    return builder


def build_diamond(path: Path) -> Builder:
    builder = Builder(path)
    builder.step("src", outputs=[("raw", "raw_data")])
    builder.step("left", ["raw:latest"], [("a", "dataset")])
    builder.step("right", ["raw:latest"], [("b", "dataset")])
    builder.step("join", ["a:latest", "b:latest"], [("model", "model")])
    builder.step("aside", ["raw:latest"], [("c", "dataset")])
    return builder


def build_tombstone(path: Path, deleted_by: str) -> Path:
    """data:v0 used by the run that logged model:v0, then deleted by ``deleted_by`` (the
    deleted-version tests of the scene and the window)."""
    from lineage_desktop.store import Store

    with ld.init(project="p", entity="e", store=path) as run:
        data = ld.Artifact("data", "dataset")
        with data.new_file("rows.txt") as handle:
            handle.write("rows")
        run.log_artifact(data)
    with ld.init(project="p", entity="e", store=path) as run:
        run.use_artifact("data:v0")
        model = ld.Artifact("model", "model")
        with model.new_file("w.bin") as handle:
            handle.write("weights")
        run.log_artifact(model)
    with Store.open(path) as store:
        store.delete_version(data.id, deleted_by)
    return path
