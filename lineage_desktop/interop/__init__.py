"""Lineage from other tools, and to them: OpenLineage events in and out, DVC's dvc.lock,
MLflow tracking, and merging stores written on several machines.

Each importer is idempotent (runs are found again by the other tool's id, versions by
artifact name and digest) and returns an ``ImportReport`` listing what it skipped and why.
The optional libraries (openlineage-python, PyYAML, MLflow) are imported only when the
function that needs them is called: ``pip install 'lineage-desktop[interop]'`` (and
``[mlflow]``).
"""
from lineage_desktop.interop.report import ImportReport, Skipped

__all__ = [
    "ImportReport",
    "MissingExtra",
    "OpenLineageRun",
    "Skipped",
    "disable_openlineage",
    "emit_events",
    "enable_openlineage",
    "export_events",
    "import_dvc",
    "import_mlflow",
    "import_openlineage",
    "merge_stores",
    "openlineage_init",
    "write_events",
]


def __getattr__(name: str):  # noqa: ANN202  (lazy: keeps optional libraries unloaded)
    import importlib

    homes = {
        "export_events": "openlineage_export", "write_events": "openlineage_export",
        "import_openlineage": "openlineage_import", "import_dvc": "dvc_import",
        "import_mlflow": "mlflow_import", "merge_stores": "merge",
        "MissingExtra": "extras", "emit_events": "openlineage_emit",
        "OpenLineageRun": "openlineage_emit", "openlineage_init": "openlineage_emit",
        "enable_openlineage": "openlineage_emit", "disable_openlineage": "openlineage_emit",
    }
    if name in homes:
        module = importlib.import_module(f"lineage_desktop.interop.{homes[name]}")
        return getattr(module, name if name != "openlineage_init" else "init")
    raise AttributeError(f"module 'lineage_desktop.interop' has no attribute {name!r}")
