"""The lineage graph on screen: scene, card and edge items, the zoomable view.

``LineageScene.set_graph(view_graph, layout_result)`` builds the items;
``LineageView`` shows a scene with wheel/keyboard zoom, panning and overlays.
``build_layout_request(view_graph)`` sizes the boxes for the layout with the card fonts.
"""

from lineage_desktop.ui.scene.card_item import CardItem
from lineage_desktop.ui.scene.cards import CardSpec, build_layout_request, card_spec, node_sizes
from lineage_desktop.ui.scene.edge_item import EdgeItem
from lineage_desktop.ui.scene.lineage_scene import LineageScene
from lineage_desktop.ui.scene.node_item import ClusterItem, NodeItem
from lineage_desktop.ui.scene.overview_item import OverviewItem
from lineage_desktop.ui.scene.view import LineageView

__all__ = [
    "CardItem",
    "CardSpec",
    "ClusterItem",
    "EdgeItem",
    "LineageScene",
    "LineageView",
    "NodeItem",
    "OverviewItem",
    "build_layout_request",
    "card_spec",
    "node_sizes",
]
