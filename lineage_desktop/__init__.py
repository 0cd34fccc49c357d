"""lineage_desktop: record ML lineage offline (W&B's artifact names) and audit it on a
workstation. ``import lineage_desktop as ld`` then ``ld.init``, ``ld.Artifact``, ``ld.Api``.

Importing this package never imports Qt, and imports no part of the package but two
tables: every name loads its module when first read (issue 12: ``import lineage_desktop``
in a recording script costs about a millisecond, and ``ld.init`` loads what recording
needs, not the read API, the graph or the window). The names are the record and error
classes of ``records`` and the SDK's names (``sdk._EXPORTS``; the SDK's ``Run`` wins over
the record of the same name); a name added to either table appears here too.
"""
from __future__ import annotations

from lineage_desktop import records as _records
from lineage_desktop import sdk as _sdk
from lineage_desktop.records.lazy import lazy_exports

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    # The SDK's names first: its Run is ld.Run, and the record of that name is refused.
    from lineage_desktop.sdk import *  # noqa: F403
    # isort: split
    from lineage_desktop.records import *  # type: ignore[assignment]  # noqa: F403

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {**_records._EXPORTS, **_sdk._EXPORTS}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, _sdk._LIVE)

if not TYPE_CHECKING:  # type checkers read the names imported above instead
    __all__ = sorted([*_EXPORTS, "__version__"])
