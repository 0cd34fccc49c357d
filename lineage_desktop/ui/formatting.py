"""Human-readable texts for values from the store: sizes, times, durations, JSON.

Pure functions (no Qt) so that every widget formats the same way and tests can check
them without a window.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


def human_size(size: float | None) -> str:
    """``1536`` -> ``"1.5 KB"`` (decimal units, as file managers show them); None -> ``""``."""
    if size is None:
        return ""
    value = float(size)
    for unit in _UNITS:
        if abs(value) < 1000 or unit == _UNITS[-1]:
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
        value /= 1000
    return f"{value:.0f} PB"  # pragma: no cover (the loop always returns)


def parse_iso(text: str | None) -> datetime | None:
    """A stored UTC ISO-8601 string as an aware datetime; None for empty or bad text."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def human_time(text: str | None) -> str:
    """``2026-08-03T08:00:00.000000Z`` -> ``2026-08-03 08:00:00 UTC``; bad text as is."""
    moment = parse_iso(text)
    if moment is None:
        return "" if text is None else str(text)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def human_duration(seconds: float | None) -> str:
    """``3725`` -> ``1h 2m 5s``; under a minute with one decimal below ten seconds."""
    if seconds is None:
        return ""
    if seconds < 0:
        return "?"
    if seconds < 10:
        return f"{seconds:.1f}s"
    whole = int(round(seconds))
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    shown = [f"{n}{unit}" for n, unit in parts if n]
    return " ".join(shown[:3]) or "0s"


def run_duration(
    started_at: str | None, finished_at: str | None, state: str | None, now: datetime | None = None
) -> str:
    """Duration of a run: finish - start, or "running for ..." while it runs."""
    start = parse_iso(started_at)
    if start is None:
        return ""
    end = parse_iso(finished_at)
    if end is None:
        if state == "running":
            moment = now or datetime.now(UTC)
            return f"running for {human_duration((moment - start).total_seconds())}"
        return ""
    return human_duration((end - start).total_seconds())


def pretty_json(value: Any) -> str:
    """Indented JSON of a config or metadata dict (odd values shown with ``str``)."""
    return json.dumps(value, indent=2, sort_keys=True, default=str, ensure_ascii=False)


def short_digest(digest: str | None, length: int = 12) -> str:
    """The first ``length`` characters of a digest (the whole one goes in a tooltip)."""
    return (digest or "")[:length]


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """``plural(1, "version")`` -> ``1 version``; ``plural(3, "version")`` -> ``3 versions``."""
    word = noun if count == 1 else (plural_noun or noun + "s")
    return f"{count:,} {word}"
