"""Repaint time of a 10,000-node lineage scene, against naive items in the same run.

    python benchmarks/bench_paint.py [--nodes 10000] [--repeat 7] [--layout grid|real]

Measures a full repaint of a 1280x800 viewport (``viewport().grab()``, which runs the
view's paint event into a pixmap) at fit-to-window and at 1:1 zoom; median of
``--repeat`` frames. "cold" frames drop the pixmap cache first (every card paints
again), "warm" frames reuse it. The baseline draws the same graph with one naive item
per card (box, icon, two texts) and per edge (curve, arrowhead): no cache, no level of
detail. Budgets (DESIGN.md): fit < 30 ms, 1:1 < 16 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import networkx as nx  # noqa: E402
from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPixmapCache, QPolygonF  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsScene  # noqa: E402

from lineage_desktop.layout.types import LayoutResult  # noqa: E402
from lineage_desktop.ui.scene import LineageScene, LineageView, node_sizes  # noqa: E402
from lineage_desktop.ui.scene.edge_item import arrow_head  # noqa: E402

VIEW_W, VIEW_H = 1280, 800


def make_graph(nodes: int) -> nx.DiGraph:
    """Rows of alternating artifact -> run -> artifact chains, with some fan-in."""
    width = max(1, int((nodes / 2) ** 0.5 * 1.4))
    levels = max(1, nodes // width)
    g = nx.DiGraph(focus="artifact:a0-0:v0")
    for level in range(levels):
        for row in range(width):
            if level % 2 == 0:
                key = f"artifact:a{level}-{row}:v0"
                g.add_node(
                    key,
                    kind="artifact",
                    label=f"dataset-{level}-{row}:v0",
                    type="dataset",
                    aliases=["latest"] if row % 5 == 0 else [],
                    level=level,
                )
            else:
                key = f"run:r{level}-{row}"
                g.add_node(
                    key,
                    kind="run",
                    label=f"train-{level}-{row}",
                    type="train",
                    job_type="train",
                    state="failed" if row % 17 == 0 else "finished",
                    level=level,
                )
            if level:
                prev_kind = "artifact:a" if level % 2 == 1 else "run:r"
                suffix = ":v0" if level % 2 == 1 else ""
                g.add_edge(f"{prev_kind}{level - 1}-{row}{suffix}", key)
                if row and row % 3 == 0:
                    g.add_edge(f"{prev_kind}{level - 1}-{row - 1}{suffix}", key)
    return g


def grid_layout(g: nx.DiGraph) -> LayoutResult:
    """Columns by level, rows in order; straight S-curves (a stand-in for the real layout)."""
    sizes = node_sizes(g)
    col_w = max(w for w, _ in sizes.values()) + 90
    rows: dict[int, float] = {}
    positions = {}
    for key, attrs in g.nodes(data=True):
        level = attrs["level"]
        y = rows.get(level, 0.0)
        w, h = sizes[key]
        positions[key] = (level * col_w + col_w / 2, y + h / 2)
        rows[level] = y + h + 36
    edges = {}
    for s, t in g.edges():
        (sx, sy), (tx, ty) = positions[s], positions[t]
        p0, p1 = (sx + sizes[s][0] / 2, sy), (tx - sizes[t][0] / 2, ty)
        k = (p1[0] - p0[0]) / 2
        edges[(s, t)] = (p0, (p0[0] + k, p0[1]), (p1[0] - k, p1[1]), p1)
    return LayoutResult(
        0, positions, sizes, edges, (max(rows) + 1) * col_w, max(rows.values()), "grid"
    )


def real_layout(g: nx.DiGraph) -> LayoutResult:
    from lineage_desktop.layout import compute_layout  # the layout engine, when present
    from lineage_desktop.ui.scene import build_layout_request

    return compute_layout(build_layout_request(g, engine="layered"))


class NaiveNode(QGraphicsItem):
    """Baseline card: rounded box, icon disc, two texts; repainted every frame."""

    def __init__(
        self, rect: QRectF, kind: str, label: str, type_text: str, font: QFont, bold: QFont
    ):
        super().__init__()
        self._rect, self._kind, self._label, self._type = rect, kind, label, type_text
        self._font, self._bold = font, bold

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        r = self._rect
        painter.setPen(Qt.GlobalColor.gray)
        painter.setBrush(Qt.GlobalColor.white)
        painter.drawRoundedRect(r, 10, 10)
        painter.setBrush(Qt.GlobalColor.darkGreen if self._kind == "run" else Qt.GlobalColor.blue)
        painter.drawEllipse(QPointF(r.left() + 28, r.center().y()), 16, 16)
        painter.setPen(Qt.GlobalColor.black)
        painter.setFont(self._font)
        painter.drawText(QPointF(r.left() + 54, r.top() + 22), self._type)
        painter.setFont(self._bold)
        painter.drawText(QPointF(r.left() + 54, r.top() + 40), self._label)


class NaiveEdge(QGraphicsItem):
    """Baseline edge: cubic curve and arrowhead; repainted every frame."""

    def __init__(self, points: tuple):
        super().__init__()
        pts = [QPointF(*p) for p in points]
        self._path = QPainterPath(pts[0])
        for i in range(1, len(pts) - 2, 3):
            self._path.cubicTo(pts[i], pts[i + 1], pts[i + 2])
        self._arrow, _, _ = arrow_head(pts[-1], pts[-2])
        self._bounds = (
            self._path.controlPointRect().united(self._arrow.boundingRect()).adjusted(-3, -3, 3, 3)
        )

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setPen(Qt.GlobalColor.gray)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setBrush(Qt.GlobalColor.gray)
        painter.drawPolygon(QPolygonF(self._arrow))


def naive_scene(g: nx.DiGraph, layout: LayoutResult) -> QGraphicsScene:
    scene = QGraphicsScene()
    font, bold = QFont(), QFont()
    font.setPixelSize(11)
    bold.setPixelSize(13)
    bold.setBold(True)
    for key, attrs in g.nodes(data=True):
        (cx, cy), (w, h) = layout.positions[key], layout.sizes[key]
        item = NaiveNode(
            QRectF(cx - w / 2, cy - h / 2, w, h),
            attrs["kind"],
            attrs["label"],
            attrs["type"],
            font,
            bold,
        )
        item.setData(0, key)
        scene.addItem(item)
    for points in layout.edges.values():
        scene.addItem(NaiveEdge(points))
    return scene


def frame_ms(view: LineageView, cold: bool) -> float:
    if cold:
        QPixmapCache.clear()
    start = time.perf_counter()
    view.viewport().grab()
    return (time.perf_counter() - start) * 1000


def median_ms(view: LineageView, repeat: int, cold: bool) -> float:
    frame_ms(view, cold)  # first frame: index building, glyph caches
    return statistics.median(frame_ms(view, cold) for _ in range(repeat))


def measure(view: LineageView, set_zoom: Callable[[], None], repeat: int) -> tuple[float, float]:
    set_zoom()
    QApplication.processEvents()
    return median_ms(view, repeat, cold=True), median_ms(view, repeat, cold=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--layout", choices=("grid", "real"), default="grid")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])

    g = make_graph(args.nodes)
    start = time.perf_counter()
    layout = real_layout(g) if args.layout == "real" else grid_layout(g)
    layout_s = time.perf_counter() - start
    scene = LineageScene()
    start = time.perf_counter()
    scene.set_graph(g, layout)
    build_s = time.perf_counter() - start
    view = LineageView(scene)
    view.resize(VIEW_W, VIEW_H)
    view.show()
    app.processEvents()
    centre = scene.content_rect().center()

    def fit() -> None:
        view.fit_all()

    def one_to_one() -> None:
        view.set_zoom(1.0)
        view.centerOn(centre)

    fit_cold, fit_warm = measure(view, fit, args.repeat)
    fit_zoom = view.zoom_factor()
    one_cold, one_warm = measure(view, one_to_one, args.repeat)

    base_scene = naive_scene(g, layout)
    base_view = LineageView()
    base_view.setScene(base_scene)
    base_view.resize(VIEW_W, VIEW_H)
    base_view.show()
    app.processEvents()

    def base_one_to_one() -> None:
        base_view.set_zoom(1.0)
        base_view.centerOn(centre)

    base_fit = measure(base_view, base_view.fit_all, args.repeat)[0]
    base_one = measure(base_view, base_one_to_one, args.repeat)[0]

    print(
        f"graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges; "
        f"layout {args.layout} {layout_s * 1000:.0f} ms; scene build {build_s * 1000:.0f} ms; "
        f"viewport {VIEW_W}x{VIEW_H}; fit zoom {fit_zoom:.4f}"
    )
    header = ("case", "ours cold", "ours warm", "naive", "naive/cold", "naive/warm", "budget")
    print("{:<14}{:>11}{:>11}{:>10}{:>12}{:>12}{:>9}".format(*header))
    for name, cold, warm, base, budget in (
        ("fit-to-window", fit_cold, fit_warm, base_fit, 30.0),
        ("1:1", one_cold, one_warm, base_one, 16.0),
    ):
        verdict = "ok" if cold < budget else "OVER"
        print(
            f"{name:<14}{cold:>9.1f}ms{warm:>9.1f}ms{base:>8.1f}ms{base / cold:>11.1f}x"
            f"{base / warm:>11.1f}x{budget:>6.0f}ms {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
