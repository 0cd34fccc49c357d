"""The audit features in the main window: the Audit menu, the "as of" time in the
toolbar, the audit dock (integrity legend, impact list) and the paths bar.

The widgets live in ``ui/audit``; this module only connects them to the controller and
the scene: what to scan, which graph to show, where answers go.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QMenu,
    QScrollArea,
    QTabWidget,
    QWidget,
)

from lineage_desktop.audit import IntegrityReport, view_marks
from lineage_desktop.records import is_artifact_key, parse_key
from lineage_desktop.ui.audit import (
    AsOfControl,
    DiffDialog,
    ImpactPanel,
    IntegrityLegend,
    IntegrityRunner,
    PathController,
    PathToolbar,
    ReportAction,
    ReportInputs,
    api_factory,
    apply_marks,
    scanned_versions,
    scene_svg,
)
from lineage_desktop.ui.controller import LineageController
from lineage_desktop.ui.session.queries import GraphSnapshot
from lineage_desktop.ui.window.presenters import DetailsPresenter


class AuditFeatures(QObject):
    """Builds and wires the audit UI of ``window``. Public parts (for tests and scripts):
    ``menu``, ``as_of``, ``dock``, ``legend``, ``impact``, ``paths``, ``path_bar``,
    ``runner``, ``report``, and the actions ``verify_action`` (this lineage),
    ``verify_store_action`` (the whole store), ``impact_action``, ``diff_action``."""

    def __init__(
        self,
        window: QMainWindow,
        controller: LineageController,
        details: DetailsPresenter,
        path_bar_parent: QWidget,
    ) -> None:
        super().__init__(window)
        self._window, self._controller, self._details = window, controller, details
        self.diff_dialog: DiffDialog | None = None
        self.runner = IntegrityRunner(self)
        self.as_of = AsOfControl()
        self.legend = IntegrityLegend()
        self.impact = ImpactPanel()
        self.paths = PathController(controller.scene, self)
        self.path_bar = PathToolbar(self.paths, path_bar_parent)
        self.path_bar.hide()
        self.report = ReportAction(self._report_inputs, window)
        self._scanned: frozenset[tuple[str, str]] | None = None  # versions the scan read
        self._impact_for: tuple[str, GraphSnapshot] | None = None  # what the list shows
        self._timeline_focus: str | None = None  # whose versions the timeline lists
        self.dock = self._build_dock(window)
        self.menu = self._build_menu(window)
        self._connect()

    def _build_dock(self, window: QMainWindow) -> QDockWidget:
        dock = QDockWidget("Audit", window)
        dock.setObjectName("auditDock")
        self.tabs = QTabWidget(dock)
        self.tabs.setObjectName("auditTabs")
        self.tabs.setDocumentMode(True)
        # Scrolled: a low dock must not cut off the lines saying what was checked.
        self.legend_area = legend_area = QScrollArea(self.tabs)
        legend_area.setObjectName("integrityScroll")
        legend_area.setWidgetResizable(True)
        legend_area.setFrameShape(QFrame.Shape.NoFrame)
        legend_area.setWidget(self.legend)
        self.tabs.addTab(legend_area, "Integrity")
        self.tabs.addTab(self.impact, "Impact")
        dock.setWidget(self.tabs)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()  # shown when an audit is asked for
        return dock

    def _action(self, name: str, text: str, shortcut: str, tip: str) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        return action

    def _build_menu(self, window: QMainWindow) -> QMenu:
        self.verify_action = self._action(
            "actionVerify",
            "This &lineage",
            "Ctrl+Shift+V",
            "Re-hash every file of the versions of the shown lineage and mark tampered or "
            "missing content",
        )
        self.verify_store_action = self._action(
            "actionVerifyStore",
            "Whole &store",
            "Ctrl+Alt+Shift+V",
            "Re-hash every file of every version of the store and mark tampered or missing "
            "content",
        )
        self.impact_action = self._action(
            "actionImpact",
            "&Impact list",
            "Ctrl+I",
            "Everything downstream of the selected (or focused) node, as a table",
        )
        self.diff_action = self._action(
            "actionDiff",
            "&Compare versions…",
            "Ctrl+D",
            "Files, metadata and inputs that differ between two versions of an artifact",
        )
        self.paths_action = self._action(
            "actionPaths",
            "&Paths between selection",
            "Ctrl+P",
            "Ctrl+click two nodes, then mark every path between them",
        )
        menu = QMenu("&Audit", window)
        menu.setObjectName("auditMenu")
        verify = menu.addMenu("&Verify integrity")
        verify.setObjectName("verifyMenu")
        verify.addAction(self.verify_action)
        verify.addAction(self.verify_store_action)
        for action in (self.impact_action, self.diff_action, self.paths_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.report.action)
        menu.addSeparator()
        menu.addAction(self.dock.toggleViewAction())
        bar = window.menuBar()
        help_menu = next(
            (a for a in bar.actions() if a.menu() and a.menu().objectName() == "helpMenu"), None
        )
        bar.insertMenu(help_menu, menu) if help_menu is not None else bar.addMenu(menu)
        return menu

    def _connect(self) -> None:
        c, scene = self._controller, self._controller.scene
        self.verify_action.triggered.connect(self._on_verify_action_triggered)
        self.verify_store_action.triggered.connect(self._on_verify_store_action_triggered)
        self.impact_action.triggered.connect(self.show_impact)
        self.diff_action.triggered.connect(self.compare_versions)
        self.paths_action.triggered.connect(self._on_paths_action_triggered)
        self.as_of.as_of_changed.connect(self._on_as_of_changed)
        self.as_of.older_wanted.connect(self._on_as_of_older_wanted)
        self.runner.started.connect(self._on_runner_started)
        self.runner.progress.connect(self.legend.set_progress)
        self.runner.finished.connect(self._on_runner_finished)
        self.runner.failed.connect(self.legend.set_failed)
        self.runner.cancelled.connect(self.legend.set_cancelled)
        self.legend.run_requested.connect(self.verify)
        self.legend.cancel_requested.connect(self.runner.cancel)
        self.legend.node_activated.connect(c.refocus)
        self.impact.node_activated.connect(c.refocus)
        self.impact.node_clicked.connect(self._on_impact_node_clicked)
        self.paths.pair_changed.connect(self._on_paths_pair_changed)
        self.paths.paths_isolated.connect(c.show_graph)
        scene.selection_keys_changed.connect(self.paths.set_selection)
        c.snapshot_changed.connect(self._on_controller_snapshot_changed)
        self._details.current_changed.connect(self._on_details_current_changed)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.dock.visibilityChanged.connect(self._on_dock_visibility_changed)
        c.lineage_shown.connect(self._on_controller_lineage_shown)
        c.lineage_not_yet.connect(self._on_controller_lineage_not_yet)
        c.store_opened.connect(self._on_controller_store_opened)
        self.report.report_written.connect(self._on_report_written)
        self.report.report_failed.connect(self._on_report_failed)

    # --- integrity --------------------------------------------------------------------

    @Slot(str)
    def verify(self, scope: str = "lineage") -> None:
        """Start the integrity scan of the lineage on screen (``lineage``) or of every
        version of the store (``store``)."""
        snap, path = self._controller.snapshot, self._controller.store_path
        if snap is None or path is None:
            return
        self.dock.show()
        self.tabs.setCurrentWidget(self.legend_area)
        self.legend.set_scope(scope)
        self._scanned = scanned_versions(snap.raw)
        self.runner.start(path, snap.raw, scope)

    @Slot()
    def _on_verify_action_triggered(self) -> None:
        self.verify("lineage")

    @Slot()
    def _on_verify_store_action_triggered(self) -> None:
        self.verify("store")

    @Slot(int)
    def _on_runner_started(self, total: int) -> None:
        self.legend.set_progress(0, total)

    @Slot(object)
    def _on_runner_finished(self, report: IntegrityReport) -> None:
        self.legend.set_report(report)
        self._apply_marks()

    def _integrity(self, snap: GraphSnapshot | None) -> IntegrityReport | None:
        """The scan's report if it is about the lineage on screen: made for this graph,
        or for one with the very same versions and digests (a re-read that changed
        nothing it checked, such as a live refresh)."""
        if snap is None:
            return None
        report = self.runner.report_for(snap.raw)
        if (report is None and self.runner.report is not None
                and self._scanned is not None and scanned_versions(snap.raw) == self._scanned):
            report = self.runner.report
        return report

    def _apply_marks(self) -> None:
        snap = self._controller.snapshot
        report = self._integrity(snap)
        apply_marks(
            self._controller.scene,
            view_marks(report, snap.view) if report is not None and snap else None,
        )

    # --- impact -----------------------------------------------------------------------

    @Slot()
    def show_impact(self) -> None:
        """The impact list of the selected node (or the focus) in the audit dock."""
        if self._controller.snapshot is None:
            return
        self.dock.show()
        self.tabs.setCurrentWidget(self.impact)
        self._refresh_impact()

    def _refresh_impact(self) -> None:
        """While the Impact tab is on screen it lists the downstream of what the panels
        are about (``DetailsPresenter.current``), read again when that changes."""
        snap = self._controller.snapshot
        key = self._details.current().subject
        if (snap is None or key is None or not self.dock.isVisible()
                or self.tabs.currentWidget() is not self.impact):
            return
        if self._impact_for is not None and self._impact_for[0] == key \
                and self._impact_for[1] is snap:
            return
        self._impact_for = (key, snap)
        label = snap.label(key)
        self._controller.load_impact(key, lambda rows: self.impact.set_rows(rows, label))

    @Slot(object)
    def _on_details_current_changed(self, current: object) -> None:
        self._refresh_impact()

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        self._refresh_impact()

    @Slot(bool)
    def _on_dock_visibility_changed(self, visible: bool) -> None:
        self._refresh_impact()

    @Slot(str)
    def _on_impact_node_clicked(self, key: str) -> None:
        if self._controller.node_attrs(key):
            self._details.preview_node(key)

    # --- diff ---------------------------------------------------------------------------

    @Slot()
    def compare_versions(self) -> None:
        """Compare the selected (or focused) artifact version with the one before it."""
        snap, path = self._controller.snapshot, self._controller.store_path
        if snap is None or path is None:
            return
        selected = [str(i.data(0)) for i in self._controller.scene.selectedItems()]
        candidates = [k for k in selected + [snap.focus] if is_artifact_key(k)]
        if not candidates:
            return
        kind, name, index = parse_key(candidates[0])
        attrs = self._controller.node_attrs(candidates[0])
        artifact = (
            f"{attrs.entity}/{attrs.project}/{name}" if attrs.entity and attrs.project else name
        )
        dialog = DiffDialog(
            api_factory(path, self._controller.as_of),
            artifact,
            a=None if index is None else f"v{index}",
            parent=self._window,
        )
        self.diff_dialog = dialog
        dialog.open()

    # --- paths --------------------------------------------------------------------------

    @Slot()
    def _on_paths_action_triggered(self) -> None:
        self.path_bar.show()
        if self.paths.pair() is not None:
            self.paths.highlight()

    @Slot(list)
    def _on_paths_pair_changed(self, pair: list) -> None:
        if pair:
            self.path_bar.show()

    # --- as of --------------------------------------------------------------------------

    @Slot(object)
    def _on_as_of_changed(self, moment: object) -> None:
        self._controller.set_as_of(None if moment is None else str(moment))

    @Slot(str, str, str)
    def _on_controller_lineage_not_yet(self, ref: str, first: str, logged_at: str) -> None:
        """The banner says the focus did not exist yet; offer its first version as of
        the moment it was logged."""
        banner = getattr(self._window, "banner", None)
        if banner is not None:
            version = first.rpartition(":")[2]
            banner.set_action(f"Show {version} as of its creation",
                              partial(self.show_as_of, first, logged_at))

    def show_as_of(self, ref: str, moment: str) -> None:
        """Show the lineage of ``ref`` as of ``moment`` (the time shown in the toolbar)."""
        self.as_of.set_as_of(moment)  # re-reads the store as of then ...
        self._controller.show_lineage(ref)  # ... and this answer supersedes the reload's

    @Slot(str)
    def _on_controller_store_opened(self, path: str) -> None:
        self.runner.reset()
        self._scanned = None
        self._impact_for = None
        self.legend.set_report(None)
        self.impact.set_rows([], None)

    # --- graph changes ------------------------------------------------------------------

    @Slot(object)
    def _on_controller_snapshot_changed(self, snap: GraphSnapshot) -> None:
        self.paths.set_graphs(snap.raw, snap.view)

    @Slot(str, bool)
    def _on_controller_lineage_shown(self, focus: str, fit: bool) -> None:
        self._apply_marks()  # the scene was rebuilt: marks of this graph, or none
        self._timeline_focus = focus
        self._controller.load_timeline(
            focus, lambda page: self.as_of.set_timeline(page.moments, page.older))

    @Slot(int)
    def _on_as_of_older_wanted(self, before: int) -> None:
        focus = self._timeline_focus
        if focus is not None:
            self._controller.load_timeline(
                focus, lambda page: self.as_of.add_timeline(page.moments, page.older), before)

    # --- report ---------------------------------------------------------------------------

    def _report_inputs(self) -> ReportInputs | None:
        snap, path = self._controller.snapshot, self._controller.store_path
        if snap is None or path is None:
            return None
        scene = self._controller.scene
        return ReportInputs(
            graph=snap.raw,
            focus=snap.focus,
            store_path=str(path),
            integrity=self._integrity(snap),
            image=lambda: scene_svg(scene),
            as_of=self._controller.as_of,
        )

    @Slot(str)
    def _on_report_written(self, path: str) -> None:
        self._notify(f"Wrote the audit report to {path}", "info")

    @Slot(str)
    def _on_report_failed(self, message: str) -> None:
        self._notify(f"The audit report failed: {message}", "error")

    def _notify(self, message: str, kind: str) -> None:
        notify = getattr(self._window, "notify", None)
        if notify is not None:
            notify(message, kind)

    def shutdown(self) -> None:
        """Stop background scans (the window is closing)."""
        self.runner.shutdown()
        if self.diff_dialog is not None:
            self.diff_dialog.close()
