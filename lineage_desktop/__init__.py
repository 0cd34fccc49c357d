"""lineage_desktop: record ML lineage offline (W&B's artifact names) and audit it on a
workstation. ``import lineage_desktop as ld`` then ``ld.init``, ``ld.Artifact``, ``ld.Api``.

Importing this package never imports Qt.
"""
from lineage_desktop.records import *  # noqa: F401,F403  (the error classes)
from lineage_desktop.records import __all__ as _record_names
from lineage_desktop.sdk import (
    Api,
    ApiRun,
    Artifact,
    ArtifactFinalized,
    ArtifactNotLogged,
    DuplicateContentWarning,
    Run,
    RunFinished,
    init,
)

__version__ = "0.1.0"

__all__ = [
    *_record_names,
    "Api",
    "ApiRun",
    "Artifact",
    "ArtifactFinalized",
    "ArtifactNotLogged",
    "DuplicateContentWarning",
    "Run",
    "RunFinished",
    "__version__",
    "init",
]
