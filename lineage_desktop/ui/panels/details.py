"""``NodeDetails``: the fields of one run or artifact version, all as plain text.

Used by the preview dock, by the cluster panel (for a member) and by the Overview tab.
Field widgets are named ``<prefix>_<field>`` (``preview_state``, ``preview_digest`` ...)
so that tests and scripts can read them. The widget shows what it is given (a node's
attribute dict and, for versions, its manifest); it queries nothing itself.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop.graph.nodes import NodeData
from lineage_desktop.graph.parents import parent_of
from lineage_desktop.records import ManifestEntry, key_ident, key_kind
from lineage_desktop.records.text import exact_size, human_time, plural, run_duration
from lineage_desktop.ui import style
from lineage_desktop.ui.formatting import pretty_json
from lineage_desktop.ui.panels.files_model import FilesModel
from lineage_desktop.ui.panels.key_values import KeyValueTable
from lineage_desktop.ui.panels.wrapped_value import WrappedValue
from lineage_desktop.ui.widgets import Dot, bold, muted, plain_label

RUN_FIELDS = (
    ("id", "ID"),
    ("state", "State"),
    ("started", "Started"),
    ("duration", "Duration"),
    ("author", "Author"),
    ("job_type", "Job type"),
    ("host", "Host"),
    ("group", "Group"),
    ("parent", "Parent"),  # the run that started it (OpenLineage parent, MLflow nesting)
    ("exit_code", "Exit code"),
    ("tags", "Tags"),
)
ARTIFACT_FIELDS = (
    ("deleted", "Deleted"),  # a tombstone: when, by whom
    ("aliases", "Aliases"),
    ("type", "Type"),
    ("created", "Created"),
    ("logged_by", "Logged by"),
    ("also_logged_by", "Also logged by"),
    ("size", "Size"),
    ("file_count", "Files"),
    ("digest", "Digest"),
    ("tags", "Tags"),
    ("linked_to", "Linked to"),
)
_ALL_FIELDS = tuple(dict.fromkeys(name for name, _ in RUN_FIELDS + ARTIFACT_FIELDS))
_CAPTIONS = dict(RUN_FIELDS + ARTIFACT_FIELDS)


_WRAPPED_FIELDS = ("digest",)  # long unbroken strings, wrapped anywhere


def _run_label(run_id: str, run_names: dict[str, str]) -> str:
    name = run_names.get(run_id)
    return f"{name} ({run_id})" if name else run_id


# Qt lays out one long paragraph in time that grows with the square of its length
# (300,000 characters in a QPlainTextEdit: 25 s), so a store's text is shown up to this
# many characters, with its real length.
SHOWN_CHARACTERS = 20_000


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = ", ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
    if len(text) > SHOWN_CHARACTERS:
        return f"{text[:SHOWN_CHARACTERS]}… ({len(text):,} characters)"
    return text


class NodeDetails(QWidget):
    """Details of a run or an artifact version.

    Signals: ``lineage_requested(str)`` (the "Show lineage" button) with the node key.
    """

    lineage_requested = Signal(str)

    def __init__(
        self,
        prefix: str = "preview",
        parent: QWidget | None = None,
        show_files: bool = True,
        show_focus_button: bool = True,
    ) -> None:
        super().__init__(parent)
        self._prefix = prefix
        self._key: str | None = None
        self._kind = ""
        self.files_model = FilesModel(self)
        self._build(show_files, show_focus_button)
        self.clear()

    def _name(self, field: str) -> str:
        return f"{self._prefix}_{field}"

    def _build(self, show_files: bool, show_focus_button: bool) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)
        outer.setSpacing(8)

        header = QHBoxLayout()
        header.setSpacing(10)
        self.dot = Dot(parent=self)
        self.dot.setObjectName(self._name("icon"))
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title = bold(plain_label("", self, object_name=self._name("name")), 1.15)
        self.subtitle = muted(plain_label("", self, object_name=self._name("kind")))
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header.addWidget(self.dot, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        header.addLayout(titles, 1)
        outer.addLayout(header)

        self.focus_button = QPushButton("Show lineage", self)
        self.focus_button.setObjectName(self._name("show_lineage"))
        self.focus_button.setToolTip("Re-focus the graph on this node (like double-clicking it)")
        self.focus_button.clicked.connect(self._on_focus_button_clicked)
        self.focus_button.setVisible(show_focus_button)
        self._focus_button_wanted = show_focus_button
        outer.addWidget(self.focus_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(5)
        self.fields: dict[str, QLabel | WrappedValue] = {}
        for field in _ALL_FIELDS:
            value = (
                WrappedValue(self, self._name(field))
                if field in _WRAPPED_FIELDS
                else plain_label("", self, object_name=self._name(field))
            )
            value.setMinimumWidth(40)
            caption = muted(plain_label(_CAPTIONS[field], self, selectable=False, wrap=False))
            self.form.addRow(caption, value)
            self.fields[field] = value
        outer.addLayout(self.form)

        self.description_caption = muted(plain_label("Description", self, selectable=False))
        self.description = self._text_box("description", 90)
        self.notes_caption = muted(plain_label("Notes", self, selectable=False))
        self.notes = self._text_box("notes", 70)
        self.config_caption = muted(plain_label("Config", self, selectable=False))
        self.config = KeyValueTable(self._name("config"), self)
        self.summary_caption = muted(plain_label("Summary", self, selectable=False))
        self.summary = KeyValueTable(self._name("summary"), self)
        self.metadata_caption = muted(plain_label("Metadata", self, selectable=False))
        self.metadata = self._text_box("metadata", 120, monospace=True)
        for widget in (
            self.description_caption,
            self.description,
            self.notes_caption,
            self.notes,
            self.config_caption,
            self.config,
            self.summary_caption,
            self.summary,
            self.metadata_caption,
            self.metadata,
        ):
            outer.addWidget(widget)

        self.files_caption = muted(plain_label("Files", self, selectable=False))
        self.files = QTableView(self)
        self.files.setObjectName(self._name("files"))
        self.files.setModel(self.files_model)
        self.files.verticalHeader().setVisible(False)
        self.files.verticalHeader().setDefaultSectionSize(22)
        self.files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files.setShowGrid(False)
        self.files.setWordWrap(False)
        self.files.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.files.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.files.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents
        )
        self.files.setMinimumHeight(90)
        self.files.setMaximumHeight(220)
        self._show_files = show_files
        outer.addWidget(self.files_caption)
        outer.addWidget(self.files)
        outer.addStretch(1)

    def _text_box(self, field: str, height: int, monospace: bool = False) -> QPlainTextEdit:
        box = QPlainTextEdit(self)
        box.setObjectName(self._name(field))
        box.setReadOnly(True)
        box.setMaximumHeight(height)
        box.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        if monospace:
            font = box.font()
            font.setFamily("monospace")
            font.setStyleHint(font.StyleHint.Monospace)
            box.setFont(font)
        return box

    # --- public -----------------------------------------------------------------------

    @property
    def key(self) -> str | None:
        """Key of the node shown, or None."""
        return self._key

    @property
    def kind(self) -> str:
        """``run``, ``artifact`` or ``""``."""
        return self._kind

    def field_text(self, field: str) -> str:
        """The text of a field (``state``, ``digest``, ``description``, ``config`` ...)."""
        if field == "name":
            return self.title.text()
        if field in self.fields:
            return self.fields[field].text()
        box = getattr(self, field, None)
        if isinstance(box, KeyValueTable):
            return box.text()
        if isinstance(box, QPlainTextEdit):
            return box.toPlainText()
        raise KeyError(field)

    def clear(self) -> None:
        self._key, self._kind = None, ""
        self.title.setText("")
        self.subtitle.setText("")
        for field in _ALL_FIELDS:
            self._set_row(field, None)
        for box in (self.description, self.notes, self.metadata):
            box.setPlainText("")
        for table in (self.config, self.summary):
            table.set_values({})
        self._show_boxes(description=False, notes=False, config=False, summary=False,
                         metadata=False)
        self.files_model.set_entries(None, [])
        self.files_caption.hide()
        self.files.hide()
        self.focus_button.hide()

    def show_node(
        self,
        key: str,
        attrs: NodeData,
        run_names: dict[str, str] | None = None,
        is_focus: bool = False,
    ) -> None:
        """Show a node from its graph attributes. ``run_names`` maps run ids to names
        (for "Logged by"); ``is_focus`` hides the "Show lineage" button."""
        self.clear()
        self._key = key
        kind = attrs.kind or key_kind(key)
        palette = style.palette_for(False)
        if kind == "run":
            self._kind = "run"
            self.dot.set_colour(palette.missing if attrs.missing else palette.run)
            self._show_run(key, attrs)
        else:
            self._kind = "artifact"
            self.dot.set_colour(palette.missing if attrs.missing or attrs.deleted
                                else palette.artifact)
            self._show_artifact(key, attrs, run_names or {})
        self.focus_button.setVisible(
            self._focus_button_wanted and not is_focus and not attrs.missing
        )

    def set_files(self, key: str, entries: list[ManifestEntry]) -> None:
        """The manifest of the version shown (ignored if another node is shown now)."""
        if key != self._key or not self._show_files:
            return
        self.files_model.set_entries(key, entries)
        self.files_caption.setText(f"Files ({len(entries):,})")
        self.files_caption.show()
        self.files.show()

    # --- filling ----------------------------------------------------------------------

    def _show_run(self, key: str, a: NodeData) -> None:
        self.title.setText(_text(a.name or a.label or key))
        job_type = _text(a.job_type) or "run"
        self.subtitle.setText(
            "missing run (deleted or never recorded)" if a.missing else f"{job_type} run"
        )
        self._set_row("id", a.id or key_ident(key))
        self._set_row("state", a.state)
        self._set_row("started", human_time(a.started_at) if a.started_at else None)
        self._set_row("duration", run_duration(a.started_at, a.finished_at, a.state) or None)
        self._set_row("author", a.author)
        self._set_row("job_type", job_type if not a.missing else None)
        self._set_row("host", a.host)
        self._set_row("group", a.group)
        parent = parent_of(a.config)
        self._set_row("parent", parent.label if parent is not None else None)
        self._set_row("exit_code", a.exit_code)
        self._set_row("tags", a.tags or None)
        self._box(self.notes, a.notes, "notes")
        # Sections of key -> value rows, shown only when the run has any.
        self.config.set_values(a.config)
        self.summary.set_values(a.summary)
        self._show_boxes(config=bool(a.config), summary=bool(a.summary))

    def _show_artifact(self, key: str, a: NodeData, run_names: dict[str, str]) -> None:
        self.title.setText(_text(a.label or key_ident(key)))
        type_name = _text(a.type) or "artifact"
        self.subtitle.setText(
            "missing version (deleted or never recorded)"
            if a.missing
            else f"deleted {type_name} artifact version"
            if a.deleted
            else f"{type_name} artifact version"
        )
        if a.deleted:
            by = f" by {a.deleted_by}" if a.deleted_by else ""
            self._set_row("deleted", f"{human_time(a.deleted_at) if a.deleted_at else ''}{by}")
        self._set_row("aliases", a.aliases or None)
        self._set_row("type", None if a.missing else type_name)
        self._set_row("created", human_time(a.created_at) if a.created_at else None)
        run_id = a.logged_by
        if run_id:
            self._set_row("logged_by", _run_label(run_id, run_names))
            # Runs that logged the same content again (the version was reused).
            others = [r for r in a.producers if r != run_id]
            self._set_row("also_logged_by", [_run_label(r, run_names) for r in others] or None)
        elif not a.missing:
            self._set_row("logged_by", "no run (logged outside a run)")
        if a.size is not None:
            self._set_row("size", exact_size(a.size))
        if a.file_count is not None:
            self._set_row("file_count", plural(a.file_count, "file"))
        self._set_row("digest", a.digest)
        self._set_row("tags", a.tags or None)
        self._set_row("linked_to", a.linked_to or None)  # registry links of this version
        self._box(self.description, a.description, "description")
        metadata = a.metadata
        if metadata:
            self._box(self.metadata, pretty_json(metadata), "metadata")

    def _set_row(self, field: str, value: Any) -> None:
        widget = self.fields[field]
        text = _text(value)
        widget.setText(text)
        self.form.setRowVisible(widget, bool(text))

    def _box(self, box: QPlainTextEdit, value: Any, name: str) -> None:
        text = _text(value)
        box.setPlainText(text)
        self._show_boxes(**{name: bool(text)})

    def _show_boxes(self, **shown: bool) -> None:
        pairs: dict[str, tuple[QWidget, QWidget]] = {
            "description": (self.description_caption, self.description),
            "notes": (self.notes_caption, self.notes),
            "config": (self.config_caption, self.config),
            "summary": (self.summary_caption, self.summary),
            "metadata": (self.metadata_caption, self.metadata),
        }
        for name, visible in shown.items():
            for widget in pairs[name]:
                widget.setVisible(visible)

    @Slot()
    def _on_focus_button_clicked(self) -> None:
        if self._key:
            self.lineage_requested.emit(self._key)
