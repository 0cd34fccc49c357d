"""A small recorded pipeline for the team-store tests: data, then models trained on it."""
from __future__ import annotations

import lineage_desktop as ld


def record_pipeline(target: str, models: int = 2) -> None:
    """``churn-data:v0`` (alias production) and ``models`` training runs that use it, each
    logging a ``churn-model`` version; every writer closed afterwards."""
    with ld.init(project="churn", job_type="prep", store=target) as run:
        data = ld.Artifact("churn-data", type="dataset")
        with data.new_file("raw.csv") as handle:
            handle.write("a,b\n1,2\n")
        run.log_artifact(data, aliases=["production"])
    for index in range(models):
        with ld.init(project="churn", job_type="train", store=target) as run:
            run.use_artifact("churn-data:production" if index == 0 else "churn-data:v0")
            model = ld.Artifact("churn-model", type="model")
            with model.new_file("w.txt") as handle:
                handle.write("weights" if index == 0 else f"weights {index + 1}")
            run.log_artifact(model)
    from lineage_desktop.sdk import stores

    stores._close_all()
