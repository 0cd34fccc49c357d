"""Text of the window for values from the store: JSON here; sizes, times, durations
and counts live in ``records.text`` (shared with the command line) and are re-exported.
"""

from __future__ import annotations

import json
from typing import Any

# Times, sizes, durations and counts have one home below every layer; re-exported here
# for the window's modules that import them from ui.formatting.
from lineage_desktop.records.text import (
    human_duration,
    human_size,
    human_time,
    parse_iso,
    plural,
    run_duration,
    short_digest,
)


def pretty_json(value: Any) -> str:
    """Indented JSON of a config or metadata dict (odd values shown with ``str``)."""
    return json.dumps(value, indent=2, sort_keys=True, default=str, ensure_ascii=False)


__all__ = [
    "human_duration",
    "human_size",
    "human_time",
    "parse_iso",
    "plural",
    "pretty_json",
    "run_duration",
    "short_digest",
]
