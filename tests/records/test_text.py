"""records.text: the one formatter of times, sizes and durations (window and CLI)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lineage_desktop.records import text


def test_sizes_use_decimal_si_units():
    assert text.human_size(0) == "0 B"
    assert text.human_size(999) == "999 B"
    assert text.human_size(1536) == "1.5 kB"  # SI: k is lower case, 1 kB = 1000 B
    assert text.human_size(150_000) == "150 kB"
    assert text.human_size(250_000_000) == "250 MB"
    assert text.human_size(3 * 10**18) == "3000 PB"
    assert text.human_size(None) == ""
    assert text.human_size(None, empty="-") == "-"


def test_exact_size_and_files():
    assert text.exact_size(14) == "14 B"
    assert text.exact_size(1536) == "1.5 kB (1,536 bytes)"
    assert text.exact_size(None) == ""
    assert text.size_and_files(9, 1) == "9 B in 1 file"
    assert text.size_and_files(2_500_000, 1200) == "2.5 MB in 1,200 files"


def test_durations():
    assert text.human_duration(3725) == "1h 2m 5s"
    assert text.human_duration(90_061) == "1d 1h 1m"
    assert text.human_duration(4.25) == "4.2s"
    assert text.human_duration(-1) == "?"
    assert text.human_duration(None, empty="-") == "-"
    assert text.duration_seconds("2026-08-03T08:00:00Z", "2026-08-03T09:02:05.5Z") == 3725.5
    assert text.duration_seconds("2026-08-03T08:00:00Z", "garbage") is None
    assert text.duration_seconds(None, "2026-08-03T08:00:00Z") is None


def test_times_parse_once_and_show_in_utc():
    stored = "2026-08-03T08:00:00.000000Z"
    assert text.human_time(stored) == "2026-08-03 08:00:00 UTC"
    assert text.human_time("2026-08-03T10:00:00+02:00") == "2026-08-03 08:00:00 UTC"
    assert text.human_time("not a time") == "not a time"
    assert text.human_time(None, empty="-") == "-"
    assert text.parse_time("2026-08-03") == "2026-08-03T00:00:00.000000Z"
    assert text.parse_time("2026-08-03T10:00+02:00") == "2026-08-03T08:00:00.000000Z"
    with pytest.raises(ValueError, match="yesterday"):
        text.parse_time("yesterday")
    assert text.from_iso(stored) == datetime(2026, 8, 3, 8, tzinfo=UTC)
    assert text.from_iso("2026-08-03T08:00") == datetime(2026, 8, 3, 8, tzinfo=UTC)
    assert text.parse_iso("bad") is None and text.parse_iso("") is None
    assert text.to_iso(text.from_iso(stored)) == stored


def test_store_reexports_the_same_functions():
    from lineage_desktop import store
    from lineage_desktop.store import timeutil

    assert store.parse_time is text.parse_time
    assert timeutil.utc_now is text.utc_now and timeutil.to_iso is text.to_iso


def test_the_command_line_uses_the_same_formatters():
    from lineage_desktop.cli import cmd_diff, cmd_impact, cmd_ls, cmd_show
    from lineage_desktop.cli import formatting as cli_formatting

    assert cmd_show.human_size is cmd_ls.human_size is cmd_diff.human_size is text.human_size
    assert cmd_show.human_time is cmd_ls.human_time is cmd_impact.human_time is text.human_time
    assert cmd_show.human_duration is text.human_duration
    assert cli_formatting.duration_seconds is text.duration_seconds
    for gone in ("human_size", "human_duration", "short_time", "_parse"):
        assert gone not in vars(cli_formatting) or vars(cli_formatting)[gone].__module__ \
            == "lineage_desktop.records.text"
