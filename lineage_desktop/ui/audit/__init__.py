"""The audit features in the window: integrity scan and legend, impact list, paths
between two nodes, lineage as of a time, version diff and the HTML report.

Self-contained widgets and controllers over ``lineage_desktop.audit``; they take plain
inputs (store path, graphs, keys) and emit snake_case signals carrying keys. The main
window wires them (see each class's docstring).
"""
from lineage_desktop.audit import ViewMarks, view_marks
from lineage_desktop.ui.audit.as_of import AsOfControl
from lineage_desktop.ui.audit.diff_dialog import DiffDialog, VersionChoice, api_factory
from lineage_desktop.ui.audit.impact_panel import ImpactPanel
from lineage_desktop.ui.audit.integrity import IntegrityRunner, apply_marks
from lineage_desktop.ui.audit.legend import IntegrityLegend
from lineage_desktop.ui.audit.paths import PathController, PathToolbar, dim_scene
from lineage_desktop.ui.audit.report_action import (
    ReportAction,
    ReportInputs,
    scanned_versions,
    scene_svg,
    write_report,
)

__all__ = [
    "AsOfControl",
    "DiffDialog",
    "ImpactPanel",
    "IntegrityLegend",
    "IntegrityRunner",
    "PathController",
    "PathToolbar",
    "ReportAction",
    "ReportInputs",
    "VersionChoice",
    "ViewMarks",
    "api_factory",
    "apply_marks",
    "dim_scene",
    "scanned_versions",
    "scene_svg",
    "view_marks",
    "write_report",
]
