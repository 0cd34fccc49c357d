"""The two snippets of the W&B lineage page run with only the import line changed."""
from __future__ import annotations

import lineage_desktop as wandb  # the only change: the import line


def test_track_output_then_input(store_path, make_file, monkeypatch):
    monkeypatch.setenv("LINEAGE_DESKTOP_STORE", str(store_path))
    local = make_file("model.pt", "weights")

    # Initialize a run
    with wandb.init(entity="acme", project="churn") as run:
        # Create an artifact
        artifact = wandb.Artifact(name="churn-model", type="model")
        artifact.add_file(local_path=str(local), name="model.pt")

        # Log the artifact as an output of the run
        run.log_artifact(artifact_or_path=artifact)

    # Initialize a run
    with wandb.init(entity="acme", project="churn") as run:
        # Get artifact, mark it as a dependency
        artifact = run.use_artifact(artifact_or_name="churn-model:latest")

    assert artifact.name == "churn-model:v0"
    graph = wandb.Api(store=str(store_path)).lineage("churn-model:latest")
    used_by = [n for n in graph.successors("artifact:churn-model:v0")]
    assert used_by == [f"run:{run.id}"]
