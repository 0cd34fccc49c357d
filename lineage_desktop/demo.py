"""A realistic demo project written through the SDK.

Each "cycle" (about a week of a team's work) ingests three raw sources, builds features,
splits them, runs a hyper-parameter sweep of training runs (some consuming two inputs,
some failing), evaluates the best models into reports and now and then deploys the
production model. The records are what the SDK would write (the same clock, names,
aliases and content), gathered per chunk of runs and written with the store's bulk
methods in one transaction per chunk, so the rate does not fall as the store grows.
Large demos record dataset content as references instead of copying bytes.
"""
from __future__ import annotations

import json
import os
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lineage_desktop.records import ManifestEntry, Run
from lineage_desktop.sdk.artifact import Artifact
from lineage_desktop.sdk.names import friendly_name
from lineage_desktop.store import Store, bytes_digest, manifest_digest, utc_now
from lineage_desktop.store.interop import NewVersion
from lineage_desktop.store.pg.location import is_url
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
# Runs per transaction, and the page cache that holds such a transaction's pages. Run ids
# and digests are random keys: each run adds about ten rows at random places of indexes
# that grow to hundreds of megabytes. With small transactions every such row costs a page
# read, write and checkpoint of its own, and the rate halved by a million runs; a chunk
# this big shares its pages between rows (a killed demo keeps every chunk committed).
BULK_CHUNK = 20_000
BULK_CACHE_MB = 512
FILES_UP_TO = 3_000  # demos up to this many runs store real file content
ENTITY, PROJECT = "acme", "churn"
_ID_ALPHABET = string.ascii_lowercase + string.digits  # as ``sdk.names.new_run_id``
ARTIFACTS = (*(name for name, _ in RAW_SOURCES), "holiday-calendar", "customer-features",
             "train-split", "val-split", "test-split", "churn-model", "eval-report",
             "serving-bundle")


class _Clock:
    """A deterministic clock spread over twelve weeks, advancing a little per record."""

    def __init__(self, total_runs: int) -> None:
        self.start = datetime(2026, 8, 3, 8, 0, tzinfo=UTC)
        self.step = SPAN / max(total_runs, 1)
        self.now = self.start

    def __call__(self) -> str:
        self.now += self.step / 8
        return to_iso(self.now)


@dataclass(eq=False)
class _Version:
    """A version the demo logged (``new``) or whose content it found again; its row id is
    known once the chunk is written."""

    name: str
    index: int
    new: NewVersion | None = None
    id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.name}:v{self.index}"


@dataclass
class _Run:
    """A run being generated: what ``sdk.Run`` would record, kept until it ends."""

    id: str
    name: str
    job_type: str
    group: str | None
    config: dict[str, Any]
    author: str
    host: str
    notes: str | None
    started_at: str
    outputs: list[_Version] = field(default_factory=list)


class _Draft:
    """What ``Artifact.add_reference(uri, name, checksum=False)`` records for a remote
    URI, without the SDK's checks of input the demo itself made (a big demo spent a third
    of its time there)."""

    def __init__(self, name: str, type_name: str, description: str | None,
                 metadata: dict[str, Any]) -> None:
        self.source_name, self.type = name, type_name
        self.description, self.metadata = description, metadata
        self.entries: list[ManifestEntry] = []

    def add_reference(self, uri: str, name: str) -> None:
        self.entries.append(ManifestEntry(name, bytes_digest(uri.encode()), 0, uri))

    @property
    def digest(self) -> str:
        return manifest_digest([(e.path, e.digest) for e in self.entries])

    def files(self) -> list[ManifestEntry]:
        return sorted(self.entries, key=lambda e: e.path)

    def _pending_files(self) -> list[tuple[str, str]]:
        return []


class _Demo:
    def __init__(self, store: Store, runs: int, seed: int,
                 progress: Callable[[int, int], None] | None) -> None:
        self.store, self.total, self.random = store, runs, random.Random(seed)
        self.clock = _Clock(runs)
        self.count = 0
        self.files = runs <= FILES_UP_TO
        self.progress = progress
        self.production: _Version | None = None
        self.calendar: _Version | None = None
        self.project_id = store.ensure_project(ENTITY, PROJECT)
        heads = store.artifact_heads((self.project_id, name) for name in ARTIFACTS)
        self.next_index = {name: index for (_, name), (_, index) in heads.items()}
        self.existing = set(self.next_index)  # artifacts this demo adds to
        self.digests: dict[tuple[str, str], _Version] = {}
        self.run_ids: set[str] = set()
        self._clear()

    def _clear(self) -> None:
        self.runs: list[tuple[int, Run]] = []
        self.versions: list[_Version] = []
        self.usages: list[tuple[str, _Version, str]] = []
        self.outputs: list[tuple[str, _Version, str]] = []  # content found again
        self.moves: list[tuple[_Version, str, str]] = []

    # ------------------------------------------------------------------ records
    def run(self, job_type: str, config: dict[str, Any] | None = None,
            group: str | None = None) -> _Run:
        self.count += 1
        if self.progress is not None and self.count % 500 == 0:
            self.progress(self.count, self.total)
        name = friendly_name(self.count, seed=self.random.randrange(1 << 30))
        author, host = self.random.choice(AUTHORS), self.random.choice(HOSTS)
        notes = None if self.random.random() < 0.8 else "re-run after data fix"
        run_id = _new_run_id()
        while run_id in self.run_ids:  # 8 characters: a million runs may draw one twice
            run_id = _new_run_id()
        self.run_ids.add(run_id)
        return _Run(run_id, name, job_type, group, dict(config or {}), author, host, notes,
                    self.clock())

    def finish(self, run: _Run, exit_code: int = 0) -> None:
        self.runs.append((self.project_id, Run(
            id=run.id, project=PROJECT, entity=ENTITY, name=run.name, job_type=run.job_type,
            group=run.group, author=run.author, host=run.host,
            state="finished" if not exit_code else "failed", started_at=run.started_at,
            finished_at=self.clock(), config=run.config, notes=run.notes,
            exit_code=exit_code)))

    def use(self, run: _Run, version: _Version) -> None:
        self.usages.append((run.id, version, self.clock()))

    def log(self, run: _Run, artifact: Artifact | _Draft) -> _Version:
        """What ``Run.log_artifact`` records: a new version with ``latest``, or the version
        that already holds this content (the run becomes one of its producers)."""
        name, digest, now = artifact.source_name, artifact.digest, self.clock()
        found = self._same_content(name, digest)
        if found is not None:
            self.outputs.append((run.id, found, now))
            self.moves.append((found, "latest", now))
            return found
        index = self.next_index.get(name, 0)
        self.next_index[name] = index + 1
        version = _Version(name, index, NewVersion(
            self.project_id, name, artifact.type, digest, artifact.files(), now,
            artifact.description, artifact.metadata, run_id=run.id,
            files=artifact._pending_files()))
        self.versions.append(version)
        self.digests[(name, digest)] = version
        self.moves.append((version, "latest", now))
        return version

    def _same_content(self, name: str, digest: str) -> _Version | None:
        found = self.digests.get((name, digest))
        if found is None and name in self.existing:  # only when adding to a store
            stored = self.store.version_by_digest(self.project_id, name, digest)
            if stored is not None:
                found = _Version(name, stored.index, id=stored.id)
                self.digests[(name, digest)] = found
        return found

    def write(self) -> None:
        """Write the records gathered since the last call (inside the caller's
        transaction): runs, versions, usages, outputs of found content, alias moves."""
        self.store.insert_runs(self.runs)
        placed = self.store.append_versions([v.new for v in self.versions if v.new])
        for version, (version_id, _) in zip(self.versions, placed, strict=True):
            version.id, version.new = version_id, None  # written: keep only its name
        self.store.add_usages((run_id, _id(v), at) for run_id, v, at in self.usages)
        self.store.add_outputs([(run_id, _id(v), at) for run_id, v, at in self.outputs])
        self.store.move_aliases((_id(v), alias, at) for v, alias, at in self.moves)
        self._clear()

    def draft(self, name: str, type_name: str, description: str | None = None,
              metadata: dict[str, Any] | None = None) -> Artifact | _Draft:
        """A version to log: an SDK ``Artifact`` when the demo stores file content."""
        if self.files:
            return Artifact(name, type_name, description=description, metadata=metadata)
        return _Draft(name, type_name, description, metadata or {})

    def content(self, artifact: Artifact | _Draft, path: str, text: str) -> None:
        if isinstance(artifact, Artifact):
            with artifact.new_file(path) as handle:
                handle.write(text)
        else:
            # Big demos point at content instead of copying it (as teams do with buckets).
            artifact.add_reference(f"s3://acme-ml/churn/{artifact.source_name}/{path}?"
                                   f"{abs(hash(text)) % 10**12}", name=path)

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

    def ingest(self, name: str, description: str, week: int) -> _Version:
        run = self.run("ingest", {"source": name, "week": week})
        rows = 120_000 + week * 1_500 + self.random.randrange(5_000)
        artifact = self.draft(name, "raw_data", description=description,
                            metadata={"rows": rows, "week": week, "format": "parquet"})
        self.content(artifact, "data.csv", f"id,value\n# {name} week {week} rows {rows}\n")
        version = self.log(run, artifact)
        self.finish(run)
        return version

    def preprocess(self, raws: Sequence[_Version | None], week: int) -> _Version:
        run = self.run("preprocess", {"impute": "median", "week": week})
        used = [raw for raw in raws if raw is not None]  # the calendar comes in week 0
        for raw in used:
            self.use(run, raw)
        artifact = self.draft("customer-features", "dataset",
                            description="joined and cleaned customer features",
                            metadata={"columns": 48 + week % 5, "week": week})
        self.content(artifact, "features.parquet", f"features week {week} from "
                     + ",".join(r.label for r in used))
        version = self.log(run, artifact)
        self.finish(run)
        return version

    def split(self, features: _Version, week: int) -> tuple[_Version, _Version, _Version]:
        run = self.run("split", {"ratios": [0.7, 0.15, 0.15], "seed": week})
        self.use(run, features)
        outputs = []
        for part in ("train", "val", "test"):
            artifact = self.draft(f"{part}-split", "dataset", metadata={"week": week})
            self.content(artifact, f"{part}.parquet", f"{part} of {features.label}")
            outputs.append(self.log(run, artifact))
        self.finish(run)
        return outputs[0], outputs[1], outputs[2]

    def sweep(self, train: _Version, val: _Version, week: int) -> list[tuple[_Version, float]]:
        models = []
        for trial in range(6):
            if self.count >= self.total:
                break
            config = {"lr": round(10 ** self.random.uniform(-4, -2), 6),
                      "max_depth": self.random.choice([4, 6, 8]),
                      "n_estimators": self.random.choice([200, 400, 800])}
            run = self.run("train", config, group=f"sweep-week-{week}")
            self.use(run, train)
            if trial % 2:
                self.use(run, val)  # early stopping on the validation split
            if self.random.random() < 0.12:
                self.finish(run, exit_code=1)  # diverged: no model
                continue
            auc = round(0.78 + self.random.random() * 0.15, 4)
            model = self.draft("churn-model", "model", description="gradient boosted trees",
                             metadata={"auc": auc, **config})
            self.content(model, "model.pkl", f"model {run.id} {config}")
            models.append((self.log(run, model), auc))
            self.finish(run)
        return models

    def evaluate(self, model: _Version, test: _Version, auc: float) -> None:
        if self.count >= self.total:
            return
        run = self.run("evaluate", {"threshold": 0.5})
        self.use(run, model)
        self.use(run, test)
        report = self.draft("eval-report", "report", metadata={"auc": auc})
        self.content(report, "metrics.json", json.dumps({"auc": auc, "model": model.label}))
        self.log(run, report)
        self.finish(run)
        aliases = ["best"]
        if self.production is None or auc > 0.9:
            aliases.append("production")
            self.production = model
        now = utc_now()  # as ``Store.set_aliases`` stamps a move made after the run
        self.moves.extend((model, alias, now) for alias in aliases)

    def deploy(self) -> None:
        run = self.run("deploy", {"target": "k8s-prod"})
        assert self.production is not None
        self.use(run, self.production)  # churn-model:production
        bundle = self.draft("serving-bundle", "deployment", metadata={"replicas": 3})
        self.content(bundle, "bundle.txt", f"bundle for run {run.id}")
        self.log(run, bundle)
        self.finish(run)


def _new_run_id() -> str:
    """An id of ``new_run_id``'s form from one system call instead of eight (a third of
    the time of a big demo went into drawing run ids)."""
    return "".join(_ID_ALPHABET[byte % len(_ID_ALPHABET)] for byte in os.urandom(8))


def _id(version: _Version) -> int:
    assert version.id is not None, f"{version.label} was not written"
    return version.id


def write_demo(
    path: str | Path, runs: int = 300, seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> Path | str:
    """Write (or add to) a demo project at ``path`` (a file, or a team store's
    ``postgresql://`` URL, returned as given) with about ``runs`` runs."""
    if runs < 1:
        raise ValueError(f"--runs must be at least 1, not {runs}")
    if not is_url(path):
        path = Path(path)
    store = Store.open(path)
    try:
        store.hold_pages(BULK_CACHE_MB)
        demo = _Demo(store, runs, seed, progress)
        week = 0
        while demo.count < runs:
            with store.transaction():
                chunk_end = demo.count + BULK_CHUNK
                while demo.count < min(runs, chunk_end):
                    demo.cycle(week)
                    week += 1
                demo.write()
    finally:
        store.close()
    return path
