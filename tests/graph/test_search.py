"""Cluster member search: exact, then prefix, then substring, case-insensitive."""
import pytest
from lineage_builder import LineageBuilder

from lineage_desktop.graph import LineageModel, search_members
from lineage_desktop.records import NotFound

RUNS = "cluster:1:run:train"
VERSIONS = "cluster:2:artifact:model:churn-model"


def _model() -> LineageModel:
    b = LineageBuilder()
    d = b.artifact("data")
    names = {"x1": "pretrain-a", "x2": "train-big", "x3": "Train", "train9": "zeta",
             "x5": "alpha"}
    for run_id, name in names.items():
        b.job(run_id, "train", [d], name=name)
    aliases = {3: ["best"], 6: ["latest"], 2: ["baseline"]}
    outs = [b.artifact("churn-model", i, type="model", aliases=aliases.get(i, ()))
            for i in range(7)]
    b.logged("run:x5", outs[0])
    for out in outs[1:]:
        b.logged("run:x5", out)
    return LineageModel(b.build(d))


def test_empty_query_lists_every_member_in_order():
    model = _model()
    expected = ["run:x5", "run:x1", "run:x3", "run:x2", "run:train9"]  # alpha, pretrain..
    assert model.members(RUNS) == expected
    assert search_members(model.view(), RUNS, "") == expected
    assert model.search(RUNS, "   ") == expected


def test_exact_then_prefix_then_substring():
    # exact: run name "Train" (case-insensitive); prefix: "train-big", run id "train9";
    # substring: "pretrain-a"
    assert _model().search(RUNS, "train") == ["run:x3", "run:x2", "run:train9", "run:x1"]


def test_search_by_version_alias_and_name_version():
    model = _model()
    assert model.search(VERSIONS, "v3") == ["artifact:churn-model:v3"]
    assert model.search(VERSIONS, "BEST") == ["artifact:churn-model:v3"]
    assert model.search(VERSIONS, "churn-model:v6") == ["artifact:churn-model:v6"]
    assert model.search(VERSIONS, "churn-model:latest") == ["artifact:churn-model:v6"]
    # "b": alias prefix (baseline v2, best v3); nothing else starts with b
    assert model.search(VERSIONS, "b") == ["artifact:churn-model:v2", "artifact:churn-model:v3"]
    # "model": substring of every member's name
    assert len(model.search(VERSIONS, "model")) == 7
    assert model.search(VERSIONS, "nothing-like-this") == []


def test_unknown_cluster_is_a_lookup_error():
    with pytest.raises(NotFound):
        _model().search("cluster:9:run:nope", "x")
