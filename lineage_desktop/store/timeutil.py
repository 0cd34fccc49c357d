"""UTC ISO-8601 timestamps of the store: the one implementation is ``records.text``
(every layer formats and parses times there); re-exported for the store's modules."""
from __future__ import annotations

from lineage_desktop.records.text import from_iso, parse_time, to_iso, utc_now

__all__ = ["from_iso", "parse_time", "to_iso", "utc_now"]
