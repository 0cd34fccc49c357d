"""``alias_moves``: a collection's alias history, newest first, LIMITed, by index."""
from __future__ import annotations

from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.store import Store
from tests.store.test_query_plans import bad_steps, plans_of


def _logged(path: Path) -> None:
    for step in range(4):
        with ld.init(project="p", entity="e", store=path) as run:
            artifact = ld.Artifact("model", "model")
            with artifact.new_file("f.txt") as handle:
                handle.write(f"model {step}")
            run.log_artifact(artifact, aliases=["production"] if step in (1, 3) else None)
        with ld.init(project="p", entity="e", store=path) as run:  # another collection
            artifact = ld.Artifact("data", "dataset")
            with artifact.new_file("f.txt") as handle:
                handle.write(f"data {step}")
            run.log_artifact(artifact)


@pytest.mark.sqlite_file("asserts SQLite's query plans and statement trace")
def test_moves_come_newest_first_with_their_target_and_a_limit(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    _logged(path)
    with Store.open(path) as store:
        project = store.find_projects("p", "e")[0].id
        moves = store.alias_moves("model", project)
        assert {m.alias for m in moves} == {"latest", "production"}
        assert [m.set_at for m in moves] == sorted((m.set_at for m in moves), reverse=True)
        assert [m.index for m in moves if m.alias == "production"] == [3, 1]
        assert [m.index for m in moves if m.alias == "latest"] == [3, 2, 1, 0]
        assert len(store.alias_moves("model", project, limit=2)) == 2
        assert store.alias_moves("nothing", project) == []
        plans = plans_of(store, lambda: store.alias_moves("model", project))
        assert list(bad_steps(plans)) == []  # no scan of alias_history or versions
