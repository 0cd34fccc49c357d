"""A page of a collection's history (``artifact_versions(newest=, before=)``) and of its
alias moves reads about that page's rows, however long the history (issue 12: the as-of
timeline of a 500,000-version collection read all of it). Measured in SQLite virtual
machine steps (a progress handler called every step), not time: the same page of a
collection ten times longer must cost about the same."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks._stores import build
from lineage_desktop.store import Store
from tests.store.test_query_plans import bad_steps, plans_of

pytestmark = pytest.mark.sqlite_file("counts SQLite's virtual machine steps and plans")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Stores whose collection ``model`` holds 150 and 1,500 versions."""
    folder = tmp_path_factory.mktemp("newest")
    paths = {}
    for versions in (300, 3_000):
        paths[versions // 2] = folder / f"s{versions}.db"
        build(paths[versions // 2], versions)
    return paths


def steps(store: Store, call: Callable[[], object]) -> int:
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    store._conn.set_progress_handler(tick, 1)
    try:
        call()
    finally:
        store._conn.set_progress_handler(None, 0)
    return count[0]


def test_the_newest_versions_come_oldest_first_and_page_on(stores: dict[int, Path]) -> None:
    with Store.open(stores[1_500], readonly=True) as store:
        page = store.artifact_versions("model", 1, newest=20)
        assert [v.index for v in page] == list(range(1_480, 1_500))
        assert page[-1].aliases == ("latest",)
        older = store.artifact_versions("model", 1, newest=20, before=page[0].index)
        assert [v.index for v in older] == list(range(1_460, 1_480))
        assert [v.index for v in store.artifact_versions("model", 1, newest=5, before=3)] \
            == [0, 1, 2]
        moment = page[5].created_at  # as of then: the newest are those logged by then
        assert [v.index for v in store.artifact_versions("model", 1, moment, newest=3)] \
            == [1_483, 1_484, 1_485]


def test_a_page_leaves_out_deleted_versions_and_stays_full(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    build(path, 200)
    with Store.open(path) as store:
        top = store.artifact_versions("model", 1)[-2]
        store.delete_version(top.id, "auditor")
        assert [v.index for v in store.artifact_versions("model", 1, newest=3)] \
            == [96, 97, 99]
        assert len(store.artifact_versions("model", 1, newest=3, include_deleted=True)) == 3


def test_a_page_costs_the_same_in_a_collection_ten_times_longer(
        stores: dict[int, Path]) -> None:
    cost = {}
    for size, path in stores.items():
        with Store.open(path, readonly=True) as store:
            cost[size] = (
                steps(store, lambda s=store: s.artifact_versions(  # type: ignore[misc]
                    "model", 1, newest=20)),
                steps(store, lambda s=store: s.artifact_versions(  # type: ignore[misc]
                    "model", 1, newest=20, before=100)),
                steps(store, lambda s=store: s.alias_moves("model", 1, limit=20)),
            )
    small, big = cost[150], cost[1_500]
    for few, many in zip(small, big, strict=True):
        assert many < few * 1.3, cost  # reading all 1,500 would be ten times the steps
    with Store.open(stores[1_500], readonly=True) as store:
        everything = steps(store, lambda: store.artifact_versions("model", 1))
        assert everything > 10 * big[0]  # the measure tells a whole read from a page


def test_pages_and_alias_moves_use_indexes(stores: dict[int, Path]) -> None:
    with Store.open(stores[1_500], readonly=True) as store:
        for call in (lambda: store.artifact_versions("model", 1, newest=20, before=50),
                     lambda: store.alias_moves("model", 1, before="2023-11-14T22:20:00Z")):
            assert list(bad_steps(plans_of(store, call))) == []
