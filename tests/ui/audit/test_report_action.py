"""ReportAction: the HTML report of the drawn lineage, with escaped text, the SVG of the
scene (marks included) and the integrity results."""
from __future__ import annotations

from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QFileDialog

import lineage_desktop as ld
from lineage_desktop.audit import scan_graph
from lineage_desktop.ui.audit import ReportAction, ReportInputs, apply_marks, scene_svg, view_marks


def _inputs(built, drawn):
    built.step("html", ["model:latest"], [("xss", "report")],
               description="<script>alert('x')</script> & more")
    built.tamper("clean")
    api = ld.Api(store=built.path)
    graph = api.lineage("model")
    report = scan_graph(api.store, graph)
    scene, view = drawn(graph)
    apply_marks(scene, view_marks(report, view))
    return ReportInputs(graph, "artifact:model:v0", str(built.path), report,
                        lambda: scene_svg(scene))


def test_write_report_is_self_contained_escaped_with_svg_and_integrity(
        qtbot, built, drawn, tmp_path, artifacts_dir):
    inputs = _inputs(built, drawn)
    action = ReportAction(lambda: inputs)
    target = tmp_path / "audit.html"
    with qtbot.waitSignal(action.report_written) as written:
        assert action.write(target, inputs) == target
    assert written.args == [str(target)]
    html = target.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html
    assert "<script>" not in html
    assert html.count("<svg") == 1 and "</svg>" in html
    assert "1 of 6 versions do not match their digests" in html
    assert "clean:v0</td><td>f.txt</td><td class='bad'>changed" in html
    assert "[compromised]" in html and "[tainted]" in html
    assert "raw:v0 → prep → clean:v0 → train → model:v0" in html
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    _save_svg(svg, artifacts_dir / "ui_audit_report_graph.png")
    assert "model:v0" in svg  # labels are text in the SVG


def test_action_asks_for_a_file(qtbot, built, drawn, tmp_path, monkeypatch):
    inputs = _inputs(built, drawn)
    action = ReportAction(lambda: inputs)
    target = tmp_path / "chosen"
    asked = []

    def choose(parent, title, name, filters):
        asked.append(name)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    with qtbot.waitSignal(action.report_written) as written:
        action.action.trigger()
    assert asked == ["audit-model-v0.html"]
    assert written.args == [str(target) + ".html"]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    with qtbot.assertNotEmitted(action.report_written):
        assert action.run(inputs) is None  # cancelled


def test_unwritable_target_reports_failure(qtbot, built, drawn, tmp_path):
    inputs = _inputs(built, drawn)
    action = ReportAction()
    with qtbot.waitSignal(action.report_failed) as failed:
        assert action.write(tmp_path / "missing" / "a.html", inputs) is None
    assert failed.args[0].startswith("cannot write ")


def _save_svg(svg: str, path) -> None:
    renderer = QSvgRenderer(svg.encode("utf-8"))
    assert renderer.isValid()
    size = renderer.defaultSize()
    image = QImage(size.width(), size.height(), QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    image.save(str(path))
