"""State every item of one scene shares: the palette's pens and brushes, and render flags.

Items hold a reference to their scene's ``SceneContext`` instead of asking the scene in
``paint()``: attribute reads are the cheapest thing Python can do per frame.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

from lineage_desktop.ui import style


def _pen(color: QColor, width: float, style_: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(color, width, style_)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


class Paints:
    """Ready-made pens and brushes for one palette (built once per palette switch)."""

    def __init__(self, palette: style.Palette) -> None:
        c = palette.color
        self.palette = palette
        self.background = c("background")
        self.card_brush = QBrush(c("card"))
        self.failed_brush = QBrush(c("failed_fill"))
        self.border_pen = _pen(c("card_border"), 1.0)
        self.failed_pen = _pen(c("failed_border"), 1.5)
        self.missing_pen = _pen(c("missing"), 1.5, Qt.PenStyle.DashLine)
        # A deleted version (a tombstone) is muted like a missing node, dash-dotted.
        self.deleted_pen = _pen(c("missing"), 1.5, Qt.PenStyle.DashDotLine)
        self.selected_pen = _pen(c("accent"), 2.0)
        self.warning_pen = _pen(c("warning"), 2.0)
        self.tainted_pen = _pen(c("warning"), 1.75, Qt.PenStyle.DashLine)
        self.focus_pen = _pen(c("accent"), 2.5)
        highlight = QColor(c("highlight"))
        highlight.setAlpha(110)
        self.highlight_brush = QBrush(highlight)
        self.highlight_pen = _pen(c("highlight"), 2.0)
        self.text_pen = QPen(c("text"))
        self.muted_pen = QPen(c("muted"))
        self.pill_brush = QBrush(c("pill_fill"))
        self.pill_text_pen = QPen(c("pill_text"))
        self.glyph_brush = QBrush(c("glyph"))
        self.run_brush = QBrush(c("run"))
        self.artifact_brush = QBrush(c("artifact"))
        self.missing_brush = QBrush(c("missing"))
        self.running_brush = QBrush(c("running"))
        self.warning_brush = QBrush(c("warning"))
        self.eye_hot_brush = QBrush(c("eye_hot"))
        self.cluster_fill = {
            "run": QBrush(c("cluster_run_fill")),
            "artifact": QBrush(c("cluster_artifact_fill")),
        }
        self.cluster_pen = {
            "run": _pen(c("cluster_run_border"), 1.0),
            "artifact": _pen(c("cluster_artifact_border"), 1.0),
        }
        edge = c("edge")
        self.edge_pen = _pen(edge, 1.2)
        self.edge_pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        self.edge_brush = QBrush(edge)
        self.edge_hot_pen = _pen(c("accent"), 2.2)
        self.edge_hot_pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        self.edge_hot_brush = QBrush(c("accent"))
        # Where hidden nodes were: dashed stubs to a dashed pill (hidden_marks).
        self.stub_pen = _pen(edge, 1.2, Qt.PenStyle.DashLine)
        self.mark_pen = _pen(c("muted"), 1.0, Qt.PenStyle.DashLine)
        # Batched edges: a cosmetic pen takes Qt's fast hairline stroker, which clips each
        # curve to the screen first (a hub's fan of long curves strokes in milliseconds).
        self.batch_edge_pen = QPen(edge, 1.0)
        self.batch_edge_pen.setCosmetic(True)
        self.batch_edge_hot_pen = QPen(c("accent"), 1.0)
        self.batch_edge_hot_pen.setCosmetic(True)
        # The overview draws hairlines: a cosmetic pen stays 1 device pixel at any zoom.
        self.overview_edge_pen = QPen(edge, 0)
        self.overview_edge_pen.setCosmetic(True)

    def icon_brush(self, member_kind: str, missing: bool = False) -> QBrush:
        """Brush of an icon disc."""
        if missing:
            return self.missing_brush
        return self.run_brush if member_kind == "run" else self.artifact_brush


class SceneContext:
    """Mutable per-scene render state, shared by reference with every item."""

    __slots__ = (
        "palette",
        "paints",
        "exporting",
        "pulse",
        "dragging",
        "dragged_keys",
        "overview_dirty",
    )

    def __init__(self, palette: style.Palette = style.LIGHT) -> None:
        self.palette = palette
        self.paints = Paints(palette)
        self.exporting = False  # full detail, no hover/selection decorations
        self.pulse = 0.0  # phase 0..1 of the running-run dot
        self.dragging = False  # a node is being dragged by the user right now
        self.dragged_keys: set[str] = set()  # nodes the user moved since set_graph
        self.overview_dirty = True  # node moved since the overview was last built

    def set_palette(self, palette: style.Palette) -> None:
        """Switch colours (items must be repainted by the caller)."""
        self.palette = palette
        self.paints = Paints(palette)
