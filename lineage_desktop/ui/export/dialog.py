"""File > Export… (Ctrl+E): format, area, scale, background, PDF paper and file of an
export; the same dialog asks for "Export selection…" (the area is then the selected
nodes)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QRectF, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop.graph.formats import FORMATS, file_filters, format_for_path, with_extension
from lineage_desktop.graph.pages import (
    AUTO,
    FIT,
    LANDSCAPE,
    PAGE_SIZES,
    PAPER_TITLES,
    PORTRAIT,
    TooManyPages,
)
from lineage_desktop.ui.export.files import ExportOptions
from lineage_desktop.ui.export.image import image_size
from lineage_desktop.ui.export.pdf import pdf_plan
from lineage_desktop.ui.widgets import muted, plain_label


class ExportDialog(QDialog):
    """Collects ``ExportOptions``; the window does the export when it is accepted."""

    def __init__(
        self,
        parent: QWidget | None = None,
        default_path: str = "lineage.png",
        whole: QRectF | None = None,
        visible: QRectF | None = None,
        selection: Sequence[str] = (),
    ) -> None:
        """``selection``: export only these node keys (``whole`` is then their bounds)."""
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self._keys = tuple(selection)
        self.setWindowTitle("Export selection" if self._keys else "Export graph")
        self.setMinimumWidth(460)
        self._whole = QRectF(whole) if whole is not None else QRectF()
        self._visible = QRectF(visible) if visible is not None else QRectF()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        for fmt in FORMATS.values():
            self.format.addItem(f"{fmt.title} ({', '.join(fmt.extensions)})", fmt.name)
        form.addRow("Format", self.format)

        area = QWidget(self)
        area_layout = QHBoxLayout(area)
        area_layout.setContentsMargins(0, 0, 0, 0)
        self.whole = QRadioButton("Whole graph", area)
        self.whole.setObjectName("exportWhole")
        self.visible = QRadioButton("Visible area", area)
        self.visible.setObjectName("exportVisible")
        self.whole.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.whole)
        group.addButton(self.visible)
        area_layout.addWidget(self.whole)
        area_layout.addWidget(self.visible)
        if self._keys:
            self.whole.hide()
            self.visible.hide()
            count = len(self._keys)
            area_layout.addWidget(plain_label(
                f"The {count} selected node{'s' if count != 1 else ''} and the edges between "
                "them", area, selectable=False, object_name="exportSelection"))
        area_layout.addStretch(1)
        form.addRow("Area", area)

        self.scale = QDoubleSpinBox(self)
        self.scale.setObjectName("exportScale")
        self.scale.setRange(0.25, 8.0)
        self.scale.setSingleStep(0.5)
        self.scale.setValue(2.0)
        self.scale.setSuffix(" ×")
        self.scale.setToolTip("Multiplies the whole image (2 × for sharp images in documents)")
        form.addRow("Scale", self.scale)

        self.background = QComboBox(self)
        self.background.setObjectName("exportBackground")
        self.background.addItem("Light (white)", False)
        self.background.addItem("Dark", True)
        form.addRow("Background", self.background)

        # PDF only: the paper (graph.pages plans the pages; the note below shows the plan).
        self.page_size = QComboBox(self)
        self.page_size.setObjectName("exportPageSize")
        for name in PAGE_SIZES:
            self.page_size.addItem(PAPER_TITLES[name], name)
        self.page_size.setItemText(self.page_size.findData(FIT), "Fit graph (one page)")
        self.page_size.setToolTip(
            "A4 or Letter: several pages when the graph is too large to read on one "
            "(a quarter inch shared by neighbours); Fit graph: one page of the graph's size"
        )
        form.addRow("Page size", self.page_size)
        self.orientation = QComboBox(self)
        self.orientation.setObjectName("exportOrientation")
        self.orientation.addItem("Automatic (fewest pages)", AUTO)
        self.orientation.addItem("Portrait", PORTRAIT)
        self.orientation.addItem("Landscape", LANDSCAPE)
        form.addRow("Orientation", self.orientation)
        self._form = form

        file_row = QWidget(self)
        file_layout = QHBoxLayout(file_row)
        file_layout.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit(default_path, self)
        self.path.setObjectName("exportPath")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._on_browse_clicked)
        file_layout.addWidget(self.path, 1)
        file_layout.addWidget(browse)
        form.addRow("File", file_row)
        layout.addLayout(form)
        self.size_note = muted(plain_label("", self, selectable=False, object_name="exportSize"))
        layout.addWidget(self.size_note)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        fmt = format_for_path(default_path) or "png"
        self.format.setCurrentIndex(max(0, self.format.findData(fmt)))
        self.format.currentIndexChanged.connect(self._on_format_current_index_changed)
        self.path.textChanged.connect(self._on_path_text_changed)
        for widget in (self.scale,):
            widget.valueChanged.connect(self._update)
        self.whole.toggled.connect(self._update)
        self.page_size.currentIndexChanged.connect(self._update)
        self.orientation.currentIndexChanged.connect(self._update)
        self._update()

    def options(self) -> ExportOptions:
        """The export asked for."""
        fmt = str(self.format.currentData())
        return ExportOptions(
            path=with_extension(Path(self.path.text().strip() or "lineage").expanduser(), fmt),
            fmt=fmt,
            scale=1.0 if self._paper(fmt) else float(self.scale.value()),
            visible_only=self.visible.isChecked() and not self._keys,
            dark=bool(self.background.currentData()),
            keys=self._keys,
            page_size=str(self.page_size.currentData()),
            orientation=str(self.orientation.currentData()),
        )

    def _paper(self, fmt: str) -> bool:
        """True for a PDF on A4 or Letter, where the pages choose the scale."""
        return fmt == "pdf" and self.page_size.currentData() != FIT

    @Slot()
    def _update(self) -> None:
        fmt = str(self.format.currentData())
        image = FORMATS[fmt].image
        for widget in (self.whole, self.visible, self.background):
            widget.setEnabled(image)
        paper = self._paper(fmt)
        self.scale.setEnabled(image and not paper)
        self.scale.setToolTip(
            "A4 and Letter pages choose the scale: the size on screen, shrunk to 60 % at "
            "most, then several pages" if paper
            else "Multiplies the whole image (2 × for sharp images in documents)"
        )
        self._form.setRowVisible(self.page_size, fmt == "pdf")
        self._form.setRowVisible(self.orientation, fmt == "pdf")
        self.orientation.setEnabled(paper)
        if not image:
            self.size_note.setText(
                "The selected nodes and the edges between them, as text."
                if self._keys
                else "The graph as on screen (clusters and hidden nodes applied), as text."
            )
            return
        rect = self._visible if self.visible.isChecked() else self._whole
        if rect.isEmpty():
            self.size_note.setText("")
            return
        if fmt == "pdf":
            options = self.options()
            try:
                self.size_note.setText(pdf_plan(rect, options.pages, options.scale).describe())
            except TooManyPages as exc:
                self.size_note.setText(str(exc))
            return
        width, height = image_size(rect, self.scale.value(), 24.0)
        unit = "pixels" if fmt == "png" else "points"
        self.size_note.setText(f"{width:,} × {height:,} {unit}")

    @Slot(int)
    def _on_format_current_index_changed(self, index: int) -> None:
        fmt = str(self.format.itemData(index))
        text = self.path.text().strip()
        if text:
            self.path.blockSignals(True)
            self.path.setText(str(with_extension(text, fmt)))
            self.path.blockSignals(False)
        self._update()

    @Slot(str)
    def _on_path_text_changed(self, text: str) -> None:
        fmt = format_for_path(text)
        if fmt is not None and fmt != self.format.currentData():
            self.format.blockSignals(True)
            self.format.setCurrentIndex(self.format.findData(fmt))
            self.format.blockSignals(False)
            self._update()

    @Slot()
    def _on_browse_clicked(self) -> None:
        fmt = str(self.format.currentData())
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export graph", self.path.text(), file_filters((fmt,))
        )
        if chosen:
            self.path.setText(str(with_extension(chosen, fmt)))
