"""Tracking SDK (``init``, ``Run``, ``Artifact``) and read API (``Api``)."""
from lineage_desktop.sdk.api import Api
from lineage_desktop.sdk.api_run import ApiRun
from lineage_desktop.sdk.artifact import Artifact, ArtifactFinalized, ArtifactNotLogged
from lineage_desktop.sdk.run import DuplicateContentWarning, Run, RunFinished, init

__all__ = [
    "Api",
    "ApiRun",
    "Artifact",
    "ArtifactFinalized",
    "ArtifactNotLogged",
    "DuplicateContentWarning",
    "Run",
    "RunFinished",
    "init",
]
