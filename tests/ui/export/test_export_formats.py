"""File > Export and its dialog read the registry of graph.formats, like the CLI."""
from __future__ import annotations

from lineage_desktop.graph import formats
from lineage_desktop.ui.export import files as exporting
from lineage_desktop.ui.export import image as export_image
from lineage_desktop.ui.export.dialog import ExportDialog


def test_window_export_uses_the_registry(qtbot):
    assert exporting.format_for_path is formats.format_for_path
    assert exporting.with_extension is formats.with_extension
    assert export_image.FORMATS == formats.IMAGE_FORMATS
    dialog = ExportDialog(default_path="lineage.gv")
    qtbot.addWidget(dialog)
    names = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    assert names == list(formats.FORMATS)
    assert dialog.format.currentData() == "dot"  # .gv is DOT, as for the CLI
    assert "(.dot, .gv)" in dialog.format.currentText()
    assert dialog.options().path.name == "lineage.gv"


def test_format_aliases_are_accepted_by_the_window_as_by_the_cli(tmp_path):
    # The window's table used to know only names: --format gv worked, fmt="gv" did not.
    import networkx as nx

    graph = nx.DiGraph(focus="run:a")
    graph.add_node("run:a", kind="run", label="a", level=0)
    options = exporting.ExportOptions(tmp_path / "g.gv", "gv")
    written = exporting.export_graph(options, None, graph, "LR")  # data: no scene needed
    assert written.read_text().startswith("digraph lineage {")
