"""W&B's run surface (issue 13, "Runs"): ``ld.run``/``ld.log``/``ld.config``/``ld.summary``,
``run.log`` step rules, summary and config semantics, ``save``, ``reinit`` and the read
API's ``history``/``scan_history``/``summary``/``files``, on a real store."""
from __future__ import annotations

import argparse
import math
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import lineage_desktop as ld
from lineage_desktop.records import ValidationError
from lineage_desktop.records.validation import UnsafeEntry
from lineage_desktop.sdk import history as history_module


def _api_run(store, run):
    return ld.Api(store=store).run(run.id)


# ------------------------------------------------------------- module level
def test_top_level_calls_before_init_say_init_first(tmp_path):
    assert ld.run is None
    with pytest.raises(ld.UsageError, match=r"call ld.init\(\) before ld.log\(\)"):
        ld.log({"loss": 1.0})
    with pytest.raises(ld.UsageError, match=r"before ld.config.lr"):
        ld.config.lr  # noqa: B018
    with pytest.raises(ld.UsageError, match=r"before ld.summary\['acc'\]"):
        ld.summary["acc"] = 1
    with pytest.raises(ld.UsageError, match="save"):
        ld.save("x.txt")


def test_init_makes_the_module_level_run_and_finish_ends_it(tmp_path):
    store = tmp_path / "s.db"
    run = ld.init(project="p", store=store, config={"epochs": 2})
    assert ld.run is run and ld.config.epochs == 2 and ld.summary is run.summary
    for epoch in range(ld.config.epochs):
        ld.log({"loss": 1.0 / (epoch + 1)})
    ld.summary["best"] = 0.5
    ld.finish()
    assert ld.run is None and run.state == "finished"
    read = _api_run(store, run)
    assert [row["loss"] for row in read.scan_history()] == [1.0, 0.5]
    assert read.summary["loss"] == 0.5 and read.summary["best"] == 0.5
    with pytest.raises(ld.UsageError):
        ld.log({"loss": 0})


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_reinit_follows_wandb(tmp_path):
    store = tmp_path / "s.db"
    first = ld.init(project="p", store=store)
    with pytest.warns(UserWarning, match="returning that run"):
        assert ld.init(project="p", store=store) is first  # W&B's default outside notebooks
    other = ld.init(project="p", store=store, reinit="create_new")
    assert other is not first and ld.run is first  # create_new leaves ld.run alone
    elsewhere = ld.init(project="p", store=tmp_path / "other.db")
    assert elsewhere is not first and ld.run is first  # another store: never the same run
    fresh = ld.init(project="p", store=store, reinit="finish_previous")
    assert first.state == "finished" and ld.run is fresh
    with pytest.raises(ValidationError, match="reinit"):
        ld.init(project="p", store=store, reinit="sometimes")
    for run in (other, elsewhere, fresh):
        run.finish()


def test_init_accepts_wandb_settings_and_refuses_what_it_cannot_do(tmp_path):
    store = tmp_path / "s.db"
    with ld.init(project="p", store=store, dir=str(tmp_path), save_code=True,
                 mode="offline", settings=ld.Settings(quiet=True),
                 config={"a": 1, "b": 2}, config_exclude_keys=["b"]) as run:
        assert dict(run.config) == {"a": 1}
    with pytest.raises(ValidationError, match="disabled"):
        ld.init(project="p", store=store, mode="disabled")
    with pytest.raises(ValidationError, match="resume"):
        ld.init(project="p", store=store, resume="must")
    with pytest.warns(UserWarning, match="offline"):
        assert ld.login(key="x") is True


def test_a_script_that_never_finishes_is_finished_at_exit(tmp_path):
    store = tmp_path / "s.db"
    script = textwrap.dedent(f"""
        import lineage_desktop as ld
        ld.init(project="p", store={str(store)!r}, name=NAME)
        for i in range(3):
            ld.log({{"i": i}})
    """)
    for name, tail, state in (("clean", "", "finished"),
                              ("crash", "raise SystemExit('boom')", "finished"),
                              ("error", "raise RuntimeError('boom')", "failed")):
        code = script.replace("NAME", repr(name)) + tail + "\n"
        subprocess.run([sys.executable, "-c", code], timeout=60, capture_output=True)
        api = ld.Api(store=store)
        (run,) = [r for r in api.runs() if r.name == name]
        assert run.state == state
        assert [row["i"] for row in run.scan_history()] == [0, 1, 2]


# ------------------------------------------------------------- run.log
def test_log_steps_follow_wandbs_rules(tmp_path):
    store = tmp_path / "s.db"
    with ld.init(project="p", store=store) as run:
        run.log({"a": 1})                      # step 0
        run.log({"b": 2}, commit=False)        # step 1, pending
        run.log({"c": 3})                      # step 1 committed
        run.log({"d": 4}, step=5)              # step 5, pending (explicit step)
        run.log({"e": 5}, step=5)              # same step
        run.log({"f": 6}, step=7)              # finalises 5, opens 7
        with pytest.warns(history_module.StepWarning, match="less than the current step 7"):
            run.log({"g": 7}, step=6)          # ignored
        run.log({"h": 8}, step=7, commit=True)
        assert run.step == 8
    rows = list(_api_run(store, run).scan_history())
    assert [(r["_step"], sorted(k for k in r if not k.startswith("_"))) for r in rows] == [
        (0, ["a"]), (1, ["b", "c"]), (5, ["d", "e"]), (7, ["f", "h"])]
    assert all(r["_runtime"] >= 0 and r["_timestamp"] > 1e9 for r in rows)


def test_log_refuses_what_wandb_refuses(tmp_path):
    with ld.init(project="p", store=tmp_path / "s.db") as run:
        with pytest.raises(TypeError, match="dictionary"):
            run.log([("loss", 1)])
        with pytest.raises(TypeError, match="strings"):
            run.log({1: 2})
        with pytest.raises(ld.UnloggableValue, match="not supported offline"):
            run.log({"image": object()})
        with pytest.raises(ValidationError, match="step"):
            run.log({"a": 1}, step=-1)
        run.log({"ok": 1})
    assert [r["ok"] for r in _api_run(tmp_path / "s.db", run).scan_history()] == [1]


def test_values_come_back_as_logged(tmp_path):
    np = pytest.importorskip("numpy")
    store = tmp_path / "s.db"
    with ld.init(project="p", store=store) as run:
        run.log({"loss": math.nan, "up": math.inf, "n": np.float32(0.5),
                 "vec": np.arange(3), "nested": {"x": [1, 2]}, "word": "NaN?"})
    (row,) = _api_run(store, run).scan_history()
    assert math.isnan(row["loss"]) and row["up"] == math.inf
    assert row["n"] == 0.5 and row["vec"] == [0, 1, 2] and row["nested"] == {"x": [1, 2]}
    assert row["word"] == "NaN?"
    assert math.isnan(_api_run(store, run).summary["loss"])


def test_history_is_written_a_batch_at_a_time(tmp_path, monkeypatch):
    calls = []
    store = tmp_path / "s.db"
    with ld.init(project="p", store=store) as run:
        real = run.store.append_history
        monkeypatch.setattr(run.store, "append_history",
                            lambda *a, **k: (calls.append(len(a[1])), real(*a, **k)))
        for step in range(2_000):
            run.log({f"m{k}": step * k for k in range(10)})
    assert sum(calls) == 2_000 and len(calls) <= 2_000 // history_module.FLUSH_ROWS + 3
    read = _api_run(store, run)
    assert read.lastHistoryStep == 1_999
    assert [r["_step"] for r in read.history(samples=5, pandas=False)] == [
        0, 500, 1000, 1499, 1999]
    assert [sorted(r) for r in read.history(keys=["m3"], samples=2, pandas=False)] == [
        ["_step", "m3"], ["_step", "m3"]]
    assert len(list(read.scan_history(min_step=1990, max_step=1995))) == 5


def test_a_killed_process_keeps_every_written_batch(tmp_path):
    store = tmp_path / "s.db"
    script = textwrap.dedent(f"""
        import os, signal, time, lineage_desktop as ld
        run = ld.init(project="p", store={str(store)!r})
        for step in range(1_250):
            run.log({{"x": step}})
        print(run.id, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == -signal.SIGKILL
    api = ld.Api(store=store)
    read = api.run(out.stdout.strip())
    steps = [row["_step"] for row in read.scan_history()]
    # whole batches, in order, none torn: at most the last batch (and the time flushes) lost
    assert steps == list(range(len(steps))) and len(steps) >= 1_000
    assert read.state == "crashed"


# ------------------------------------------------------------- summary, config
def test_summary_is_the_last_value_unless_set(tmp_path):
    store = tmp_path / "s.db"
    with ld.init(project="p", store=store) as run:
        for acc in (0.5, 0.9, 0.7):
            run.log({"acc": acc})
            if acc > run.summary.get("best_acc", 0):
                run.summary["best_acc"] = acc
        run.summary.update({"note": "done"})
        del run.summary["note"]
        assert run.summary.acc == 0.7 and "note" not in run.summary
        with pytest.raises(AttributeError):
            run.summary.missing  # noqa: B018
    with ld.init(project="p", store=store) as quiet:
        quiet.summary["auc"] = 0.8  # no step waiting: written at once
        assert ld.Api(store=store).run(quiet.id).summary == {"auc": 0.8}
    summary = _api_run(store, run).summary
    assert summary["acc"] == 0.7 and summary["best_acc"] == 0.9 and summary["_step"] == 2


def test_config_follows_wandb(tmp_path):
    store = tmp_path / "s.db"
    args = argparse.Namespace(batch_size=8, lr=0.1)
    with ld.init(project="p", store=store, config={"epochs": 4}) as run:
        run.config.update(args)
        run.config["--dropout"] = 0.2  # keys are stripped of '-', as W&B does
        run.config.setdefaults({"epochs": 99, "seed": 1})
        assert (run.config.batch_size, run.config["dropout"], run.config.epochs,
                run.config.seed) == (8, 0.2, 4, 1)
        with pytest.raises(ld.ConfigError, match="allow_val_change"):
            run.config.lr = 0.2
        run.config.update({"lr": 0.2}, allow_val_change=True)
        run.config.lr = 0.2  # the same value is not a change
        with pytest.raises(AttributeError):
            run.config.nothing  # noqa: B018
        # each change is written at once: a reader sees it while the run goes on
        assert ld.Api(store=store).run(run.id).config["lr"] == 0.2
    assert _api_run(store, run).config == {"epochs": 4, "batch_size": 8, "lr": 0.2,
                                           "dropout": 0.2, "seed": 1}


# ------------------------------------------------------------- save
def test_save_records_files_with_the_run(tmp_path, monkeypatch):
    store = tmp_path / "s.db"
    work = tmp_path / "work"
    (work / "ckpt").mkdir(parents=True)
    (work / "ckpt" / "a.pt").write_bytes(b"weights a")
    (work / "ckpt" / "b.pt").write_bytes(b"weights b")
    (work / "log.txt").write_text("log")
    monkeypatch.chdir(work)
    with ld.init(project="p", store=store) as run:
        assert ld.save("ckpt/*.pt") == ["ckpt/a.pt", "ckpt/b.pt"]
        assert run.save(str(work / "log.txt")) == ["log.txt"]  # absolute: its folder
        assert run.save("ckpt/a.pt", base_path="ckpt") == ["a.pt"]
        with pytest.raises(ValidationError, match="outside base_path"):
            run.save("../work/log.txt", base_path="ckpt")
        with pytest.warns(UserWarning, match="cloud storage"):
            assert run.save("s3://bucket/x") == []
        with pytest.raises(ValidationError, match="policy"):
            run.save("log.txt", policy="sometimes")
    read = _api_run(store, run)
    assert [f.name for f in read.files()] == ["a.pt", "ckpt/a.pt", "ckpt/b.pt", "log.txt"]
    target = read.file("ckpt/b.pt").download(tmp_path / "out")
    assert target.read_bytes() == b"weights b"
    with pytest.raises(ValidationError, match="exists"):
        read.file("ckpt/b.pt").download(tmp_path / "out")
    assert read.file("ckpt/b.pt").download(tmp_path / "out", exist_ok=True) == target
    with pytest.raises(LookupError):
        read.file("nope")


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_a_hostile_saved_file_name_is_refused_on_download(tmp_path):
    import sqlite3

    store = tmp_path / "s.db"
    (tmp_path / "f.txt").write_text("x")
    with ld.init(project="p", store=store) as run:
        run.save(str(tmp_path / "f.txt"))
    conn = sqlite3.connect(store)
    conn.execute("UPDATE run_files SET path = '../../escape.txt'")
    conn.commit()
    conn.close()
    (saved,) = _api_run(store, run).files()
    with pytest.raises(UnsafeEntry) as refused:
        saved.download(tmp_path / "out")
    assert "escape" in str(refused.value)
    assert not (tmp_path.parent / "escape.txt").exists()
    assert not os.path.exists(tmp_path / "escape.txt")


def test_server_and_media_calls_say_they_are_not_available_offline():
    from lineage_desktop import sdk

    names = [n for n, module in sdk._EXPORTS.items()
             if module == "lineage_desktop.sdk.offline" and n != "NotAvailableOffline"]
    assert {"sweep", "agent", "Image", "Histogram"} <= set(names)
    for name in names:
        with pytest.raises(ld.NotAvailableOffline, match=f"ld.{name} is not available"):
            getattr(ld, name)()
    with pytest.raises(NotImplementedError, match="media types"):
        ld.Image([[0]], caption="x")


def test_api_overrides_and_existence_checks(tmp_path):
    store = tmp_path / "s.db"
    with ld.init(project="churn", entity="acme", store=store) as run:
        data = ld.Artifact("raw", "dataset")
        (tmp_path / "r.txt").write_text("rows")
        data.add_file(tmp_path / "r.txt")
        run.log_artifact(data, aliases=["prod"])
    api = ld.Api(store=store, overrides={"entity": "acme", "project": "churn"})
    assert (api.entity, api.project) == ("acme", "churn")
    assert api.artifact_exists("raw:prod") and api.artifact_exists("raw:v0", type="dataset")
    assert not api.artifact_exists("raw:v7")
    assert not api.artifact_exists("raw:prod", type="model")
    assert not api.artifact_exists("nothing")
    assert api.artifact_collection_exists("raw", "dataset")
    assert not api.artifact_collection_exists("raw", "model")
    with pytest.raises(ValidationError, match="overrides"):
        ld.Api(store=store, overrides="acme/churn")
