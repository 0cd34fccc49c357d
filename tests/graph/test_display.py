"""``graph.display``: an imported dataset's own name, and shown texts kept distinct."""
from __future__ import annotations

from lineage_desktop.graph.display import distinct_texts, imported_dataset


def _middle(text: str, keep: int = 6) -> str:
    return text if len(text) <= 2 * keep + 1 else text[:keep] + "…" + text[-keep:]


def test_names_that_elide_alike_keep_where_they_differ():
    full = {1: "warehouse_db_A_table:v1", 2: "warehouse_db_B_table:v1",
            3: "warehouse_db_B_table:v1", 4: "short:v0"}
    shown = {k: _middle(v) for k, v in full.items()}
    assert shown[1] == shown[2]  # the elision hides the difference
    out = distinct_texts(full, shown, lambda text: text[:12])
    assert out[1] != out[2] and out[2] == out[3]  # equal names stay equal
    assert "A" in out[1] and "B" in out[2] and out[1].startswith("…")
    assert out[4] == "short:v0"


def test_imported_dataset_reads_openlineage_metadata_and_tolerates_junk():
    meta = {"openlineage": {"namespace": "postgres://h:5432", "name": "shop.orders"}}
    assert imported_dataset(meta) == ("shop.orders", "postgres://h:5432")
    for junk in (None, {}, {"openlineage": "x"}, {"openlineage": {"name": 3}},
                 {"openlineage": {"name": " ", "namespace": "n"}}):
        assert imported_dataset(junk) is None
