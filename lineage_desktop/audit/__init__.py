"""Audits no other lineage tool offers: integrity in the graph, impact lists, version
diffs and self-contained reports. Pure Python over the SDK and graph layers (no Qt)."""
from lineage_desktop.audit.diff import FileChange, VersionDiff, diff_versions
from lineage_desktop.audit.impact import ImpactRow, impact_csv, impact_rows
from lineage_desktop.audit.integrity import (
    ClusterMark,
    IntegrityReport,
    ViewMarks,
    scan_graph,
    scan_store,
    view_marks,
)
from lineage_desktop.audit.run_diff import RunDiff, diff_runs
from lineage_desktop.audit.verify import VerifyReport, describe, verify_versions

__all__ = [
    "ClusterMark",
    "FileChange",
    "ImpactRow",
    "IntegrityReport",
    "RunDiff",
    "VersionDiff",
    "VerifyReport",
    "ViewMarks",
    "describe",
    "diff_runs",
    "diff_versions",
    "impact_csv",
    "impact_rows",
    "scan_graph",
    "scan_store",
    "verify_versions",
    "view_marks",
]
