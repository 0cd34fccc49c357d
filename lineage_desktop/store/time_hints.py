"""What to say when a reference does not resolve *as of* a moment: suggestions by time
(what existed then, when the collection began), never by spelling. Pure functions."""
from __future__ import annotations

from collections.abc import Sequence

from lineage_desktop.records import ArtifactVersion

MAX_SUGGESTIONS = 3


def _when(version: ArtifactVersion) -> str:
    return (version.created_at or "an unknown time")[:19].replace("T", " ") + " UTC"


def as_of_hint(
    name: str, selector: str, as_of: str,
    then: Sequence[ArtifactVersion], ever: Sequence[ArtifactVersion],
) -> tuple[str, list[str]]:
    """The message and the suggested references (``name:vN``, nearest in time first) for
    ``name:selector`` that does not resolve as of ``as_of``. ``then``: the live versions
    as of that moment; ``ever``: the live versions now."""
    moment = as_of[:19].replace("T", " ") + " UTC"
    if not then and ever:
        first = min(ever, key=lambda v: (v.created_at or "", v.index))
        return (f"{name!r} did not exist yet at {moment}; its first version {first.version} "
                f"was logged at {_when(first)}", [f"{name}:{first.version}"])
    if not then:
        return f"{name!r} has no versions", []
    nearest = sorted(then, key=lambda v: (v.created_at or "", v.index), reverse=True)
    picks = nearest[:MAX_SUGGESTIONS]
    listed = ", ".join(f"{v.version} (logged {_when(v)})" for v in picks)
    return (f"{name!r} had no version or alias {selector!r} at {moment}; "
            f"the latest versions then: {listed}", [f"{name}:{v.version}" for v in picks])
