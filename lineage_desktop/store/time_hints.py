"""What to say when a reference does not resolve *as of* a moment: suggestions by time
(what existed then, when the collection began), never by spelling. Pure functions."""
from __future__ import annotations

from collections.abc import Sequence

from lineage_desktop.records import ArtifactNotFound, ArtifactNotYetLogged, ArtifactVersion

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
        first = first_version(ever)
        return (f"{name!r} did not exist yet at {moment}; its first version {first.version} "
                f"was logged at {_when(first)}", [f"{name}:{first.version}"])
    if not then:
        return f"{name!r} has no versions", []
    nearest = sorted(then, key=lambda v: (v.created_at or "", v.index), reverse=True)
    picks = nearest[:MAX_SUGGESTIONS]
    listed = ", ".join(f"{v.version} (logged {_when(v)})" for v in picks)
    return (f"{name!r} had no version or alias {selector!r} at {moment}; "
            f"the latest versions then: {listed}", [f"{name}:{v.version}" for v in picks])


def first_version(ever: Sequence[ArtifactVersion]) -> ArtifactVersion:
    """The first version logged of a (non-empty) collection."""
    return min(ever, key=lambda v: (v.created_at or "", v.index))


def as_of_miss(
    name: str, selector: str, as_of: str,
    then: Sequence[ArtifactVersion], ever: Sequence[ArtifactVersion],
) -> ArtifactNotFound:
    """The error for ``name:selector`` that does not resolve as of ``as_of`` (see
    ``as_of_hint``); before the collection's first version, an ``ArtifactNotYetLogged``
    naming it and its time (what the window offers to show instead)."""
    message, refs = as_of_hint(name, selector, as_of, then, ever)
    asked = f"{name}:{selector}"
    if not then and ever and first_version(ever).created_at:
        first = first_version(ever)
        return ArtifactNotYetLogged(message, asked, f"{name}:{first.version}",
                                    str(first.created_at))
    return ArtifactNotFound(message, asked=asked, suggestions=refs)
