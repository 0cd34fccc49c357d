"""``Store.search``: what the sidebar's filter finds (names, version numbers, aliases,
descriptions, run names), as of a moment, and with query plans that stay cheap on big
stores; ``Store.runs(text=...)`` for the run list's filter."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_query_plans import plans_of

import lineage_desktop as ld
from lineage_desktop.store import Store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "search.db"
    for step in range(6):
        with ld.init(project="p", entity="e", name=f"trainer-{step}", job_type="train",
                     store=path) as run:
            model = ld.Artifact("churn-model", "model",
                                description="<b>bold</b> 100%_sure" if step == 3 else None)
            with model.new_file("m.txt") as handle:
                handle.write(f"model {step}")
            aliases = ["production"] if step in (2, 4) else ["staging"] if step == 5 else None
            run.log_artifact(model, aliases=aliases)
            data = ld.Artifact("raw-data", "dataset", description="weekly export")
            with data.new_file("d.txt") as handle:
                handle.write(f"data {step}")
            run.log_artifact(data)
    return path


def _found(store: Store, text: str, **kw: object) -> list[tuple[str, str]]:
    return [(h.version.key, h.matched) for h in store.search(text, **kw).versions]


def test_finds_a_version_number_in_every_collection_and_by_full_name(store_path):
    with Store.open(store_path, readonly=True) as store:
        assert sorted(_found(store, "v3")) == [
            ("artifact:churn-model:v3", "version"), ("artifact:raw-data:v3", "version")]
        assert _found(store, "churn-model:v3") == [("artifact:churn-model:v3", "version")]
        assert _found(store, "V5") != []
        assert _found(store, "v99") == []


def test_finds_aliases_now_and_as_of_a_moment(store_path):
    with Store.open(store_path, readonly=True) as store:
        hits = store.search("product").versions
        assert [(h.version.key, h.matched) for h in hits] == [
            ("artifact:churn-model:v4", "alias")]
        assert hits[0].version.aliases == ("production",)
        holders = store.search("product").holders
        assert [(c.name, c.type, c.version_count) for c in holders] == [("churn-model", "model", 6)]
        v2 = store.resolve_version("churn-model", "v2", None)
        v3 = store.resolve_version("churn-model", "v3", None)
        assert v2.created_at and v3.created_at
        # Before v4 was logged, production stood on v2.
        assert _found(store, "production", as_of=v3.created_at) == [
            ("artifact:churn-model:v2", "alias")]
        assert _found(store, "staging", as_of=v3.created_at) == []


def test_finds_collections_descriptions_and_run_names_literally(store_path):
    with Store.open(store_path, readonly=True) as store:
        result = store.search("RAW")
        assert [(c.name, c.version_count) for c in result.collections] == [("raw-data", 6)]
        assert [c.name for c in store.search("weekly").collections] == ["raw-data"]
        assert [c.name for c in store.search("model").collections] == ["churn-model"]
        assert _found(store, "<b>bold") == [("artifact:churn-model:v3", "description")]
        assert _found(store, "100%_") == [("artifact:churn-model:v3", "description")]
        assert _found(store, "1%0") == []  # % and _ are plain characters
        assert sorted(_found(store, "trainer-1")) == [
            ("artifact:churn-model:v1", "run"), ("artifact:raw-data:v1", "run")]
        assert store.search("   ").versions == []


def test_limits_the_answer(store_path):
    with Store.open(store_path, readonly=True) as store:
        result = store.search("trainer", limit=3)
        assert len(result.versions) == 3 and result.truncated
        assert not store.search("trainer-1").truncated


def test_run_list_text_filter(store_path):
    with Store.open(store_path, readonly=True) as store:
        assert [r.name for r in store.runs(text="TRAINER-2")] == ["trainer-2"]
        assert len(store.runs(text="train")) == 6  # job type
        assert len(store.runs(text="finish")) == 6  # state
        some = store.runs()[0]
        assert [r.id for r in store.runs(text=some.id[2:7])] == [some.id]
        assert store.runs(text="%") == []
        assert len(store.runs(text="trainer", limit=2, offset=1)) == 2


# Tables whose rows grow with the versions, runs or alias moves of a store.
_GROWING = {"versions", "runs", "outputs", "alias_history", "usages", "manifest"}
_SCAN = re.compile(r"^SCAN (\w+)")


@pytest.mark.parametrize("text", ["v3", "churn-model:v3", "production", "nothing-at-all"])
def test_query_plans_walk_indexes_and_stop_at_a_limit(store_path, text):
    with Store.open(store_path, readonly=True) as store:
        at = store.resolve_version("churn-model", "v3", None).created_at
        for as_of in (None, at):
            plans = plans_of(store, lambda a=as_of: store.search(text, as_of=a))
            for sql, details in plans:
                scanned = {m.group(1) for d in details if (m := _SCAN.match(d))}
                grows = {_table(name, sql) for name in scanned} & _GROWING
                if grows:
                    # Only a substring may scan a growing table, and then with a limit.
                    assert "LIKE" in sql and "LIMIT" in sql, (details, sql)
                    assert grows <= {"versions", "runs"}, (details, sql)
                if "v.idx =" in sql:
                    assert any("(artifact_id=? AND idx=?)" in d for d in details), details
                if "alias_history h" in sql:
                    assert any("alias_history_lookup" in d for d in details), details
            if text.startswith(("v", "churn-model:v")):
                assert not any("r.name LIKE" in sql or "v.description LIKE" in sql
                               for sql, _ in plans)


def _table(name: str, sql: str) -> str:
    match = re.search(rf"\b(\w+) (?:AS )?{name}\b", sql)
    return match.group(1) if match and match.group(1) not in ("FROM", "JOIN") else name
