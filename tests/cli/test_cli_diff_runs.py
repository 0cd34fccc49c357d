"""``diff`` of two runs: config, summary, inputs and outputs."""
from __future__ import annotations

import json

import lineage_desktop as ld


def test_diff_of_two_runs_names_config_summary_and_outputs(cli, lineage):
    """Two runs (``run:<id>``): config and summary keys, inputs and outputs that differ;
    the clock keys every summary holds are not a difference. A run and a version: a
    one-line refusal (exit 2)."""
    train, train2 = lineage.run_key("train"), lineage.run_key("train-2")
    status, out, err = cli("diff", lineage.store, train, train2, "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["kind"] == "runs" and not data["identical"]
    assert data["outputs"] == {"only_a": ["model:v0"], "only_b": ["model:v1"]}
    assert data["inputs"] == {"only_a": [], "only_b": []}
    assert data["config"] == {"added": {}, "removed": {}, "changed": {}}
    status, out, _ = cli("diff", lineage.store, train, train)
    assert status == 0 and out.splitlines()[0].endswith(": identical")
    store = lineage.store
    ids = []
    for lr, acc in ((0.1, 0.8), (0.2, 0.9)):
        with ld.init(project="shop", entity="acme", name=f"sweep-{lr}", store=store,
                     config={"lr": lr, "opt": {"name": "adam", "beta": lr}},
                     reinit="create_new") as run:
            run.log({"acc": acc})
            if lr == 0.2:
                run.summary["note"] = "<b>best</b>\x1b[2J"
            ids.append(run.id)
    status, out, err = cli("diff", store, f"run:{ids[0]}", f"run:{ids[1]}")
    assert status == 0, err
    lines = out.splitlines()
    assert "  ~ lr: 0.1 -> 0.2" in lines and "  ~ opt.beta: 0.1 -> 0.2" in lines
    assert "  ~ acc: 0.8 -> 0.9" in lines
    assert not any("_runtime" in line or "_timestamp" in line for line in lines)
    assert "\x1b" not in out and any(line.startswith("  + note = ") for line in lines)
    status, _, err = cli("diff", store, f"run:{ids[0]}", "model:v0")
    assert status == 2 and "cannot compare a run with a version" in err
    assert len(err.strip().splitlines()) == 1
