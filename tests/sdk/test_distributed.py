"""Distributed versions: ``run.upsert_artifact`` from several runs (processes) and one
``run.finish_artifact`` (W&B docs "distributed runs"; only the import changed)."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest
from backend_switch import raw_sql, store_arg

import lineage_desktop as ld
import lineage_desktop as wandb
from lineage_desktop.records import DraftConflict, EmptyDraft, MissingDistributedId, TypeMismatch


def _draft_rows(store_path) -> int:
    with raw_sql(store_path) as execute:
        return sum(execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                   for table in ("draft_entries", "draft_runs"))


def _outputs(store_path, run_id):
    return [a.name for a in ld.Api(store=store_path).run(run_id).logged_artifacts()]


def _worker(store_path, make_file, index, group="g", content=None, **upsert):
    with wandb.init(project="p", group=group, store=store_path) as run:
        artifact = wandb.Artifact("shards", "dataset")
        artifact.add_file(make_file(f"s{index}.txt", content or f"shard {index}"),
                          name=f"shard-{index}.txt")
        run.upsert_artifact(artifact, **upsert)
    return run


def test_upserts_then_finish_make_one_version_with_every_writer(store_path, make_file):
    writers = [_worker(store_path, make_file, i) for i in range(3)]
    assert ld.Api(store=store_path).artifact_exists("shards") is False
    with wandb.init(project="p", group="g", store=store_path) as run:
        artifact = wandb.Artifact("shards", "dataset")
        artifact.add_file(make_file("index.txt", "index"), name="index.txt")
        run.finish_artifact(artifact, aliases=["final"])
    assert artifact.version == "v0" and sorted(artifact.aliases) == ["final", "latest"]
    paths = [e.path for e in artifact.files()]
    assert paths == ["index.txt", "shard-0.txt", "shard-1.txt", "shard-2.txt"]
    for writer in [*writers, run]:
        assert _outputs(store_path, writer.id) == ["shards:v0"]
    assert _draft_rows(store_path) == 0
    ld.Api(store=store_path).artifact("shards:v0").verify()


def test_finish_twice_and_finish_of_nothing_are_refused(store_path, make_file):
    _worker(store_path, make_file, 0)
    with wandb.init(project="p", group="g", store=store_path) as run:
        run.finish_artifact(wandb.Artifact("shards", "dataset"))
        with pytest.raises(EmptyDraft, match="finished already"):
            run.finish_artifact(wandb.Artifact("shards", "dataset"))
    assert [a.version for a in ld.Api(store=store_path).artifact_versions("shards")] == ["v0"]


def test_distributed_id_defaults_to_the_group_and_is_needed_without_one(store_path, make_file):
    _worker(store_path, make_file, 0, group="a")
    _worker(store_path, make_file, 1, group="b")
    with wandb.init(project="p", store=store_path) as run:
        with pytest.raises(MissingDistributedId):
            run.finish_artifact(wandb.Artifact("shards", "dataset"))
        with pytest.raises(TypeError):  # W&B's class
            run.upsert_artifact(wandb.Artifact("shards", "dataset"))
        finished = run.finish_artifact(wandb.Artifact("shards", "dataset"), distributed_id="b")
    assert [e.path for e in finished.files()] == ["shard-1.txt"]
    assert _draft_rows(store_path) == 2  # group a's draft is untouched


def test_explicit_distributed_id_without_a_group(store_path, make_file):
    for index in range(2):
        _worker(store_path, make_file, index, group=None, distributed_id="job-7")
    with wandb.init(project="p", store=store_path) as run:
        done = run.finish_artifact(wandb.Artifact("shards", "dataset"), distributed_id="job-7")
    assert done.file_count == 2


def test_same_path_other_content_from_two_runs_is_a_named_conflict(store_path, make_file):
    first = _worker(store_path, make_file, 0)
    with pytest.raises(DraftConflict, match="shard-0.txt") as caught:
        _worker(store_path, make_file, 0, content="other")
    assert first.id in str(caught.value)
    # Equal content from another run is no conflict; both are writers.
    second = _worker(store_path, make_file, 0)
    with wandb.init(project="p", group="g", store=store_path) as run:
        run.finish_artifact(wandb.Artifact("shards", "dataset"))
    assert _outputs(store_path, first.id) == _outputs(store_path, second.id) == ["shards:v0"]


def test_one_run_upserting_a_path_again_replaces_it(store_path, make_file):
    with wandb.init(project="p", group="g", store=store_path) as run:
        for content in ("old", "new!"):
            artifact = wandb.Artifact("shards", "dataset")
            artifact.add_file(make_file(f"{content}.txt", content), name="a.txt")
            run.upsert_artifact(artifact)
        done = run.finish_artifact(wandb.Artifact("shards", "dataset"))
    assert [e.size for e in done.files()] == [4]


def test_upsert_of_another_type_is_refused(store_path, make_file):
    _worker(store_path, make_file, 0)
    with wandb.init(project="p", group="g", store=store_path) as run:
        artifact = wandb.Artifact("shards", "model")
        artifact.add_file(make_file("m.txt", "m"))
        with pytest.raises(TypeMismatch):
            run.upsert_artifact(artifact)
        with pytest.raises(TypeMismatch):
            run.finish_artifact(wandb.Artifact("shards", "model"))


def test_upsert_a_path(store_path, make_file):
    with wandb.init(project="p", group="g", store=store_path) as run:
        run.upsert_artifact(make_file("f.txt", "f"), name="files", type="dataset")
        done = run.finish_artifact(wandb.Artifact("files", "dataset"))
    assert [e.path for e in done.files()] == ["f.txt"]


# ------------------------------------------------------------- real processes
_WORKER = textwrap.dedent("""
    import sys, pathlib
    import lineage_desktop as wandb
    store, index, folder = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
    shard = folder / f"shard-{index}.bin"
    shard.write_bytes(bytes([index]) * 50_000)
    with wandb.init(project="p", group="dist", store=store) as run:
        artifact = wandb.Artifact("dataset", "dataset")
        artifact.add_file(shard, name=f"shards/shard-{index}.bin")
        artifact.add_file(folder / "common.txt", name="common.txt")  # same everywhere
        run.upsert_artifact(artifact)
        print(run.id, flush=True)
""")


def test_processes_upsert_concurrently_into_one_version(tmp_path, store_path):
    (tmp_path / "common.txt").write_text("shared")
    # The launcher creates the store: processes that create one fresh store at the same
    # moment race in its migration (StoreBusy / NotALineageStore), a bug of opening.
    wandb.init(project="p", store=store_path).finish()
    workers = 6
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, store_arg(store_path), str(i),
                               str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for i in range(workers)]
    results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * workers, results
    run_ids = [out.strip() for out, _ in results]
    finish = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import lineage_desktop as wandb
        with wandb.init(project="p", group="dist", store={store_arg(store_path)!r}) as run:
            run.finish_artifact(wandb.Artifact("dataset", "dataset"))
            print(run.id)
    """)], capture_output=True, text=True, timeout=120)
    assert finish.returncode == 0, finish.stderr
    api = ld.Api(store=store_path)
    (version,) = api.artifact_versions("dataset")
    assert version.version == "v0"
    assert [e.path for e in version.files()] == [
        "common.txt", *[f"shards/shard-{i}.bin" for i in range(workers)]]
    version.verify()
    for run_id in [*run_ids, finish.stdout.strip()]:
        assert _outputs(store_path, run_id) == ["dataset:v0"]
    assert _draft_rows(store_path) == 0


_DYING = textwrap.dedent("""
    import os, signal, sys
    from contextlib import contextmanager
    import lineage_desktop as wandb
    from lineage_desktop.store.core import Store
    store, folder = sys.argv[1], sys.argv[2]
    plain, dying = Store.transaction, [False]

    @contextmanager
    def transaction(self):
        with plain(self) as conn:
            yield conn
            if dying[0]:  # everything written, nothing committed
                os.kill(os.getpid(), signal.SIGKILL)

    Store.transaction = transaction
    with wandb.init(project="p", group="g", store=store) as run:
        for index in range(2):
            path = os.path.join(folder, f"k{index}.txt")
            with open(path, "w") as handle:
                handle.write(f"killed {index}")
            artifact = wandb.Artifact("shards", "dataset")
            artifact.add_file(path, name=f"k{index}.txt")
            dying[0] = index == 1
            run.upsert_artifact(artifact)
""")


def test_a_process_killed_mid_upsert_leaves_the_draft_whole(tmp_path, store_path):
    out = subprocess.run([sys.executable, "-c", _DYING, store_arg(store_path), str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == -signal.SIGKILL, out.stderr
    with wandb.init(project="p", group="g", store=store_path) as run:
        done = run.finish_artifact(wandb.Artifact("shards", "dataset"))
    assert [e.path for e in done.files()] == ["k0.txt"]  # the first upsert, not the second
    done.verify()
    assert _draft_rows(store_path) == 0


def test_aliases_of_every_upsert_and_of_the_finish_all_land_on_the_version(
        store_path, make_file):
    # W&B sends each call's aliases with the distributed id to the one version it names,
    # so the finished version carries their union; an alias already on another version
    # of the collection moves to it.
    with wandb.init(project="p", store=store_path) as run:
        old = wandb.Artifact("shards", "dataset")
        old.add_file(make_file("old.txt", "old"))
        run.log_artifact(old, aliases=["stable", "candidate"])
    # W&B code block (distributed runs), only the import changed:
    with wandb.init(project="p", group="g", store=store_path) as run:
        artifact = wandb.Artifact("shards", "dataset")
        artifact.add_file(make_file("a.txt", "a"), name="shard-0.txt")
        run.upsert_artifact(artifact, aliases=["candidate", "rank-0"])
    with wandb.init(project="p", group="g", store=store_path) as run:
        artifact = wandb.Artifact("shards", "dataset")
        artifact.add_file(make_file("b.txt", "b"), name="shard-1.txt")
        run.upsert_artifact(artifact, aliases=["rank-1"])
    with wandb.init(project="p", group="g", store=store_path) as run:
        artifact = wandb.Artifact("shards", "dataset")
        run.finish_artifact(artifact, aliases=["final"])
    assert sorted(artifact.aliases) == ["candidate", "final", "latest", "rank-0", "rank-1"]
    api = ld.Api(store=store_path)
    assert api.artifact("shards:candidate").version == "v1"
    assert api.artifact("shards:v0").aliases == ["stable"]
    # The next draft of the same id starts without them.
    _worker(store_path, make_file, 2, aliases=["rank-2"])
    with wandb.init(project="p", group="g", store=store_path) as run:
        nxt = run.finish_artifact(wandb.Artifact("shards", "dataset"))
    assert sorted(nxt.aliases) == ["latest", "rank-2"]
    assert _draft_rows(store_path) == 0 and _alias_rows(store_path) == 0


def test_aliases_of_an_unfinished_draft_resolve_nothing(store_path, make_file):
    _worker(store_path, make_file, 0, aliases=["pending"])
    with pytest.raises(LookupError):
        ld.Api(store=store_path).artifact("shards:pending")


def _alias_rows(store_path) -> int:
    with raw_sql(store_path) as execute:
        return execute("SELECT COUNT(*) FROM draft_aliases").fetchone()[0]
