"""File > Export selection… and the context menu's Export selection…: only the selected
cards (Ctrl+click, Shift+drag rubber band, or the right-clicked card) and the edges
between them, as a cropped image or as data. Driven by real clicks on the real window."""

from __future__ import annotations

import json
import unicodedata

from pdf_reader import pdf_pages
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMenu
from test_window_context_menu import choose, right_click, right_click_node
from window_helpers import item_point, move

from lineage_desktop.graph.pages import PAPER_SIZES
from lineage_desktop.ui.dialogs.presenter import NOTHING_SELECTED
from lineage_desktop.ui.export.image import image_size
from lineage_desktop.ui.scene.subset import subset_rect

CTRL = Qt.KeyboardModifier.ControlModifier
EXPORT_SELECTION = "Export &selection…"


def _click(qtbot, window, key: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    view, item = window.view, window.scene().node_item(key)
    view.centerOn(item)
    point = item_point(view, item)
    assert view.key_at(point) == key
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, point)


def _pair(window) -> tuple[str, str]:
    """The focus and the run that logged it: two cards joined by one edge."""
    snap = window.controller.snapshot
    run = next(k for k in snap.view.predecessors(snap.focus) if k.startswith("run:"))
    return run, snap.focus


def _select_pair(qtbot, window) -> tuple[str, str]:
    run, focus = _pair(window)
    _click(qtbot, window, run)
    _click(qtbot, window, focus, CTRL)
    assert sorted(window.scene().selected_keys()) == sorted([run, focus])
    return run, focus


def _export_from_dialog(qtbot, window, target) -> None:
    dialog = window.export_dialog()
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Export selection"
    dialog.path.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Exported the selection" in window.banner.text(), timeout=10_000)


def _json_from_dialog(qtbot, window, target) -> dict:
    """Choose JSON in the open Export selection dialog, export, read the file."""
    qtbot.waitUntil(lambda: window.export_dialog() is not None)
    dialog = window.export_dialog()
    dialog.format.setCurrentIndex(dialog.format.findData("json"))
    assert "selected nodes" in dialog.size_note.text()
    _export_from_dialog(qtbot, window, target)
    return json.loads(target.read_text(encoding="utf-8"))


def _labels(window) -> dict[str, str]:
    snap = window.controller.snapshot
    return {key: snap.label(key) for key in snap.view.nodes}


def test_export_selection_is_disabled_until_cards_are_selected(opened, qtbot):
    action = opened.actions_.export_selection
    assert not action.isEnabled()
    assert action.toolTip() == NOTHING_SELECTED
    assert action in opened.findChild(QMenu, "fileMenu").actions()
    run, focus = _select_pair(qtbot, opened)
    assert action.isEnabled()
    assert "2 selected nodes" in action.toolTip()
    # Clicking the background clears the selection: disabled again.
    view = opened.view
    corner = QPoint(4, view.viewport().height() - 4)
    assert view.key_at(corner) == ""
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=corner)
    assert opened.scene().selected_keys() == []
    assert not action.isEnabled()
    menu = right_click(qtbot, opened, corner)
    entry = next(a for a in menu.actions() if a.text() == EXPORT_SELECTION)
    assert not entry.isEnabled() and entry.toolTip() == NOTHING_SELECTED
    menu.close()


def test_ctrl_clicked_cards_export_as_an_svg_of_just_them(opened, qtbot, tmp_path):
    run, focus = _select_pair(qtbot, opened)
    opened.actions_.export_selection.trigger()
    target = tmp_path / "selection.svg"
    _export_from_dialog(qtbot, opened, target)
    text = target.read_text(encoding="utf-8")
    labels = _labels(opened)
    chosen = {labels[run], labels[focus]}
    for label in chosen:
        assert label in text
    whole = opened.export_graph(tmp_path / "whole.svg").read_text(encoding="utf-8")
    others = [
        label for key, label in labels.items()
        if key not in (run, focus) and label in whole and not any(label in c for c in chosen)
    ]
    assert len(others) >= 5  # the demo lineage has more to leave out
    assert [label for label in others if label in text] == []


def test_selection_exports_as_json_with_just_those_nodes_and_their_edge(opened, qtbot, tmp_path):
    run, focus = _select_pair(qtbot, opened)
    opened.actions_.export_selection.trigger()
    data = _json_from_dialog(qtbot, opened, tmp_path / "selection.json")
    assert {n["key"] for n in data["nodes"]} == {run, focus}
    assert [(e["source"], e["target"]) for e in data["edges"]] == [(run, focus)]
    assert data["focus"] == focus
    assert opened.scene().selected_keys()  # the selection is left as it was


def test_the_png_is_cropped_to_the_selection(opened, qtbot, tmp_path):
    run, focus = _select_pair(qtbot, opened)
    opened.actions_.export_selection.trigger()
    dialog = opened.export_dialog()
    dialog.scale.setValue(1.0)
    target = tmp_path / "selection.png"
    _export_from_dialog(qtbot, opened, target)
    image = QImage(str(target))
    scene = opened.scene()
    rect = subset_rect(scene, [run, focus])
    assert (image.width(), image.height()) == image_size(rect, 1.0, 24.0)
    whole = scene.content_rect()
    assert rect.width() * rect.height() < whole.width() * whole.height() / 2
    # Everything else is drawn again afterwards.
    assert all(card.opacity() > 0 for card in scene.node_items())
    assert all(edge.opacity() > 0 for edge in scene.edge_items())


def _pdf_text(page) -> str:
    """The page's text as read, ligatures ("ﬂ") spelled out."""
    return unicodedata.normalize("NFKC", " ".join(" ".join(t.split()) for t in page.texts))


def _left_out(window, chosen: set[str], whole_text: str) -> list[str]:
    """Labels of the graph's other nodes that the whole graph's PDF shows and that are not
    part of a chosen label."""
    return [
        label for key, label in _labels(window).items()
        if label not in chosen and label in whole_text and not any(label in c for c in chosen)
    ]


def test_a_selection_pdf_is_on_a4_pages_with_just_the_selected_cards(opened, qtbot, tmp_path):
    run, focus = _select_pair(qtbot, opened)
    labels = _labels(opened)
    chosen = {labels[run], labels[focus]}
    whole = opened.export_graph(tmp_path / "whole.pdf")
    whole_text = " ".join(_pdf_text(page) for page in pdf_pages(whole))
    others = _left_out(opened, chosen, whole_text)
    assert len(others) >= 5
    # The default: A4, orientation by the shape, scale 1 (the size on screen).
    pages = pdf_pages(opened.export_graph(tmp_path / "selection.pdf", keys=[run, focus]))
    a4 = PAPER_SIZES["a4"]
    assert len(pages) == 1
    assert (pages[0].width, pages[0].height) in {a4, a4[::-1]}
    text = _pdf_text(pages[0])
    assert all(label in text for label in chosen)
    assert [label for label in others if label in text] == []
    # Four times the size on Letter portrait: the pair spreads over labelled pages, each
    # drawing only the selected cards; the window shows everything again afterwards.
    scene = opened.scene()
    tiles = pdf_pages(opened.export_graph(tmp_path / "tiles.pdf", keys=[run, focus], scale=4.0,
                                          page_size="letter", orientation="portrait"))
    assert len(tiles) > 1
    assert {(p.width, p.height) for p in tiles} == {PAPER_SIZES["letter"]}
    tiled = " ".join(_pdf_text(page) for page in tiles)
    assert f"page {len(tiles)} of {len(tiles)}," in tiled
    assert [label for label in others if label in tiled] == []
    assert all(card.isVisible() and card.opacity() > 0 for card in scene.node_items())
    assert all(edge.isVisible() and edge.opacity() > 0 for edge in scene.edge_items())
    assert sorted(scene.selected_keys()) == sorted([run, focus])


def test_the_selection_dialog_offers_pdf_pages_for_the_selection(opened, qtbot, tmp_path):
    run, focus = _select_pair(qtbot, opened)
    opened.actions_.export_selection.trigger()
    dialog = opened.export_dialog()
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    assert dialog.page_size.isVisible() and dialog.orientation.isVisible()
    assert not dialog.scale.isEnabled()
    dialog.page_size.setCurrentIndex(dialog.page_size.findData("letter"))
    dialog.orientation.setCurrentIndex(dialog.orientation.findData("portrait"))
    note = dialog.size_note.text()
    assert note.startswith("1 page of Letter portrait at ")  # the pair, not the whole graph
    target = tmp_path / "selection.pdf"
    _export_from_dialog(qtbot, opened, target)
    pages = pdf_pages(target)
    assert [(p.width, p.height) for p in pages] == [PAPER_SIZES["letter"]]
    labels = _labels(opened)
    assert all(labels[key] in _pdf_text(pages[0]) for key in (run, focus))


def test_a_right_clicked_card_outside_the_selection_is_exported_alone(opened, qtbot, tmp_path):
    run, focus = _select_pair(qtbot, opened)
    snap = opened.controller.snapshot
    other = next(k for k in snap.view.successors(focus) if k.startswith("run:"))
    menu = right_click_node(qtbot, opened, other)
    assert sorted(opened.scene().selected_keys()) == sorted([run, focus])
    choose(qtbot, menu, EXPORT_SELECTION)
    data = _json_from_dialog(qtbot, opened, tmp_path / "one.json")
    assert [n["key"] for n in data["nodes"]] == [other]
    assert data["edges"] == []
    assert "focus" not in data or data["focus"] is None  # the focus was not exported


def test_a_right_clicked_selected_card_exports_the_whole_selection(opened, qtbot, tmp_path):
    run, focus = _select_pair(qtbot, opened)
    menu = right_click_node(qtbot, opened, run)
    choose(qtbot, menu, EXPORT_SELECTION)
    data = _json_from_dialog(qtbot, opened, tmp_path / "two.json")
    assert {n["key"] for n in data["nodes"]} == {run, focus}


def test_a_rubber_band_selection_exports_the_cards_inside_it(opened, qtbot, tmp_path):
    run, focus = _pair(opened)
    view, scene = opened.view, opened.scene()
    view.set_zoom(0.6)
    rect = subset_rect(scene, [run, focus])
    view.centerOn(rect.center())
    start = view.mapFromScene(rect.topLeft()) - QPoint(6, 6)
    end = view.mapFromScene(rect.bottomRight()) + QPoint(6, 6)
    viewport = view.viewport()
    assert view.key_at(start) == "" and viewport.rect().contains(end)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, start)
    for i in range(1, 7):
        point = start + (end - start) * (i / 6)
        move(viewport, QPoint(round(point.x()), round(point.y())), Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, end)
    selected = set(scene.selected_keys())
    assert {run, focus} <= selected
    opened.actions_.export_selection.trigger()
    data = _json_from_dialog(qtbot, opened, tmp_path / "band.json")
    assert {n["key"] for n in data["nodes"]} == selected
    edges = set(opened.controller.snapshot.view.subgraph(selected).edges)
    assert {(e["source"], e["target"]) for e in data["edges"]} == edges
