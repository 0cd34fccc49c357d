"""SVG exports: compact (issue 12), still valid, still rendering, labels still text."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from lineage_desktop.layout import compute_layout
from lineage_desktop.ui.export import image
from lineage_desktop.ui.export.svg_compact import compact_svg, round_numbers
from lineage_desktop.ui.scene.cards import build_layout_request

SVG = "{http://www.w3.org/2000/svg}"
# QSvgGenerator alone wrote about 11 kB per card (each icon glyph again, every state in
# full); compacted it is about 1.5 kB. The bound sits well between the two.
MAX_BYTES_PER_NODE = 4_000


def _chain_graph(pairs: int) -> nx.DiGraph:
    graph = nx.DiGraph(focus="artifact:data-0:v0")
    previous = None
    for i in range(pairs):
        data, run = f"artifact:data-{i}:v0", f"run:train{i:04d}"
        graph.add_node(data, kind="artifact", type="dataset", label=f"data-{i}:v0",
                       name=f"data-{i}", version="v0")
        graph.add_node(run, kind="run", type="train", label=f"train-{i}", job_type="train",
                       state="failed" if i == 3 else "finished")
        if previous is not None:
            graph.add_edge(previous, data)
        graph.add_edge(data, run)
        previous = run
    return graph


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(SVG + "text")]


def test_svg_export_is_compact_valid_and_keeps_labels_as_text(tmp_path, qapp):
    graph = _chain_graph(10)
    layout = compute_layout(build_layout_request(graph, "LR"))
    path = image.render_graph_image(graph, layout, tmp_path / "g.svg", "svg")
    data = path.read_bytes()

    root = ET.fromstring(data)  # valid XML
    texts = _texts(root)
    for _key, attrs in graph.nodes(data=True):
        assert attrs["label"] in texts  # searchable, selectable text, not outlines
    assert len(data) < MAX_BYTES_PER_NODE * graph.number_of_nodes()
    # The repeated icon glyphs are written once and drawn by reference.
    assert len(list(root.iter(SVG + "use"))) >= graph.number_of_nodes()

    renderer = QSvgRenderer(data)
    assert renderer.isValid()
    picture = QImage(renderer.defaultSize(), QImage.Format.Format_ARGB32)
    picture.fill(0xFFFF00FF)
    painter = QPainter(picture)
    renderer.render(painter)
    painter.end()
    picture.save(str(tmp_path / "rendered.png"))  # for a person to look at
    colours = {picture.pixel(x, y) for x in range(0, picture.width(), 7)
               for y in range(0, picture.height(), 7)}
    assert 0xFFFF00FF not in colours  # the background covers the whole picture
    assert len(colours) > 3  # cards, text and icons drew


def test_compact_svg_shares_paths_drops_empty_groups_and_inherited_values():
    glyph = "M " + " L ".join(f"{i}.123456,{i}.98765" for i in range(20)) + " Z"
    source = f"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
 viewBox="0 0 10 10" version="1.2" baseProfile="tiny"><defs></defs>
<g fill="none" stroke="black" stroke-width="1">
<g fill="#ffffff" stroke="black" font-family="Sans" transform="matrix(1,0,0,1,0,0)"></g>
<g fill="#ff0000" fill-opacity="1" stroke-width="1" font-family="Sans"
 transform="matrix(1,0,0,1,3.14159,2)"><path vector-effect="none" d="{glyph}"/></g>
<g fill="#ff0000" transform="matrix(1,0,0,1,5,6)"><path d="{glyph}"/></g>
<g font-family="Sans" font-size="11"><text font-family="Sans" font-size="12" x="1.23456"
 xml:space="preserve">v 1.234567</text></g>
</g></svg>""".encode()
    root = ET.fromstring(compact_svg(source))
    groups = list(root.iter(SVG + "g"))
    assert len(groups) == 4  # the empty one went
    first = groups[1]
    assert first.get("transform") == "translate(3.14,2)"
    assert "fill-opacity" not in first.attrib and "stroke-width" not in first.attrib
    assert "font-family" not in first.attrib  # no text below: the font says nothing
    uses = list(root.iter(SVG + "use"))
    assert len(uses) == 2 and "vector-effect" not in uses[0].attrib
    [shared] = root.find(SVG + "defs")
    assert uses[0].get("{http://www.w3.org/1999/xlink}href") == "#" + shared.get("id")
    assert shared.get("d").startswith("M 0.12,0.99 L 1.12,1.99")
    [text] = root.iter(SVG + "text")
    assert text.text == "v 1.234567"  # text is never rounded
    assert text.get("x") == "1.23" and text.get("font-size") == "12"
    assert "font-family" not in text.attrib  # inherited from its group


def test_round_numbers():
    assert round_numbers("M-0.0001,3.14159 L2,10.5 12.999") == "M0,3.14 L2,10.5 13"


def test_text_gets_a_font_stack_ending_in_the_generic_family():
    """Qt names the font it drew with "Sans Serif", which no browser knows: the exported
    SVG lists real sans fonts and ends in CSS's ``sans-serif``."""
    from lineage_desktop.ui.export.svg_compact import font_stack

    assert font_stack("Sans Serif").endswith(", sans-serif")
    assert "Sans Serif" not in font_stack("Sans Serif")
    assert font_stack("DejaVu Sans").startswith("'DejaVu Sans', ")
    assert font_stack("Inter, sans-serif") == "Inter, sans-serif"
    assert font_stack("'Noto Sans'").split(", ").count("'Noto Sans'") == 1


@pytest.mark.sqlite_file("a CLI subprocess opens the SQLite file path")
def test_exported_svg_text_uses_the_font_stack(tmp_path):
    import subprocess
    import sys

    import lineage_desktop as ld

    store = tmp_path / "s.db"
    with ld.init(project="p", store=store) as run:
        art = ld.Artifact("data", type="dataset")
        (tmp_path / "f").write_text("x")
        art.add_file(str(tmp_path / "f"))
        run.log_artifact(art)
    out = tmp_path / "g.svg"
    subprocess.run([sys.executable, "-m", "lineage_desktop", "export", str(store), "data:v0",
                    "-o", str(out)], check=True, capture_output=True)
    families = set(re.findall(r'font-family="([^"]*)"', out.read_text()))
    assert families and all(f.endswith("sans-serif") for f in families)
