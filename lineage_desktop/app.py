"""The GUI entry point. Qt is imported only when the window is asked for."""
from __future__ import annotations


def run_gui(store: str | None = None, artifact: str | None = None) -> int:
    """Open the main window (until the window exists, print the lineage instead)."""
    try:
        from lineage_desktop.ui.app import run_window  # noqa: F401
    except ImportError:
        return _print_lineage(store, artifact)
    return run_window(store, artifact)


def create_main_window():  # type: ignore[no-untyped-def]
    """The main window, for tests and scripting (``open_store``, ``show_lineage``)."""
    from lineage_desktop.ui.main_window import create_main_window as create

    return create()


def _print_lineage(store: str | None, artifact: str | None) -> int:
    import lineage_desktop as ld

    if store is None:
        print("usage: lineage-desktop STORE [--artifact REF]")
        return 2
    api = ld.Api(store=store)
    graph = api.lineage(artifact or "churn-model:latest")
    for source, target in sorted(graph.edges):
        print(f"{graph.nodes[source]['label']} -> {graph.nodes[target]['label']}")
    return 0
