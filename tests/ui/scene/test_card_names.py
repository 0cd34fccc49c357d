"""Imported datasets read by their own names: four tables of one long namespace no longer
all read ``postgres_pos…customers:v1`` (issue 14). The namespace is the muted first line,
and no two cards of one graph show the same text for different nodes."""

from __future__ import annotations

import json

from scene_graphs import grid_layout

import lineage_desktop as ld
from lineage_desktop.interop import import_openlineage
from lineage_desktop.store import Store
from lineage_desktop.ui.scene import LineageScene, LineageView

NAMESPACE = "postgres://pos-warehouse.internal.example.com:5432"
TABLES = ["shop.public.customers", "shop.public.customers_archive",
          "shop.public.orders", "shop.public.order_items"]
OTHER = "postgres://replica.example.com:5432"  # the same table name in another database


def _events(path):
    run = "01890000-0000-7000-8000-{:012d}"
    lines = []
    inputs = [{"namespace": NAMESPACE, "name": t} for t in TABLES]
    inputs.append({"namespace": OTHER, "name": TABLES[0]})
    for kind, at in (("START", "2026-03-01T10:00:00Z"), ("COMPLETE", "2026-03-01T10:05:00Z")):
        lines.append(json.dumps({
            "eventType": kind, "eventTime": at, "producer": "https://example.com/etl",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json",
            "run": {"runId": run.format(1)}, "job": {"namespace": "etl", "name": "report"},
            "inputs": inputs if kind == "START" else [],
            "outputs": [{"namespace": NAMESPACE, "name": "shop.reporting.daily_revenue"}]
            if kind == "COMPLETE" else []}))
    path.write_text("\n".join(lines) + "\n")


def _scene(qtbot, tmp_path):
    events, db = tmp_path / "events.ndjson", tmp_path / "ol.db"
    _events(events)
    with Store.open(db) as store:
        import_openlineage(store, [events])
    with ld.Api(store=db) as api:
        name = next(n for n in api.store.artifact_names() if "daily_revenue" in n)
        graph = api.lineage(f"{name}:v0")
    for key in graph.nodes:
        graph.nodes[key]["level"] = 0 if "daily_revenue" in key else (
            -1 if key.startswith("run:") else -2)
    scene = LineageScene()
    scene.set_graph(graph, grid_layout(graph))
    view = LineageView(scene)
    qtbot.addWidget(view)
    return graph, scene


def test_imported_tables_read_by_their_own_names_and_stay_distinct(qtbot, tmp_path):
    graph, scene = _scene(qtbot, tmp_path)
    cards = [scene.node_item(str(k)) for k in graph.nodes]
    texts = {c.spec.key: (c.type_line_text, c.label_text) for c in cards}
    assert len(set(texts.values())) == len(texts), texts  # no two cards read alike
    names = {c.spec.key: c.label_text for c in cards if c.spec.kind == "artifact"}
    orders = next(k for k in names if k.endswith("shop.public.orders:v0"))
    assert names[orders] == "shop.public.orders:v0"  # the table's own name, whole
    assert all(not n.startswith("postgres") for k, n in names.items()
               if "customers:" not in k)
    card = scene.node_item(orders)
    assert card.type_line_text.startswith("dataset · postgres://pos-")
    assert NAMESPACE in card.tooltip_markup()
    # The same table in two databases: both show their stored (namespace) names, which
    # are elided so that they still differ.
    customers = [n for k, n in names.items() if k.endswith("shop.public.customers:v0")]
    assert len(customers) == 2 and customers[0] != customers[1]


def test_cards_of_one_level_are_equally_wide(qtbot):
    import networkx as nx

    from lineage_desktop.ui import style
    from lineage_desktop.ui.scene.cards import view_cards

    graph = nx.DiGraph(focus="artifact:a:v0")
    graph.add_node("artifact:a:v0", kind="artifact", label="a:v0", type="t", level=0)
    graph.add_node("run:r1", kind="run", label="r", type="train", level=1)
    graph.add_node("run:r2", kind="run", label="a-much-longer-run-name-than-the-other",
                   type="train", level=1)
    sizes = view_cards(graph).sizes
    assert sizes["run:r1"][0] == sizes["run:r2"][0] > style.NODE_WIDTH
    assert sizes["artifact:a:v0"][0] == style.NODE_WIDTH
