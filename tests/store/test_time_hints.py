"""As-of misses are explained by time: what existed then, when the collection began."""
from __future__ import annotations

from lineage_desktop.records import ArtifactNotYetLogged, ArtifactVersion
from lineage_desktop.store.time_hints import as_of_hint, as_of_miss


def _v(index: int, when: str) -> ArtifactVersion:
    return ArtifactVersion("churn-model", index, "model", "p", "e", "d" * 32, created_at=when)


EVER = [_v(0, "2026-08-08T05:36:00.000000Z"), _v(1, "2026-08-09T15:12:00.000000Z"),
        _v(2, "2026-08-10T12:12:00.000000Z")]


def test_before_the_first_version_names_it_and_its_time():
    message, refs = as_of_hint("churn-model", "production", "2026-01-01T00:00:00Z", [], EVER)
    assert message == ("'churn-model' did not exist yet at 2026-01-01 00:00:00 UTC; its first "
                       "version v0 was logged at 2026-08-08 05:36:00 UTC")
    assert refs == ["churn-model:v0"]


def test_an_unknown_selector_then_lists_the_latest_versions_of_that_time():
    message, refs = as_of_hint("churn-model", "v51", "2026-08-09T16:00:00Z", EVER[:2], EVER)
    assert refs == ["churn-model:v1", "churn-model:v0"]  # nearest in time first
    assert "v1 (logged 2026-08-09 15:12:00 UTC)" in message and "v51" in message


def test_a_miss_before_the_first_version_carries_it_and_its_time():
    error = as_of_miss("churn-model", "production", "2026-01-01T00:00:00Z", [], EVER)
    assert isinstance(error, ArtifactNotYetLogged)
    assert (error.first, error.first_logged_at) == ("churn-model:v0", EVER[0].created_at)
    later = as_of_miss("churn-model", "v51", "2026-08-09T16:00:00Z", EVER[:2], EVER)
    assert not isinstance(later, ArtifactNotYetLogged) and later.suggestions[0].endswith("v1")
