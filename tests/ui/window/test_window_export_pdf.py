"""File > Export… as PDF: page size and orientation appear for PDF, the note tells the
pages the file will have, and the file written has them (read back from its /MediaBox
entries and page labels)."""

from __future__ import annotations

from pathlib import Path

from pdf_reader import pdf_pages
from PySide6.QtCore import Qt

from lineage_desktop.graph.pages import PAPER_SIZES

A4 = PAPER_SIZES["a4"]
LETTER = PAPER_SIZES["letter"]


def _open_dialog(window):
    window.actions_.export.trigger()
    dialog = window.export_dialog()
    assert dialog is not None and dialog.isVisible()
    return dialog


def _choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def _export(dialog, qtbot, target: Path) -> None:
    dialog.path.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: target.exists(), timeout=20_000)


def _labels(page) -> list[str]:
    return [" ".join(t.split()) for t in page.texts if " ".join(t.split()).startswith("page ")]


def test_paper_choices_appear_only_for_pdf(opened):
    dialog = _open_dialog(opened)
    _choose(dialog.format, "png")
    assert not dialog.page_size.isVisible() and not dialog.orientation.isVisible()
    assert dialog.scale.isEnabled()
    _choose(dialog.format, "pdf")
    assert dialog.page_size.isVisible() and dialog.orientation.isVisible()
    assert dialog.page_size.currentData() == "a4"
    assert dialog.orientation.currentData() == "auto"
    assert not dialog.scale.isEnabled()  # the pages choose the scale
    assert " of A4 landscape at " in dialog.size_note.text()
    _choose(dialog.page_size, "fit")
    assert dialog.scale.isEnabled() and not dialog.orientation.isEnabled()
    assert dialog.size_note.text().startswith("1 page of ")
    # 2 points per scene unit: the dialog's 2 ×, where 0.75 is the size on screen
    assert dialog.size_note.text().endswith(" points at 267 % of screen size")
    _choose(dialog.format, "svg")
    assert not dialog.page_size.isVisible()
    dialog.reject()


def test_dialog_writes_the_pages_it_announces(opened, qtbot, tmp_path):
    dialog = _open_dialog(opened)
    _choose(dialog.format, "pdf")
    note = dialog.size_note.text()
    target = tmp_path / "lineage.pdf"
    _export(dialog, qtbot, target)
    pages = pdf_pages(target)
    assert {(p.width, p.height) for p in pages} == {(A4[1], A4[0])}
    expected = "1 page" if len(pages) == 1 else f"{len(pages)} pages"
    assert note.startswith(expected + " ")
    if len(pages) > 1:
        assert _labels(pages[-1]) == [f"page {len(pages)} of {len(pages)}, row 1 col "
                                      f"{len(pages)}"]
    focus = opened.controller.snapshot.label(opened.controller.snapshot.focus)
    assert any(focus in " ".join(t.split()) for p in pages for t in p.texts)
    assert "Exported" in opened.banner.text()


def test_letter_portrait_from_the_dialog(opened, qtbot, tmp_path):
    dialog = _open_dialog(opened)
    _choose(dialog.format, "pdf")
    _choose(dialog.page_size, "letter")
    _choose(dialog.orientation, "portrait")
    note = dialog.size_note.text()
    assert " of Letter portrait at " in note
    target = tmp_path / "letter.pdf"
    _export(dialog, qtbot, target)
    pages = pdf_pages(target)
    assert {(p.width, p.height) for p in pages} == {LETTER}
    assert note.startswith("1 page " if len(pages) == 1 else f"{len(pages)} pages ")
    for number, page in enumerate(pages, start=1):
        labels = _labels(page)
        if len(pages) == 1:
            assert labels == []
        else:
            assert len(labels) == 1 and labels[0].startswith(f"page {number} of {len(pages)}, ")


def test_the_window_keeps_its_graph_after_a_tiled_export(opened, tmp_path):
    scene = opened.scene()
    visible = [item for item in scene.items() if item.isVisible()]
    # Twice the size on screen, on portrait pages: the graph needs several.
    path = opened.export_graph(tmp_path / "tiles.pdf", scale=2.0, page_size="a4",
                               orientation="portrait")
    assert len(pdf_pages(path)) > 1
    assert [item for item in scene.items() if item.isVisible()] == visible
    fit = pdf_pages(opened.export_graph(tmp_path / "fit.pdf", scale=1.0, page_size="fit"))
    rect = scene.content_rect()
    assert len(fit) == 1
    assert (fit[0].width, fit[0].height) == (round(rect.width() + 48), round(rect.height() + 48))
