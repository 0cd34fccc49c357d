"""A realistic demo project written through the SDK.

Each "cycle" (about a week of a team's work) ingests three raw sources, builds features,
splits them, runs a hyper-parameter sweep of training runs (some consuming two inputs,
some failing), evaluates the best models into reports and now and then deploys the
production model. Large demos commit many runs per transaction (the store's bulk path)
and record dataset content as references instead of copying bytes.
"""
from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lineage_desktop.sdk.artifact import Artifact
from lineage_desktop.sdk.names import friendly_name
from lineage_desktop.sdk.run import Run
from lineage_desktop.store import Store
from lineage_desktop.store.timeutil import to_iso

AUTHORS = ("amara.okafor", "lukas.weber", "mei.tanaka", "sofia.rossi", "dev.patel")
HOSTS = ("gpu-node-01", "gpu-node-02", "laptop-mei", "ci-runner-3")
RAW_SOURCES = (
    ("raw-customers", "crm export of active customer accounts"),
    ("raw-events", "product usage events from the event warehouse"),
    ("raw-support-tickets", "support tickets with <b>free-text</b> notes"),
)
SPAN = timedelta(weeks=12)
# A slowly changing lookup table used by every preprocessing run until its next version:
# its downstream spans several cycles, so the viewer's clusters have real work to do.
CALENDAR_EVERY = 8
BULK_CHUNK = 2_000
FILES_UP_TO = 3_000  # demos up to this many runs store real file content


class _Clock:
    """A deterministic clock spread over twelve weeks, advancing a little per record."""

    def __init__(self, total_runs: int) -> None:
        self.start = datetime(2026, 8, 3, 8, 0, tzinfo=UTC)
        self.step = SPAN / max(total_runs, 1)
        self.now = self.start

    def __call__(self) -> str:
        self.now += self.step / 8
        return to_iso(self.now)


class _Demo:
    def __init__(self, store: Store, runs: int, seed: int,
                 progress: Callable[[int, int], None] | None) -> None:
        self.store, self.total, self.random = store, runs, random.Random(seed)
        self.clock = _Clock(runs)
        self.count = 0
        self.files = runs <= FILES_UP_TO
        self.progress = progress
        self.production: Artifact | None = None
        self.calendar: Artifact | None = None

    # ------------------------------------------------------------------ helpers
    def run(self, job_type: str, config: dict | None = None, group: str | None = None) -> Run:
        self.count += 1
        if self.progress is not None and self.count % 500 == 0:
            self.progress(self.count, self.total)
        return Run(self.store, "churn", entity="acme", job_type=job_type, group=group,
                   name=friendly_name(self.count, seed=self.random.randrange(1 << 30)),
                   config=config, clock=self.clock,
                   author=self.random.choice(AUTHORS), host=self.random.choice(HOSTS),
                   notes=None if self.random.random() < 0.8 else "re-run after data fix")

    def content(self, artifact: Artifact, path: str, text: str) -> None:
        if self.files:
            with artifact.new_file(path) as handle:
                handle.write(text)
        else:
            # Big demos point at content instead of copying it (as teams do with buckets).
            artifact.add_reference(f"s3://acme-ml/churn/{artifact.source_name}/{path}?"
                                   f"{abs(hash(text)) % 10**12}", name=path, checksum=False)

    # ------------------------------------------------------------------ one cycle
    def cycle(self, week: int) -> None:
        raws = [self.ingest(name, description, week) for name, description in RAW_SOURCES]
        if week % CALENDAR_EVERY == 0:
            self.calendar = self.ingest("holiday-calendar", "public holidays per market", week)
        features = self.preprocess((raws[:2] if week % 3 else raws) + [self.calendar], week)
        train, val, test = self.split(features, week)
        models = self.sweep(train, val, week)
        for model, auc in sorted(models, key=lambda m: -m[1])[:2]:
            self.evaluate(model, test, auc)
        if week % 4 == 3 and self.production is not None and self.count < self.total:
            self.deploy()

    def ingest(self, name: str, description: str, week: int) -> Artifact:
        with self.run("ingest", {"source": name, "week": week}) as run:
            rows = 120_000 + week * 1_500 + self.random.randrange(5_000)
            artifact = Artifact(name, "raw_data", description=description,
                                metadata={"rows": rows, "week": week, "format": "parquet"})
            self.content(artifact, "data.csv", f"id,value\n# {name} week {week} rows {rows}\n")
            return run.log_artifact(artifact)

    def preprocess(self, raws: list[Artifact], week: int) -> Artifact:
        with self.run("preprocess", {"impute": "median", "week": week}) as run:
            for raw in raws:
                run.use_artifact(raw)
            artifact = Artifact("customer-features", "dataset",
                                description="joined and cleaned customer features",
                                metadata={"columns": 48 + week % 5, "week": week})
            self.content(artifact, "features.parquet", f"features week {week} from "
                         + ",".join(r.name for r in raws))
            return run.log_artifact(artifact)

    def split(self, features: Artifact, week: int) -> tuple[Artifact, Artifact, Artifact]:
        with self.run("split", {"ratios": [0.7, 0.15, 0.15], "seed": week}) as run:
            run.use_artifact(features)
            outputs = []
            for part in ("train", "val", "test"):
                artifact = Artifact(f"{part}-split", "dataset", metadata={"week": week})
                self.content(artifact, f"{part}.parquet", f"{part} of {features.name}")
                outputs.append(run.log_artifact(artifact))
            return outputs[0], outputs[1], outputs[2]

    def sweep(self, train: Artifact, val: Artifact, week: int) -> list[tuple[Artifact, float]]:
        models = []
        for trial in range(6):
            if self.count >= self.total:
                break
            config = {"lr": round(10 ** self.random.uniform(-4, -2), 6),
                      "max_depth": self.random.choice([4, 6, 8]),
                      "n_estimators": self.random.choice([200, 400, 800])}
            run = self.run("train", config, group=f"sweep-week-{week}")
            with run:
                run.use_artifact(train)
                if trial % 2:
                    run.use_artifact(val)  # early stopping on the validation split
                if self.random.random() < 0.12:
                    run.finish(exit_code=1)  # diverged: no model
                    continue
                auc = round(0.78 + self.random.random() * 0.15, 4)
                model = Artifact("churn-model", "model", description="gradient boosted trees",
                                 metadata={"auc": auc, **config})
                self.content(model, "model.pkl", f"model {run.id} {config}")
                models.append((run.log_artifact(model), auc))
        return models

    def evaluate(self, model: Artifact, test: Artifact, auc: float) -> None:
        if self.count >= self.total:
            return
        with self.run("evaluate", {"threshold": 0.5}) as run:
            run.use_artifact(model)
            run.use_artifact(test)
            report = Artifact("eval-report", "report", metadata={"auc": auc})
            self.content(report, "metrics.json", json.dumps({"auc": auc, "model": model.name}))
            run.log_artifact(report)
        aliases = ["best"]
        if self.production is None or auc > 0.9:
            aliases.append("production")
            self.production = model
        self.store.set_aliases(model.record.id, aliases)

    def deploy(self) -> None:
        with self.run("deploy", {"target": "k8s-prod"}) as run:
            run.use_artifact("churn-model:production")
            bundle = Artifact("serving-bundle", "deployment", metadata={"replicas": 3})
            self.content(bundle, "bundle.txt", f"bundle for run {run.id}")
            run.log_artifact(bundle)


def write_demo(
    path: str | Path, runs: int = 300, seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write (or add to) a demo project at ``path`` with about ``runs`` runs."""
    if runs < 1:
        raise ValueError(f"--runs must be at least 1, not {runs}")
    path = Path(path)
    store = Store.open(path)
    try:
        demo = _Demo(store, runs, seed, progress)
        week = 0
        while demo.count < runs:
            with store.transaction():
                chunk_end = demo.count + BULK_CHUNK
                while demo.count < min(runs, chunk_end):
                    demo.cycle(week)
                    week += 1
    finally:
        store.close()
    return path
