"""A hand-built store for the report command (as in tests/audit):

    ingest -> raw:v0 -> prep -> clean:v0 -> train -> model:v0 -> eval -> report:v0
                              \\-> fan -> side:v0         labels:v0 -^
"""
from __future__ import annotations

import time

import pytest

import lineage_desktop as ld


class Builder:
    def __init__(self, path):
        self.path = path
        self.runs: dict[str, str] = {}

    def step(self, name, inputs=(), outputs=(), aliases=None, description=None, files=None):
        with ld.init(project="p", entity="e", name=name, job_type=name,
                     store=self.path) as run:
            for ref in inputs:
                run.use_artifact(ref)
            for art_name, art_type in outputs:
                artifact = ld.Artifact(art_name, art_type, description=description)
                for path, text in (files or {"f.txt": f"{art_name} by {name}"}).items():
                    with artifact.new_file(path) as handle:
                        handle.write(text)
                run.log_artifact(artifact, aliases=aliases)
        self.runs[name] = f"run:{run.id}"
        time.sleep(0.002)  # distinct timestamps for as-of tests
        return run

    def tamper(self, name, text="tampered"):
        entry = ld.Api(store=self.path).artifact(name).files()[0]
        blob = self.path.with_name(self.path.name + ".files") / entry.digest[:2] / entry.digest
        blob.write_text(text)


@pytest.fixture
def built(tmp_path):
    builder = Builder(tmp_path / "audit.db")
    builder.step("ingest", outputs=[("raw", "raw_data"), ("labels", "raw_data")])
    builder.step("prep", ["raw:latest"], [("clean", "dataset")])
    builder.step("train", ["clean:latest", "labels:latest"], [("model", "model")])
    builder.step("eval", ["model:latest"], [("report", "report")])
    builder.step("fan", ["clean:latest"], [("side", "dataset")])
    return builder
