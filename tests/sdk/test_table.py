"""``ld.Table`` and ``artifact.add``/``get``: W&B doc-style snippets with only the import
changed (the model-registry walkthrough), the JSON form, and the refusals."""
from __future__ import annotations

import json
import math

import pytest

import lineage_desktop as ld
from lineage_desktop.sdk.table import InvalidTable


def test_walkthrough_snippet_round_trips(store_path):
    run = ld.init(project="model-registry", job_type="evaluate", store=str(store_path))
    art = ld.Artifact("predictions", type="evaluation")
    table = ld.Table(columns=["a", "b"])
    table.add_data(1, 2)
    art.add(table, "preds")
    run.log_artifact(art)
    run.finish()

    api = ld.Api(store=str(store_path))
    got = api.artifact("predictions:latest").get("preds")
    assert got == table
    assert got.columns == ["a", "b"] and got.data == [[1, 2]]
    assert [e.path for e in api.artifact("predictions:latest").files()] == ["preds.table.json"]


def test_get_missing_name_is_none_and_suffix_accepted(store_path):
    with ld.init(project="p", store=str(store_path)) as run:
        art = ld.Artifact("t", type="dataset")
        art.add(ld.Table(columns=["x"], data=[[1.5], ["s"]], allow_mixed_types=True),
                "tables/one.table.json")
        run.log_artifact(art)
    logged = ld.Api(store=str(store_path)).artifact("t:latest")
    assert logged.get("nothing") is None
    assert logged.get("tables/one") == logged.get("tables/one.table.json")
    assert logged.get("tables/one").data == [[1.5], ["s"]]


def test_stored_json_is_wandbs_form(store_path, tmp_path):
    with ld.init(project="p", store=str(store_path)) as run:
        art = ld.Artifact("t", type="dataset")
        art.add(ld.Table(columns=["a"], rows=[[1]]), "x")
        run.log_artifact(art)
    root = ld.Api(store=str(store_path)).artifact("t:latest").download(str(tmp_path / "d"))
    stored = json.loads((tmp_path / "d" / "x.table.json").read_text())
    assert root == str(tmp_path / "d")
    assert stored["_type"] == "table"
    assert stored["columns"] == ["a"] and stored["data"] == [[1]]
    assert ld.Table.from_json(stored) == ld.Table(columns=["a"], data=[[1]])


def test_table_api():
    table = ld.Table(columns=["a", "b"], data=[[1, 2], [3, 4]])
    assert list(table.iterrows()) == [(0, [1, 2]), (1, [3, 4])]
    assert table.get_column("b") == [2, 4]
    table.add_column("c", [5, 6])
    assert table.columns == ["a", "b", "c"] and table.data == [[1, 2, 5], [3, 4, 6]]
    assert ld.Table().columns == ["Input", "Output", "Expected"]  # W&B's default
    with pytest.raises(ValueError, match="expects 3 columns"):
        table.add_data(1, 2)
    with pytest.raises(InvalidTable, match="3 values"):
        table.add_column("d", [1, 2, 3])
    with pytest.raises(LookupError, match="'z'"):
        table.get_column("z")
    assert table != ld.Table(columns=["a", "b", "c"])


def test_dataframe_needs_pandas():
    pytest.importorskip("numpy")
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(InvalidTable, match="pandas"):
            ld.Table(dataframe=object())
    else:  # pragma: no cover - pandas is not in the test environment
        pytest.skip("pandas installed")


def test_numpy_cells_are_stored_as_lists(store_path):
    numpy = pytest.importorskip("numpy")
    with ld.init(project="p", store=str(store_path)) as run:
        art = ld.Artifact("t", type="dataset")
        art.add(ld.Table(columns=["v"], data=numpy.array([[1], [2]])), "n")
        run.log_artifact(art)
    assert ld.Api(store=str(store_path)).artifact("t:latest").get("n").data == [[1], [2]]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_cells_are_refused_and_nothing_added(bad):
    art = ld.Artifact("t", type="dataset")
    with pytest.raises(InvalidTable, match="row 0, column 'a'"):
        art.add(ld.Table(columns=["a"], data=[[bad]]), "x")
    assert art.files() == []


def test_add_of_other_objects_is_refused():
    art = ld.Artifact("t", type="dataset")
    with pytest.raises(ld.NotAvailableOffline, match="dict"):
        art.add({"a": 1}, "x")


def test_add_same_name_keeps_first_unless_overwrite():
    art = ld.Artifact("t", type="dataset")
    first = art.add(ld.Table(columns=["a"], data=[[1]]), "x")
    assert art.add(ld.Table(columns=["a"], data=[[2]]), "x") == first  # W&B keeps it
    assert art.add(ld.Table(columns=["a"], data=[[2]]), "x", overwrite=True) != first


def test_get_on_a_draft_is_refused():
    with pytest.raises(ld.ArtifactNotLogged):
        ld.Artifact("t", type="dataset").get("x")


@pytest.mark.parametrize("content", [b"not json", b'{"_type": "image"}',
                                     b'{"_type": "table", "columns": ["a"], "data": [[1, 2]]}',
                                     b'[' * 100000])
def test_malformed_stored_table_is_refused(store_path, make_file, content):
    with ld.init(project="p", store=str(store_path)) as run:
        art = ld.Artifact("t", type="dataset")
        art.add_file(str(make_file("x.table.json", content)), "x.table.json")
        run.log_artifact(art)
    with pytest.raises(InvalidTable, match="x.table.json"):
        ld.Api(store=str(store_path)).artifact("t:latest").get("x")


def test_column_types_follow_wandbs_rules():
    """W&B's ``Table``: a column's first value fixes its type; another type is a
    ``TypeError`` and the row is not added; None is allowed unless ``optional=False``;
    int and float are both numbers; ``dtype``, ``cast`` and ``allow_mixed_types``."""
    table = ld.Table(columns=["id", "score"])
    table.add_data(1, 0.5)
    table.add_data(2, None)
    table.add_data(3, 7)  # an int in a float column: both numbers
    with pytest.raises(TypeError, match="incompatible types.*'score'"):
        table.add_data(4, "high")
    assert len(table.data) == 3
    assert table.column_types == {"id": "number or None", "score": "number or None"}
    with pytest.raises(TypeError):
        ld.Table(columns=["a"], data=[[1], ["x"]])
    assert ld.Table(columns=["a"], data=[[1], ["x"]], allow_mixed_types=True).data == [
        [1], ["x"]]
    strict = ld.Table(columns=["a", "b"], dtype=[str, bool], optional=False)
    strict.add_data("x", True)
    for row in (("y", None), ("y", 1), (2, False)):
        with pytest.raises(TypeError):
            strict.add_data(*row)
    assert strict.data == [["x", True]]
    assert strict.cast("b", "any") == "any"
    strict.add_data("z", None)
    with pytest.raises(TypeError, match="cannot be cast"):
        strict.cast("a", int)
    with pytest.raises(TypeError, match="not supported offline"):
        ld.Table(columns=["img"], dtype=object)
    with pytest.raises(TypeError):
        table.add_column("mixed", [1, "two", 3])
    assert table.columns == ["id", "score"] and all(len(r) == 2 for r in table.data)
    table.add_column("name", ["a", "b", "c"])
    with pytest.raises(TypeError):
        table.add_data(4, 1.0, 5)


def test_column_types_are_kept_in_the_store(store_path):
    with ld.init(project="p", store=str(store_path)) as run:
        art = ld.Artifact("typed", type="dataset")
        art.add(ld.Table(columns=["n", "s"], data=[[1, "a"]], dtype=[float, str],
                         optional=[True, False]), "t")
        art.add(ld.Table(columns=["m"], data=[[1], ["x"]], allow_mixed_types=True), "m")
        run.log_artifact(art)
    logged = ld.Api(store=str(store_path)).artifact("typed:latest")
    got = logged.get("t")
    assert got.column_types == {"n": "number or None", "s": "string"}
    with pytest.raises(TypeError):
        got.add_data(2, None)
    assert logged.get("m").column_types == {"m": "any"}
