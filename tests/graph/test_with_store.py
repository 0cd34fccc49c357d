"""The model on a raw graph from the real SDK (the contract between sdk and graph)."""
import lineage_desktop as ld
from lineage_desktop.graph import LineageModel, to_json
from lineage_desktop.sdk import Api


def test_model_on_a_lineage_read_from_a_store(tmp_path):
    store = str(tmp_path / "t.db")
    src = tmp_path / "data.csv"
    src.write_text("a,b\n1,2\n")
    with ld.init(project="p", job_type="ingest", store=store) as run:
        data = ld.Artifact(name="data", type="dataset")
        data.add_file(local_path=str(src))
        run.log_artifact(artifact_or_path=data)
    for i in range(6):
        with ld.init(project="p", job_type="train", store=store) as run:
            run.use_artifact(artifact_or_name="data:latest")
            model = ld.Artifact(name="model", type="model")
            with model.new_file("w.txt", mode="w") as fh:
                fh.write(str(i))
            run.log_artifact(artifact_or_path=model)
    raw = Api(store=store).lineage("data:v0")
    model = LineageModel(raw)
    view = model.view()
    assert model.problems == []
    assert view.nodes["artifact:data:v0"]["level"] == 0
    assert view.nodes["cluster:1:run:train"]["count"] == 6
    assert view.nodes["cluster:2:artifact:model:model"]["label"] == "6 versions of model"
    assert [n["level"] for n in to_json(view)["nodes"]] == [-1, 0, 1, 2]
    assert model.search("cluster:2:artifact:model:model", "latest") == ["artifact:model:v5"]
