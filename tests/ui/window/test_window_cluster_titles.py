"""On the demo, laid out by the real engine: long cluster titles wrap onto two lines,
the layout gave those cards their height, and no card overlaps another.
Saves test-artifacts/window-cluster-titles.png for people to look at."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from lineage_desktop.ui.scene import ClusterItem
from lineage_desktop.ui.scene.cards import node_sizes


def _box(card) -> QRectF:
    (w, h), centre = card.size, card.pos()
    return QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h)


def test_cluster_titles_wrap_and_the_layout_makes_room(window, demo_store, qtbot, artifacts_dir):
    assert window.open_store(demo_store)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("holiday-calendar:v0")
    snapshot = window.controller.snapshot
    cards = window.scene().node_items()
    clusters = [c for c in cards if isinstance(c, ClusterItem)]
    assert clusters, "the demo's holiday-calendar:v0 lineage has clusters"
    wrapped = [c for c in clusters if len(c.name_lines) == 2]
    assert wrapped, [c.spec.label for c in clusters]
    sizes = node_sizes(snapshot.view)
    for card in clusters:
        assert "…" not in card.label_text
        assert card.label_text == card.spec.label  # all of the title is on the card
        assert card.size == sizes[card.key]
        card_rect, badge = card.card_rect(), card.badge_rect()
        for rect in card.name_rects():
            assert card_rect.contains(rect) and rect.right() <= badge.left()
    churn = next(c for c in clusters if "churn-model" in c.spec.label)
    assert churn.name_lines[1].endswith("churn-model")  # the name is kept whole
    boxes = [(c.key, _box(c)) for c in cards]
    for i, (key, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1:]:
            assert not box.intersects(other_box), (key, other)
    window.view.set_zoom(1.0)
    window.view.center_on_key(churn.key)
    qtbot.wait(50)
    window.grab().save(str(artifacts_dir / "window-cluster-titles.png"))
