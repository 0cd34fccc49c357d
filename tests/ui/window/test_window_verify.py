"""Verify in the window says exactly what it checked (issue 15, item 2): the summary
counts files re-hashed, not checked (with why), matching and mismatching, names the scope
("this lineage, N of M versions" or "whole store"), the scope is the user's choice, and
clusters holding compromised or tainted members are marked."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QMenu, QPushButton
from window_helpers import item_point

import lineage_desktop as ld
import lineage_desktop.demo as demo
from lineage_desktop.audit.verify_counts import WHOLE_STORE
from lineage_desktop.store import Store
from lineage_desktop.ui import style


def _lineage_versions(store: Path, ref: str) -> list:
    """The artifact versions of ``ref``'s lineage, read through the public API."""
    api = ld.Api(store=store)
    graph = api.lineage(ref)
    keys = [k for k in graph if k.startswith("artifact:")]
    return [api.artifact(k.removeprefix("artifact:")) for k in keys]


def _total_versions(store: Path) -> int:
    with Store.open(store, readonly=True) as opened:
        return opened.version_counts()["versions"]


def _choose(qtbot, window, action) -> None:
    """Audit > Verify integrity > ``action``, clicked as a user clicks menus."""
    bar, audit = window.menuBar(), window.audit.menu
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.actionGeometry(audit.menuAction()).center())
    qtbot.waitUntil(audit.isVisible)
    submenu = window.findChild(QMenu, "verifyMenu")
    qtbot.mouseClick(audit, Qt.MouseButton.LeftButton,
                     pos=audit.actionGeometry(submenu.menuAction()).center())
    qtbot.waitUntil(submenu.isVisible)
    qtbot.mouseClick(submenu, Qt.MouseButton.LeftButton,
                     pos=submenu.actionGeometry(action).center())


def _verified(qtbot, window, start) -> object:
    with qtbot.waitSignal(window.audit.runner.finished, timeout=60_000) as done:
        start()
    return done.args[0]


@pytest.fixture
def s3_store(tmp_path, monkeypatch) -> Path:
    """The demo as big demos write it: every file an ``s3://`` reference."""
    monkeypatch.setattr(demo, "FILES_UP_TO", 0)
    path = tmp_path / "s3.db"
    demo.write_demo(path, runs=60)
    return path


@pytest.mark.sqlite_file("the demo writer builds the SQLite file itself")
def test_all_s3_store_says_it_checked_no_file(window, s3_store, qtbot, artifacts_dir):
    assert window.open_store(s3_store)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("churn-model:production")
    versions = _lineage_versions(s3_store, "churn-model:production")
    files = sum(v.file_count for v in versions)
    total = _total_versions(s3_store)
    assert files > 0 and len(versions) < total
    report = _verified(qtbot, window, lambda: _choose(qtbot, window, window.audit.verify_action))
    legend = window.audit.legend
    assert legend.summary_text() == (
        f"Checked 0 files of {len(versions)} versions (this lineage, {len(versions)} of "
        f"{total} versions); {files} not checked: remote references (s3://) that cannot be "
        "fetched offline; 0 matching; 0 mismatching.")
    assert "Verified" not in legend.summary_text()
    assert legend.counts() == {"compromised": 0, "tainted": 0, "unchecked": len(versions),
                               "ok": 0}
    assert report.ok  # nothing mismatched, and the summary says nothing was proved
    assert window.audit.dock.isVisible()
    window.grab().save(str(artifacts_dir / "ui_verify_all_s3.png"))


def test_tampered_store_counts_the_mismatch(opened, demo_store, qtbot, artifacts_dir):
    window = opened
    snap = window.controller.snapshot
    upstream = next(k for k in snap.view if k.startswith("artifact:") and k != snap.focus)
    artifact = ld.Api(demo_store).artifact(upstream.removeprefix("artifact:"))
    with Store.open(demo_store, readonly=True) as store:
        store.blobs.path_for(artifact.files()[0].digest).write_bytes(b"tampered")
    versions = _lineage_versions(demo_store, "churn-model:production")
    files = sum(v.file_count for v in versions)
    total = _total_versions(demo_store)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    report = _verified(qtbot, window, lambda: qtbot.keyClick(
        window, Qt.Key.Key_V,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
    assert report.scope == "this lineage"
    assert window.audit.legend.summary_text() == (
        f"Checked {files} files of {len(versions)} versions (this lineage, {len(versions)} "
        f"of {total} versions); 0 not checked; {files - 1} matching; 1 mismatching "
        "(1 changed).")
    counts = window.audit.legend.counts()
    assert counts["compromised"] == 1 and counts["tainted"] >= 1
    assert counts["ok"] == len(versions) - 1 - counts["tainted"]
    assert window.scene().node_item(upstream).compromised
    # A low dock scrolls rather than squeezing the wrapped lines together.
    legend = window.audit.legend
    qtbot.waitUntil(lambda: legend.height()
                    >= legend.layout().totalHeightForWidth(legend.width()))
    window.grab().save(str(artifacts_dir / "ui_verify_tampered.png"))


def test_whole_store_scope_checks_versions_outside_the_lineage(opened, demo_store, qtbot,
                                                              artifacts_dir):
    window = opened
    shown = set(window.controller.snapshot.raw)
    api = ld.Api(demo_store)
    outside = next(f"artifact:{c.name}:{v.version}" for c in api.artifact_collections()
                   for v in api.artifact_versions(c.name)
                   if f"artifact:{c.name}:{v.version}" not in shown)
    with Store.open(demo_store, readonly=True) as store:
        digest = api.artifact(outside.removeprefix("artifact:")).files()[0].digest
        store.blobs.path_for(digest).unlink()
    total = _total_versions(demo_store)
    legend = window.audit.legend
    # The lineage scan does not see it...
    lineage = _verified(qtbot, window, window.audit.verify_action.trigger)
    assert outside not in lineage.compromised and lineage.checked < total
    # ...the whole store, picked beside the Verify button, does.
    scope = legend.findChild(QComboBox, "integrityScope")
    scope.setFocus()
    qtbot.keyClick(scope, Qt.Key.Key_Down)
    assert legend.scope() == "store"
    button = legend.findChild(QPushButton, "integrityRun")
    report = _verified(qtbot, window, lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton))
    assert report.scope == WHOLE_STORE and report.checked == total
    assert outside in report.compromised
    assert legend.summary_text().startswith(
        f"Checked {report.totals().checked} files of {total} versions (whole store, {total} "
        "versions); 0 not checked; ")
    assert legend.summary_text().endswith("; 1 mismatching (1 missing).")
    # The menu offers the same choice.
    again = _verified(qtbot, window,
                      lambda: _choose(qtbot, window, window.audit.verify_store_action))
    assert again.checked == total and legend.scope() == "store"
    # A whole-store report marks every lineage shown afterwards: the one of the
    # damaged version too.
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage(outside.removeprefix("artifact:"))
    assert window.scene().node_item(outside).compromised
    window.grab().save(str(artifacts_dir / "ui_verify_whole_store.png"))


def test_a_cluster_with_a_tampered_member_is_marked(window, built, qtbot, artifacts_dir):
    for n in range(6):  # six reports of the model: one cluster of report artifacts
        built.step(f"eval{n}", ["model:latest"], [(f"score{n}", "report")])
    blob = built.tamper("score2")
    assert blob.exists()
    assert window.open_store(built.path)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("model")
    view_graph = window.controller.snapshot.view
    cluster = next(k for k, a in view_graph.nodes(data=True)
                   if a.get("kind") == "cluster" and a.get("member_kind") == "artifact")
    members = view_graph.nodes[cluster]["members"]
    assert "artifact:score2:v0" in members
    _verified(qtbot, window, window.audit.verify_action.trigger)
    scene, view = window.scene(), window.view
    card = scene.node_item(cluster)
    mark = card.integrity_mark
    assert (mark.compromised, mark.tainted, mark.members) == (1, 0, len(members))
    assert card.compromised
    assert "Integrity: 1 compromised — of " in card.tooltip_markup()
    assert f"{len(members)} members" in card.tooltip_markup()
    # Seen on screen: the pill on the cluster's top edge is painted in the warning colour.
    view.set_zoom(1.0)
    view.centerOn(card)
    qtbot.wait(50)
    from lineage_desktop.ui.scene.cluster_marks import mark_rect
    pill = mark_rect(card.card_rect(), mark)
    point = item_point(view, card, pill.center())
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    warning = QColor(style.palette_for(style.app_prefers_dark()).warning)
    seen = [image.pixelColor(int((point.x() + dx) * ratio), int((point.y() + dy) * ratio))
            for dx in range(-int(pill.width() / 2) + 2, int(pill.width() / 2) - 2)
            for dy in (-4, 0, 4)]
    assert any(abs(c.red() - warning.red()) + abs(c.green() - warning.green())
               + abs(c.blue() - warning.blue()) < 40 for c in seen)
    window.grab().save(str(artifacts_dir / "ui_verify_cluster_marked.png"))
