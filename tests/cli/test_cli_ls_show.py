"""``ls`` and ``show``: text for people, stable ``--json`` for scripts, ``--as-of``."""
from __future__ import annotations

import json

import lineage_desktop as ld


def test_ls_text_lists_collections_with_aliases(cli, lineage):
    status, out, err = cli("ls", lineage.store)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["TYPE", "NAME", "VERSIONS", "ALIASES"]
    rows = {line.split()[1]: line.split() for line in lines[1:]}
    assert set(rows) == {"raw-data", "features", "model", "report"}
    assert rows["model"] == ["model", "model", "2", "latest=v1", "best=v0"]


def test_ls_long_lists_every_version(cli, lineage):
    status, out, _ = cli("ls", lineage.store, "--type", "model", "--long")
    assert status == 0
    assert out.splitlines()[0].startswith("model (model, 2 versions)")
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["v0", "v1"]
    assert out.splitlines()[1].rstrip().endswith("best")


def test_ls_json(cli, lineage):
    status, out, _ = cli("ls", lineage.store, "--json")
    assert status == 0
    data = json.loads(out)
    assert isinstance(data, list)
    by_name = {c["name"]: c for c in data}
    model = by_name["model"]
    assert model["type"] == "model" and model["version_count"] == 2
    assert [(v["version"], v["aliases"]) for v in model["versions"]] == [
        ("v0", ["best"]), ("v1", ["latest"])]
    assert model["versions"][0]["logged_by"] == lineage.runs["train"]
    assert set(model) >= {"name", "type", "entity", "project", "description", "created_at",
                          "version_count", "versions"}
    assert set(model["versions"][0]) >= {"version", "index", "aliases", "digest", "size",
                                         "file_count", "created_at", "logged_by"}
    status, out, _ = cli("ls", lineage.store, "--json", "--type", "dataset")
    assert {c["name"] for c in json.loads(out)} == {"raw-data", "features"}


def test_ls_as_of(cli, lineage):
    first = ld.Api(store=lineage.store).artifact("model:v0").created_at
    status, out, _ = cli("ls", lineage.store, "--json", "--as-of", first)
    assert status == 0
    by_name = {c["name"]: c for c in json.loads(out)}
    assert "report" not in by_name  # logged later
    assert [(v["version"], v["aliases"]) for v in by_name["model"]["versions"]] == [
        ("v0", ["best", "latest"])]
    status, out, _ = cli("ls", lineage.store, "--as-of", "2001-01-01")
    assert status == 0 and out.strip() == "no artifacts"


def test_show_version_text(cli, lineage):
    status, out, err = cli("show", lineage.store, "model:best")
    assert status == 0, err
    assert out.splitlines()[0] == "model:v0  (model)"
    fields = {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip()
              for line in out.splitlines()[1:] if ":" in line}
    assert fields["aliases"] == "best"
    assert fields["logged by"].startswith(f"train (train, finished, {lineage.run_key('train')}")
    assert fields["used by"] == "1 run"
    assert f"evaluate (evaluate, finished, {lineage.run_key('evaluate')})" in out
    assert fields["size"] == "9 B in 1 file"
    assert "auc:" in out and "0.91" in out
    assert "model.pt" in out and fields["digest"]


def test_show_version_json(cli, lineage):
    status, out, _ = cli("show", lineage.store, "raw-data", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["kind"] == "artifact" and data["key"] == "artifact:raw-data:v0"
    assert data["label"] == "raw-data:v0" and data["aliases"] == ["latest"]
    assert data["description"] == "raw <b>rows</b>" and data["metadata"] == {"rows": 3}
    assert data["logged_by"] == {"id": lineage.runs["ingest"], "name": "ingest",
                                 "job_type": "ingest", "state": "finished"}
    assert [r["id"] for r in data["used_by"]] == [lineage.runs["prep"]]
    assert data["file_count"] == 3 == len(data["files"])
    files = {f["path"]: f for f in data["files"]}
    assert files["rows.csv"]["ref"] is None
    assert files["images/dog.png"]["ref"] == (lineage.folder / "dog.png").as_uri()
    for key in ("type", "created_at", "size", "digest", "qualified_name", "tags", "state"):
        assert key in data


def test_show_run_by_key_and_by_bare_id(cli, lineage):
    run_id = lineage.runs["train"]
    status, out, _ = cli("show", lineage.store, f"run:{run_id}", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["kind"] == "run" and data["id"] == run_id and data["name"] == "train"
    assert data["job_type"] == "train" and data["state"] == "finished"
    assert data["config"] == {"seed": 1} and data["exit_code"] == 0
    assert [v["label"] for v in data["inputs"]] == ["features:v0"]
    assert [(v["label"], v["aliases"]) for v in data["outputs"]] == [("model:v0", ["best"])]
    for key in ("author", "host", "group", "started_at", "finished_at", "duration_seconds",
                "notes", "tags", "entity", "project"):
        assert key in data
    status, text, _ = cli("show", lineage.store, run_id)
    assert status == 0
    assert text.splitlines()[0] == f"train  (run {run_id})"
    assert "inputs (1):" in text and "features:v0" in text
    assert "outputs (1):" in text and "model:v0" in text


def test_show_as_of(cli, lineage):
    first = ld.Api(store=lineage.store).artifact("model:v0").created_at
    status, out, _ = cli("show", lineage.store, "model", "--json", "--as-of", first)
    assert status == 0
    data = json.loads(out)
    assert data["label"] == "model:v0" and data["used_by"] == []  # evaluate came later
    status, _, err = cli("show", lineage.store, lineage.run_key("evaluate"),
                         "--as-of", first)
    assert status == 2 and "started at" in err


def test_text_output_escapes_control_characters(cli, tmp_path):
    store = tmp_path / "odd.db"
    artifact = ld.Artifact("odd", "dataset", description="line one\nline two \x1b[31mred")
    with ld.init(project="p", store=store) as run:
        run.log_artifact(artifact)
    status, out, _ = cli("show", store, "odd")
    assert status == 0
    assert "\x1b" not in out and "line one line two ?[31mred" in out


def test_show_names_registry_links_both_ways(cli, lineage):
    with ld.init(project="shop", entity="acme", job_type="register",
                 store=lineage.store) as run:
        model = run.use_artifact("model:best")
        run.link_artifact(model, "wandb-registry-model/churn", aliases=["champion"])
    status, out, err = cli("show", lineage.store, "model:v0", "--json")
    assert status == 0, err
    data = json.loads(out)
    [link] = data["linked_to"]
    assert (link["name"], link["version"]) == ("churn", "v0")
    assert link["aliases"] == ["champion", "latest"]
    assert link["path"] == "wandb-registry-model/churn:v0" and data["source"] is None
    status, out, _ = cli("show", lineage.store, "model:v0")
    assert "linked to:   wandb-registry-model/churn:v0 (champion, latest)" in out
    status, out, _ = cli("show", lineage.store, "wandb-registry-model/churn:champion", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["source"]["label"] == "model:v0" and data["linked_to"] == []
    status, out, _ = cli("show", lineage.store, "model:v0", "--json", "--as-of", "2001-01-01")
    assert status == 2  # the version did not exist yet


def test_show_and_export_json_carry_a_runs_summary(cli, tmp_path):
    """``show`` (text and --json) and the graph's JSON export give a run's summary beside
    its config, as the run preview does: last logged values, and values set by hand."""
    store = tmp_path / "summary.db"
    with ld.init(project="p", name="trainer", store=store, config={"lr": 0.1}) as run:
        for step in range(3):
            run.log({"loss": 1.0 / (step + 1)})
        run.summary["best_acc"] = 0.93
        art = ld.Artifact("model", type="model")
        art.metadata["note"] = "<b>x</b>"
        (tmp_path / "w.bin").write_bytes(b"w")
        art.add_file(str(tmp_path / "w.bin"))
        run.log_artifact(art, aliases=["best"])
        run_id = run.id
    status, out, err = cli("show", store, f"run:{run_id}", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["config"] == {"lr": 0.1}
    assert data["summary"]["best_acc"] == 0.93 and data["summary"]["loss"] == 1.0 / 3
    status, out, _ = cli("show", store, f"run:{run_id}")
    assert status == 0
    lines = out.splitlines()
    assert "  summary:" in lines
    assert any(line.split() == ["best_acc:", "0.93"] for line in lines)
    target = tmp_path / "lineage.json"
    status, _, err = cli("export", store, "model:v0", "-o", target)
    assert status == 0, err
    nodes = {n["key"]: n for n in json.loads(target.read_text())["nodes"]}
    assert nodes[f"run:{run_id}"]["config"] == {"lr": 0.1}
    assert nodes[f"run:{run_id}"]["summary"]["best_acc"] == 0.93
    assert nodes["artifact:model:v0"]["aliases"] == ["best", "latest"]
