"""A small but complete store written through the SDK: what round trips must preserve."""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import lineage_desktop as ld
from lineage_desktop.store import Store


def _artifact(name: str, type_: str, files: dict[str, str], **kwargs) -> ld.Artifact:
    artifact = ld.Artifact(name, type_, **kwargs)
    for path, text in files.items():
        with artifact.new_file(path) as handle:
            handle.write(text)
    return artifact


def write_store(path: Path, project: str = "churn", entity: str = "acme",
                tag: str = "") -> Path:
    """ingest -> preprocess -> train (x2, one failed) -> evaluate, plus a running run."""
    store = Store.open(path)
    common = {"project": project, "entity": entity, "store": store}
    with ld.init(job_type="ingest", config={"source": "crm", "limit": None}, **common) as run:
        raw = _artifact("raw-data", "dataset", {"a.csv": "id\n1\n" + tag, "b.csv": "id\n2\n"},
                        description="<b>raw</b> export", metadata={"rows": 2})
        run.log_artifact(raw, aliases=["prod"])
    with ld.init(job_type="preprocess", tags=["nightly"], **common) as run:
        run.use_artifact("raw-data:prod")
        run.log_artifact(_artifact("train-data", "dataset", {"train.csv": "1" + tag}))
        run.log_artifact(_artifact("test-data", "dataset", {"test.csv": "2" + tag}))
    try:
        with ld.init(job_type="train", config={"lr": 0.1}, notes="diverged", **common) as run:
            run.use_artifact("train-data")
            run.log_artifact(_artifact("churn-model", "model", {"m.bin": "m0" + tag}))
            raise RuntimeError("loss is nan")
    except RuntimeError:
        pass
    with ld.init(job_type="train", config={"lr": 0.01}, group="sweep-1", **common) as run:
        run.use_artifact("train-data")
        run.log_artifact(_artifact("churn-model", "model", {"m.bin": "m1" + tag},
                                   metadata={"auc": 0.91}), aliases=["best"])
    with ld.init(job_type="evaluate", **common) as run:
        run.use_artifact("churn-model:best")
        run.use_artifact("test-data")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run.use_artifact(_artifact("eval-config", "config", {"cfg.yaml": "k: 1" + tag}))
    running = ld.init(job_type="serve", reinit="create_new", **common)  # stays running
    running.use_artifact("churn-model:best")
    running.log_artifact(_artifact("predictions", "predictions", {"p.csv": "0.3" + tag}))
    store.close()  # checkpoints the WAL: the file alone now holds everything
    return path


def copy_store(source: Path, target: Path) -> Path:
    """Another machine's copy of a store: the database file and its blob folder."""
    shutil.copyfile(source, target)
    blobs = Path(str(source) + ".files")
    if blobs.is_dir():
        shutil.copytree(blobs, Path(str(target) + ".files"))
    return target
