"""Tracking SDK (``init``, ``Run``, ``Artifact``) and read API (``Api``).

Each name loads its module the first time it is read (``records.lazy``): a recording
script never imports the read API. To export a name, add one line to ``_EXPORTS`` (and
its import under ``TYPE_CHECKING``, for type checkers); a value the SDK rebinds (the
current run) goes into ``_LIVE`` as well.
"""
from __future__ import annotations

from lineage_desktop.records.lazy import lazy_exports

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from lineage_desktop.sdk.api import Api as Api
    from lineage_desktop.sdk.api_run import ApiRun as ApiRun
    from lineage_desktop.sdk.artifact import Artifact as Artifact
    from lineage_desktop.sdk.artifact import ArtifactFinalized as ArtifactFinalized
    from lineage_desktop.sdk.artifact import ArtifactNotLogged as ArtifactNotLogged
    from lineage_desktop.sdk.artifact_edits import ArtifactTTL as ArtifactTTL
    from lineage_desktop.sdk.artifact_edits import InvalidTTL as InvalidTTL
    from lineage_desktop.sdk.artifact_files import ReferenceNotFetched as ReferenceNotFetched
    from lineage_desktop.sdk.history import StepWarning as StepWarning
    from lineage_desktop.sdk.history import UnloggableValue as UnloggableValue
    from lineage_desktop.sdk.offline import NotAvailableOffline as NotAvailableOffline
    from lineage_desktop.sdk.run import DuplicateContentWarning as DuplicateContentWarning
    from lineage_desktop.sdk.run import Run as Run
    from lineage_desktop.sdk.run import RunFinished as RunFinished
    from lineage_desktop.sdk.run_data import ConfigError as ConfigError
    from lineage_desktop.sdk.session import Settings as Settings
    from lineage_desktop.sdk.session import UsageError as UsageError
    from lineage_desktop.sdk.session import config as config
    from lineage_desktop.sdk.session import finish as finish
    from lineage_desktop.sdk.session import log as log
    from lineage_desktop.sdk.session import log_artifact as log_artifact
    from lineage_desktop.sdk.session import login as login
    from lineage_desktop.sdk.session import run as run
    from lineage_desktop.sdk.session import save as save
    from lineage_desktop.sdk.session import summary as summary
    from lineage_desktop.sdk.session import use_artifact as use_artifact
    from lineage_desktop.sdk.starting import init as init
    from lineage_desktop.sdk.table import InvalidTable as InvalidTable
    from lineage_desktop.sdk.table import Table as Table

_EXPORTS: dict[str, str] = {  # exported name -> its module (or "module:attribute")
    "Api": "lineage_desktop.sdk.api",
    "ApiRun": "lineage_desktop.sdk.api_run",
    "Artifact": "lineage_desktop.sdk.artifact",
    "ArtifactFinalized": "lineage_desktop.sdk.artifact",
    "ArtifactNotLogged": "lineage_desktop.sdk.artifact",
    "ArtifactTTL": "lineage_desktop.sdk.artifact_edits",
    "InvalidTTL": "lineage_desktop.sdk.artifact_edits",
    "ReferenceNotFetched": "lineage_desktop.sdk.artifact_files",
    "Table": "lineage_desktop.sdk.table",
    "InvalidTable": "lineage_desktop.sdk.table",
    "DuplicateContentWarning": "lineage_desktop.sdk.run",
    "Run": "lineage_desktop.sdk.run",
    "RunFinished": "lineage_desktop.sdk.run",
    "init": "lineage_desktop.sdk.starting",
    "ConfigError": "lineage_desktop.sdk.run_data",
    "Settings": "lineage_desktop.sdk.session",
    "StepWarning": "lineage_desktop.sdk.history",
    "UnloggableValue": "lineage_desktop.sdk.history",
    "UsageError": "lineage_desktop.sdk.session",
    "config": "lineage_desktop.sdk.session",
    "finish": "lineage_desktop.sdk.session",
    "log": "lineage_desktop.sdk.session",
    "log_artifact": "lineage_desktop.sdk.session",
    "login": "lineage_desktop.sdk.session",
    "run": "lineage_desktop.sdk.session",
    "save": "lineage_desktop.sdk.session",
    "summary": "lineage_desktop.sdk.session",
    "use_artifact": "lineage_desktop.sdk.session",
    "NotAvailableOffline": "lineage_desktop.sdk.offline",
    **{name: "lineage_desktop.sdk.offline" for name in (
        "sweep", "agent", "controller", "alert", "watch", "unwatch", "Image", "Audio",
        "Video", "Html", "Histogram", "Object3D", "Molecule", "Plotly", "Graph")},
}
# Names read from their module every time: the module-level run and its parts.
_LIVE: frozenset[str] = frozenset({"run", "config", "summary"})

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, _LIVE)

if not TYPE_CHECKING:  # type checkers read the names imported above instead
    __all__ = sorted(_EXPORTS)
