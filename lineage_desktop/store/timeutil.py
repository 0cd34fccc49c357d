"""UTC ISO-8601 timestamps with a fixed width, so that text order is time order."""
from __future__ import annotations

from datetime import datetime, timezone

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime(_FORMAT)


def to_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime(_FORMAT)


def parse_time(text: str) -> str:
    """Normalise any ISO-8601 date or date-time (naive means UTC) to the stored form.

    Raises ``ValueError`` naming the text when it is not ISO-8601.
    """
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO-8601 time: {text!r} (try 2026-11-27T09:30)") from None
    return to_iso(moment)


def from_iso(text: str) -> datetime:
    return datetime.strptime(text, _FORMAT).replace(tzinfo=timezone.utc) if text.endswith(
        "Z") and len(text) == 27 else datetime.fromisoformat(text.replace("Z", "+00:00"))
