"""A lineage read is a few statements, on both backends (issue 16: on a team store each
statement is a round trip to the server). Counted with the connection's trace callback
(``sqlite3``'s, and the team store's own of the same name), so that the count cannot grow
back unnoticed; the results are checked against the records they must show."""
from __future__ import annotations

from collections.abc import Callable

from team_pipeline import record_pipeline

import lineage_desktop as ld

# Resolving the reference (its artifact's projects, the version's id, the version row),
# the walk (both directions at once), the versions found with the links to them, their
# aliases and tags, the runs with their summaries, the producer and usage edges.
LINEAGE_STATEMENTS = 8


def statements_of(api: ld.Api, call: Callable[[], object]) -> list[str]:
    seen: list[str] = []
    conn = api.store._conn
    call()  # once before: what a connection asks once (schema checks) is not per read
    conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    return seen


def test_lineage_read_statements(target):
    record_pipeline(target)
    with ld.init(project="churn", job_type="eval", store=target) as run:
        run.use_artifact("churn-model:v1")
        tagged = ld.Artifact("churn-report", type="report")
        with tagged.new_file("r.txt") as handle:
            handle.write("fine")
        run.log_artifact(tagged, aliases=["best", "latest"], tags=["q3"])
    from lineage_desktop.sdk import stores

    stores._close_all()
    api = ld.Api(store=target)
    try:
        graph = None

        def read() -> None:
            nonlocal graph
            graph = api.lineage("churn-report:best", upstream=4, downstream=0)

        seen = statements_of(api, read)
        assert len(seen) == LINEAGE_STATEMENTS, "\n".join(seen)
        assert graph is not None
        kinds = sorted(data["kind"] for _, data in graph.nodes(data=True))
        assert kinds == ["artifact", "artifact", "artifact", "run", "run"]  # no prep run
        focus = next(data for _, data in graph.nodes(data=True)
                     if data.get("name") == "churn-report")
        assert set(focus["aliases"]) >= {"best", "latest"} and list(focus["tags"]) == ["q3"]
        data = next(data for _, data in graph.nodes(data=True)
                    if data.get("name") == "churn-data")
        assert "production" in data["aliases"]
        # Both directions at once cost no more than one.
        both = statements_of(api, lambda: api.lineage("churn-model:v1", upstream=2,
                                                      downstream=2))
        assert len(both) == LINEAGE_STATEMENTS, "\n".join(both)
    finally:
        api.close()
