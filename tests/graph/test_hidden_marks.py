"""Hiding keeps the picture: levels stay, and a mark stands where hidden nodes were."""
from lineage_builder import chain, fan_out

from lineage_desktop.graph import LineageModel
from lineage_desktop.graph.hidden import is_mark_key

CLEAN = "artifact:clean:v0"
MODEL = "artifact:model:v0"
RUNS = "cluster:1:run:train"
MODELS = "cluster:2:artifact:model"


def test_levels_of_the_remaining_nodes_do_not_change():
    before = LineageModel(chain()).view()
    model = LineageModel(chain())
    model.hide("run:train")
    view = model.view()
    assert {k: view.nodes[k]["level"] for k in view} == {
        k: before.nodes[k]["level"] for k in before if k != "run:train"}
    assert view.nodes[MODEL]["level"] == 2 and model.levels["run:train"] == 1


def test_a_hidden_run_leaves_a_mark_between_its_input_and_output():
    model = LineageModel(chain())
    model.hide("run:train")
    [mark] = model.hidden_marks
    assert is_mark_key(mark.key) and mark.key not in model.view()
    assert mark.level == 1
    assert mark.members == ("run:train",) and mark.labels == ("train",)
    assert mark.sources == (CLEAN,) and mark.targets == (MODEL,)
    assert mark.text == "1 hidden"
    assert "train" in mark.tooltip and "View > Hidden nodes" in mark.tooltip
    model.unhide("run:train")
    assert model.hidden_marks == []


def test_a_hidden_chain_keeps_one_mark_per_level_linked_together():
    model = LineageModel(chain())
    model.hide("run:train")
    model.hide(MODEL)
    marks = {m.level: m for m in model.hidden_marks}
    assert set(marks) == {1, 2}
    assert marks[1].sources == (CLEAN,) and marks[1].targets == (marks[2].key,)
    assert marks[2].sources == (marks[1].key,) and marks[2].targets == ("run:eval",)


def test_hiding_a_cluster_leaves_one_mark_attached_to_the_neighbouring_cluster():
    model = LineageModel(fan_out(14, 4))
    model.hide(RUNS)
    [mark] = model.hidden_marks
    assert len(mark.members) == 14 and mark.text == "14 hidden"
    assert mark.sources == ("artifact:data:v0",) and mark.targets == (MODELS,)
    assert "… and 2 more" in mark.tooltip  # twelve names are listed, the rest counted


def test_a_mark_that_reaches_nothing_visible_is_left_out():
    model = LineageModel(chain())
    model.hide("run:eval")
    model.hide("artifact:report:v0")
    keys = {m.level: m for m in model.hidden_marks}
    assert set(keys) == {3, 4}  # report's mark reaches the model through eval's mark
    model.set_depths(None, 2)  # eval and report are outside the depths now
    assert model.hidden_marks == []
