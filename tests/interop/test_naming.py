"""Foreign names made valid, and reference entries that verify leaves alone."""
from __future__ import annotations

from lineage_desktop.interop.naming import dataset_name, safe_name, stable_id
from lineage_desktop.interop.writer import entry_path, reference_entry
from lineage_desktop.sdk.validation import validate_name
from lineage_desktop.store import bytes_digest


def test_dataset_names_are_valid_artifact_names():
    assert dataset_name("postgres://db:5432", "shop.public.orders") == \
        "postgres_db_5432_shop.public.orders"
    assert dataset_name("s3://lake", "raw/orders.parquet") == "s3_lake_raw_orders.parquet"
    assert dataset_name("file", "/data/x y.csv") == "file_data_x_y.csv"
    long = safe_name("bigquery://" + "p" * 300)
    assert len(long) == 128 and validate_name(long) == long
    assert safe_name("bigquery://" + "p" * 300) == long
    assert safe_name("bigquery://" + "p" * 299 + "q") != long
    assert safe_name("///") == "artifact"


def test_stable_ids_depend_on_content_only():
    assert stable_id("dvc", "a", {"x": 1, "y": 2}) == stable_id("dvc", "a", {"y": 2, "x": 1})
    assert stable_id("dvc", "a", 1) != stable_id("dvc", "b", 1)


def test_reference_entries_carry_the_version_in_the_fragment():
    entry = reference_entry("orders", "file:///data/orders.csv", "run=abc", 10)
    assert entry.ref == "file:///data/orders.csv#run=abc"
    assert entry.digest == bytes_digest(entry.ref.encode())  # verify: "URI digest"
    assert entry_path("../../etc/passwd") == "etc/passwd"
    assert entry_path("") == "data"
