"""graph.formats: the one export-format registry (CLI, File > Export and its dialog)."""
from __future__ import annotations

from pathlib import Path

import pytest
from lineage_builder import chain

from lineage_desktop.graph.export import dumps_json, to_dot, to_graphml, to_mermaid
from lineage_desktop.graph.formats import (
    DATA_FORMATS,
    EXTENSIONS,
    FORMATS,
    IMAGE_FORMATS,
    UnknownExportFormat,
    file_filters,
    format_for,
    format_for_path,
    format_named,
    with_extension,
)
from lineage_desktop.records import ValidationError


def test_the_formats_of_the_design():
    assert set(EXTENSIONS) == {".png", ".svg", ".pdf", ".dot", ".gv", ".graphml", ".mmd",
                               ".mermaid", ".json"}
    assert IMAGE_FORMATS == ("png", "svg", "pdf")
    assert DATA_FORMATS == ("dot", "graphml", "mermaid", "json")
    assert all(FORMATS[n].image for n in IMAGE_FORMATS)
    assert not any(FORMATS[n].image for n in DATA_FORMATS)


def test_names_aliases_and_extensions():
    assert format_named("GV").name == "dot" and format_named("mmd").name == "mermaid"
    assert format_named(".json").name == "json"
    assert format_for("out.MMD").name == "mermaid"
    assert format_for("out.png", "svg").name == "svg"  # explicit wins
    assert format_for("out", default="png").name == "png"
    assert format_for_path("x.gv") == "dot" and format_for_path("x.tiff") is None
    with pytest.raises(UnknownExportFormat, match="unknown format 'jpeg'"):
        format_for("out.png", "jpeg")
    with pytest.raises(UnknownExportFormat, match="extension '.tiff'"):
        format_for("out.tiff")
    with pytest.raises(ValidationError, match="no extension"):
        format_for("out")


def test_with_extension_and_file_filters():
    assert with_extension("a/lineage", "mermaid") == Path("a/lineage.mmd")
    assert with_extension("lineage.gv", "dot") == Path("lineage.gv")
    assert with_extension("lineage.png", "pdf") == Path("lineage.pdf")
    assert FORMATS["dot"].file_filter == "Graphviz DOT (*.dot *.gv)"
    assert file_filters(("png",)) == "PNG image (*.png);;All files (*)"
    assert file_filters().count(";;") == len(FORMATS)


def test_data_writers_are_the_graph_exports():
    view = chain()
    assert FORMATS["dot"].text(view, "TB") == to_dot(view, "TB")
    assert FORMATS["mermaid"].text(view) == to_mermaid(view)
    assert FORMATS["graphml"].text(view) == to_graphml(view)
    assert FORMATS["json"].text(view) == dumps_json(view)
    with pytest.raises(UnknownExportFormat, match="image"):
        FORMATS["png"].text(view)


def test_the_command_line_reads_the_registry():
    from lineage_desktop.cli import cmd_export

    assert cmd_export.FORMATS is FORMATS
    assert cmd_export.choose_format("x.mermaid", None) == "mermaid"
    assert cmd_export.choose_format("-", "gv") == "dot"
