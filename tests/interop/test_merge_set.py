"""merge of SQLite stores, set-based (``interop/merge_set.py``): row for row the result of
the row-by-row merge, the same report, on varied sources; damaged sources go row by row."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest
from interop_store import copy_store, write_store

import lineage_desktop as ld
from lineage_desktop.interop import merge_set
from lineage_desktop.interop.merge import merge_stores
from lineage_desktop.store import Store, file_digest
from lineage_desktop.store.merge_sql import FOUND_SQL

pytestmark = pytest.mark.sqlite_file("the set-based merge attaches SQLite files; rows compared")


def _log(store: Path, name: str, type_: str, content: str, aliases=(), project="churn",
         entity="acme") -> None:
    with ld.init(project=project, entity=entity, job_type="train", store=store) as run:
        artifact = ld.Artifact(name, type_)
        with artifact.new_file("f.bin") as handle:
            handle.write(content)
        run.log_artifact(artifact, aliases=list(aliases))


def _record(store: Path, folder: Path, name: str, steps: int, project="churn") -> str:
    """A run with a history of ``steps`` steps, a summary and two saved files."""
    folder.mkdir()
    (folder / "log.txt").write_text(f"log of {name}")
    (folder / "sub").mkdir()
    (folder / "sub" / "cfg.yaml").write_text(f"name: {name}")
    with ld.init(project=project, entity="acme", job_type="train", name=name,
                 store=store) as run:
        for step in range(steps):
            run.log({"loss": 1.0 / (step + 1), "step_name": f"{name}-{step}"})
        run.summary["best"] = steps
        run.save(str(folder / "**" / "*.*"), base_path=str(folder), policy="now")
        return run.id


def _save(store: Store, run_id: str, path: Path, name: str) -> None:
    digest, size = file_digest(path)
    store.blobs.put_file(digest, path)
    store.save_run_file(run_id, name, digest, size, "2099-01-01T00:00:00.000000Z")


def _run_data(tmp_path: Path, a: Path, b: Path, c: Path) -> None:
    """Run data on the sources: new runs with history, summary and files; a run of the
    target that b recorded further (steps and a file the target lacks, a file with other
    content, a differing summary); the running run completed on b with a summary; a
    file of c whose blob is missing."""
    _record(b, tmp_path / "rb", "on-b", 5)
    _record(c, tmp_path / "rc", "on-c", 3, project="elsewhere")
    missing = tmp_path / "missing.txt"
    missing.write_text("only its record reaches c's store")
    with Store.open(b) as store:
        runs = {r.job_type: r for r in store.runs()}
        store.append_history(runs["evaluate"].id, [(0, {"auc": 0.8}), (1, {"auc": 0.85})],
                             {"auc": 0.85})
        store.append_history(runs["serve"].id, [(0, {"served": 10})], {"served": 10})
        extra = tmp_path / "extra.txt"
        extra.write_text("saved on b")
        _save(store, runs["evaluate"].id, extra, "extra.txt")
        store.set_summary(runs["ingest"].id, {"rows": 2})
    with Store.open(a) as store:  # in the target too: b's extra.txt differs, step 0 differs
        runs = {r.job_type: r for r in store.runs()}
        store.append_history(runs["evaluate"].id, [(0, {"auc": 0.7})], None)
        other = tmp_path / "other.txt"
        other.write_text("saved on a")
        _save(store, runs["evaluate"].id, other, "extra.txt")
    with Store.open(c) as store:
        run_id = _record(c, tmp_path / "rc2", "lost-blob", 2, project="elsewhere")
        _save(store, run_id, missing, "missing.txt")
        store.blobs.path_for(file_digest(missing)[0]).unlink()


def _sources(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A target and three sources: shared runs and versions, a run recorded differently,
    a run the target saw running, same-digest versions, a type conflict, a producer in
    neither store, alias moves and removals, edits, a registry link and a tombstone."""
    a = write_store(tmp_path / "a.db")
    with Store.open(a) as store:  # the target's evaluate run recorded a history already
        evaluate = [r for r in store.runs() if r.job_type == "evaluate"][0]
        store.append_history(evaluate.id, [(5, {"auc": 0.6})], {"auc": 0.6})
    target = copy_store(a, tmp_path / "target.db")  # has a's running run
    b = copy_store(a, tmp_path / "b.db")
    with Store.open(b) as store:
        running = [r for r in store.runs() if r.state == "running"][0]
        store.update_run(running.id, state="finished", exit_code=0,
                         finished_at="2099-01-01T00:00:00.000000Z")
    _log(b, "churn-model", "model", "trained on b", aliases=["candidate"])
    _log(a, "churn-model", "model", "trained on a")
    _log(a, "churn-model", "model", "trained on b")  # b's content again: one version
    with sqlite3.connect(b) as conn:
        conn.execute("UPDATE runs SET notes = 'edited on b' WHERE job_type = 'ingest'")
    conn.close()
    c = tmp_path / "c.db"
    _log(c, "churn-model", "dataset", "not a model")  # a type conflict
    _log(c, "other", "model", "x", aliases=["staging"], project="elsewhere")
    _log(c, "other", "model", "y", aliases=["staging", "production"], project="elsewhere")
    with ld.init(project="elsewhere", entity="acme", store=c) as run:
        model = ld.Artifact("m", "model")
        with model.new_file("w.bin") as handle:
            handle.write("weights")
        run.link_artifact(model, "wandb-registry-model/m", aliases=["champion"])
        old = ld.Artifact("old", "dataset")
        with old.new_file("o.txt") as handle:
            handle.write("old")
        run.log_artifact(old, aliases=["gone"])
    with ld.Api(store=c) as api:
        api.artifact("acme/elsewhere/old:v0").delete(delete_aliases=True)
        edited = api.artifact("acme/elsewhere/other:v0")
        edited.description = "edited on c"
        edited.metadata = {"auc": 0.9}
        edited.tags = ["reviewed"]
        edited.aliases.remove("staging") if "staging" in edited.aliases else None
        edited.save()
    _log(c, "other", "model", "z", project="elsewhere")
    with sqlite3.connect(c) as conn:  # a producer that neither store has
        conn.execute("UPDATE versions SET run_id = 'ghost' WHERE id = (SELECT MAX(id) "
                     "FROM versions)")
    conn.close()
    _run_data(tmp_path, a, b, c)
    return target, [a, b, c]


def _dump(path: Path) -> dict[str, list[str]]:
    """Every row of every table (runs with their rowid), sorted; projects without the
    time of their creation (the merge's clock)."""
    conn = sqlite3.connect(path)
    found = {}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                 "AND name NOT LIKE 'sqlite_%'"):
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        if table == "projects":
            columns.remove("created_at")
        if table == "runs":
            columns.append("rowid")
        found[table] = sorted(map(repr, conn.execute(
            f"SELECT {', '.join(columns)} FROM {table}")))
    conn.close()
    blobs = Path(f"{path}.files")
    found["(blobs)"] = sorted(p.name for p in blobs.rglob("*") if p.is_file()) \
        if blobs.is_dir() else []
    return found


@contextmanager
def _row_by_row(target, sources, report):
    yield None


def _merged(monkeypatch, target: Path, sources: list[Path], set_based: bool):
    """Merge into ``target`` (twice: the second finds everything); the reports and
    which path each merge took."""
    taken = []
    real = merge_set.set_based

    @contextmanager
    def spy(target, opened, report):
        with real(target, opened, report) as merge:
            taken.append(merge is not None)
            yield merge

    with monkeypatch.context() as patch:
        patch.setattr(merge_set, "set_based", spy if set_based else _row_by_row)
        reports = []
        for _ in range(2):
            with Store.open(target) as store:
                report = merge_stores(store, sources)
            reports.append((report.read, dict(report.counts), report.conflicts,
                            report.notes, report.skipped))
    return reports, taken


def _compare(tmp_path, monkeypatch, target: Path, sources: list[Path], name: str) -> None:
    by_sets = copy_store(target, tmp_path / f"{name}-sets.db")
    by_rows = copy_store(target, tmp_path / f"{name}-rows.db")
    reports, taken = _merged(monkeypatch, by_sets, sources, set_based=True)
    expected, _ = _merged(monkeypatch, by_rows, sources, set_based=False)
    assert taken == [True, True]
    assert reports == expected
    assert _dump(by_sets) == _dump(by_rows)


def test_set_based_merge_equals_the_row_by_row_merge(tmp_path, monkeypatch):
    target, sources = _sources(tmp_path)
    _compare(tmp_path, monkeypatch, target, sources, "full")
    # the report says what happened: the conflicts of each kind are there
    reports, _ = _merged(monkeypatch, copy_store(target, tmp_path / "r.db"), sources, True)
    conflicts = "\n".join(reports[0][2])
    assert "differs in notes" in conflicts and "has type 'dataset'" in conflicts
    assert "names run ghost" in conflicts
    assert "differs in summary" in conflicts and "saved extra.txt with other" in conflicts
    assert reports[0][1]["runs completed"] == 1
    assert reports[0][1]["history steps added"] and reports[0][1]["saved files added"]
    assert any("lack their contents" in note for note in reports[0][3])
    assert "versions added" not in reports[1][1]  # the second merge finds everything


def test_set_based_merge_into_an_empty_store_and_in_each_order(tmp_path, monkeypatch):
    _, sources = _sources(tmp_path)
    empty = tmp_path / "empty.db"
    Store.open(empty).close()
    _compare(tmp_path, monkeypatch, empty, sources, "empty")
    _compare(tmp_path, monkeypatch, empty, sources[::-1], "reversed")
    _compare(tmp_path, monkeypatch, empty, [sources[0], sources[0]], "twice")


def test_a_damaged_source_is_merged_row_by_row(tmp_path, monkeypatch):
    source = tmp_path / "a.db"
    _log(source, "m", "model", "w")
    _record(source, tmp_path / "r", "r", 2)
    _, taken = _merged(monkeypatch, tmp_path / "t.db", [source], set_based=True)
    assert taken == [True, True]
    for number, damage in enumerate((
            "UPDATE versions SET metadata = '{\"a\": NaN}'",
            "UPDATE manifest SET path = '../escape'",
            "UPDATE manifest SET ref = 'file:///etc/passwd'",
            "UPDATE run_files SET path = '../escape' WHERE path = 'log.txt'",
            "UPDATE run_files SET digest = '../../etc/passwd' WHERE path = 'log.txt'",
            "UPDATE run_history SET row = '{\"a\": NaN}' WHERE step = 1")):
        damaged = tmp_path / f"damaged-{number}.db"
        with sqlite3.connect(source) as old, sqlite3.connect(damaged) as conn:
            old.backup(conn)
            conn.execute(damage)
        old.close()
        conn.close()
        _, taken = _merged(monkeypatch, tmp_path / f"t{number}.db", [damaged], set_based=True)
        assert taken == [False, False], damage


def test_runs_read_through_the_checked_reader_are_copied_as_read(tmp_path, monkeypatch):
    """A run whose cells a reader repairs (JSON that is not an object, a space before
    it, tags that are not strings) is merged set-based as the row-by-row merge writes it."""
    source = tmp_path / "a.db"
    _log(source, "m", "model", "w")
    _log(source, "m", "model", "v")
    with sqlite3.connect(source) as conn:
        first, second = [row[0] for row in conn.execute("SELECT id FROM runs ORDER BY id")]
        conn.execute("UPDATE runs SET config = ' {}', tags = '[1]', summary = '[2]' "
                     "WHERE id = ?", (first,))
        conn.execute("UPDATE runs SET config = '\"{}\"', state = 'running' WHERE id = ?",
                     (second,))
    conn.close()
    empty = tmp_path / "empty.db"
    Store.open(empty).close()
    _compare(tmp_path, monkeypatch, empty, [source], "checked")


def test_versions_already_there_are_found_by_digest(tmp_path):
    """A merge that finds every version (merged again) looks each up by its digest, not
    by walking its collection in number order (quadratic in a collection's size)."""
    with Store.open(tmp_path / "t.db") as store:
        store.merge_begin()
        plan = " ".join(store.merge_query_plan(FOUND_SQL))
        store.merge_end()
    assert "versions_digest" in plan and "sqlite_autoindex_versions" not in plan, plan
