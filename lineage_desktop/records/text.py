"""The one home of times, sizes and durations as text: parsing ISO-8601 and formatting
for people. Standard library only, so the store, the window and the command line all
call these and agree.

Stored timestamps are UTC ISO-8601 strings of a fixed width (``_FORMAT``), so that text
order is time order. Sizes use decimal SI units (``kB`` = 1000 bytes, as file managers
show them).
"""
from __future__ import annotations

from datetime import UTC, datetime

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_SIZE_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")


# ---------------------------------------------------------------------------- times


def utc_now() -> str:
    """Now, in the stored form (``2026-08-03T08:00:00.000000Z``)."""
    return datetime.now(UTC).strftime(_FORMAT)


def to_iso(moment: datetime) -> str:
    """A datetime (naive means UTC) in the stored form."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(_FORMAT)


def from_iso(text: str) -> datetime:
    """Any ISO-8601 date or date-time as an aware datetime (naive means UTC).

    The one ISO-8601 parser: ``parse_time`` and ``parse_iso`` are built on it. Raises
    ``ValueError`` when ``text`` is not ISO-8601.
    """
    # Not ``strptime`` for the stored form: 30x slower per call, and its first call in a
    # process imports and compiles its parser (8 ms of the window's first view).
    moment = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_time(text: str) -> str:
    """Normalise any ISO-8601 date or date-time (naive means UTC) to the stored form.

    Raises ``ValueError`` naming the text when it is not ISO-8601.
    """
    try:
        moment = from_iso(text)
    except (TypeError, ValueError):
        raise ValueError(f"not an ISO-8601 time: {text!r} (try 2026-11-27T09:30)") from None
    return to_iso(moment)


def parse_iso(text: str | None) -> datetime | None:
    """A time read from a store as an aware datetime; None for empty or bad text (text
    from a store is untrusted: a bad cell is shown, never fatal)."""
    if not text:
        return None
    try:
        return from_iso(text)
    except (TypeError, ValueError):
        return None


def human_time(text: str | None, empty: str = "") -> str:
    """``2026-08-03T08:00:00.000000Z`` -> ``2026-08-03 08:00:00 UTC`` (any zone is shown
    in UTC); text that is not a time is returned as it is; None or "" -> ``empty``."""
    if not text:
        return empty
    moment = parse_iso(text)
    if moment is None:
        return str(text)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# ---------------------------------------------------------------------------- durations


def duration_seconds(started: str | None, finished: str | None) -> float | None:
    """Seconds from ``started`` to ``finished`` (to the millisecond); None when either
    is missing or not a time."""
    start, end = parse_iso(started), parse_iso(finished)
    if start is None or end is None:
        return None
    return round((end - start).total_seconds(), 3)


def human_duration(seconds: float | None, empty: str = "") -> str:
    """``3725`` -> ``1h 2m 5s`` (at most three parts, days first); below ten seconds
    with one decimal (``4.2s``); negative -> ``?``; None -> ``empty``."""
    if seconds is None:
        return empty
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


def run_duration(started_at: str | None, finished_at: str | None, state: str | None,
                 now: datetime | None = None) -> str:
    """Duration of a run: finish - start, or ``running for ...`` while it runs; "" when
    it cannot be known."""
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


# ---------------------------------------------------------------------------- sizes


def human_size(size: float | None, empty: str = "") -> str:
    """``1536`` -> ``1.5 kB``, ``250_000_000`` -> ``250 MB`` (decimal SI units; one
    decimal below 100); None -> ``empty``."""
    if size is None:
        return empty
    value = float(size)
    for unit in _SIZE_UNITS:
        if abs(value) < 1000 or unit == _SIZE_UNITS[-1]:
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.1f} {unit}" if abs(value) < 100 else f"{value:.0f} {unit}"
        value /= 1000
    raise AssertionError("unreachable: the last unit always returns")  # pragma: no cover


def exact_size(size: int | None, empty: str = "") -> str:
    """``1536`` -> ``1.5 kB (1,536 bytes)``: the rounded size with every byte, for
    comparing sizes; below 1000 just ``999 B``; None -> ``empty``."""
    if size is None:
        return empty
    short = human_size(size)
    return short if abs(int(size)) < 1000 else f"{short} ({int(size):,} bytes)"


def size_and_files(size: int | None, files: int | None, empty: str = "") -> str:
    """``1.5 kB in 3 files`` (a version's content at a glance)."""
    if size is None:
        return empty
    text = human_size(size)
    return text if files is None else f"{text} in {plural(files, 'file')}"


# ---------------------------------------------------------------------------- counts


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """``plural(1, "version")`` -> ``1 version``; ``plural(3, "version")`` -> ``3 versions``
    (thousands separated: ``1,200 runs``)."""
    word = noun if count == 1 else (plural_noun or noun + "s")
    number = f"{count:,}" if isinstance(count, int) else str(count)  # a store's odd cell
    return f"{number} {word}"


def short_digest(digest: str | None, length: int = 12) -> str:
    """The first ``length`` characters of a digest (the whole one goes in a tooltip)."""
    return (digest or "")[:length]


__all__ = [
    "duration_seconds",
    "exact_size",
    "from_iso",
    "human_duration",
    "human_size",
    "human_time",
    "parse_iso",
    "parse_time",
    "plural",
    "run_duration",
    "short_digest",
    "size_and_files",
    "to_iso",
    "utc_now",
]
