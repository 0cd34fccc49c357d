"""``ArtifactTreeModel``: artifact type -> artifact -> versions, populated lazily.

Types (with their number of collections) and the first page of each type's collections
come from one cheap read; the rest of a type of thousands of collections is read a page
at a time as the user scrolls to its end (``fetch_collections``, which the sidebar calls).
A collection's versions are read only when its row is expanded, off the UI thread, and
then handed to the view in chunks, so a collection with 100,000 versions opens at once.
Live refreshes merge new collections, new versions and moved aliases in place, so
expansion and selection survive.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from lineage_desktop.records import ArtifactCollection
from lineage_desktop.records.text import human_time, plural
from lineage_desktop.sdk.registry_paths import REGISTRY_PREFIX
from lineage_desktop.ui.session.queries import COLLECTION_PAGE, VersionList, VersionRow
from lineage_desktop.ui.widgets import plain_tooltip

CHUNK = 200  # versions handed to the view per fetchMore (laying out 500 new rows: 29 ms)

KeyRole = Qt.ItemDataRole.UserRole + 1  # graph key of a version, collection id otherwise
KindRole = Qt.ItemDataRole.UserRole + 2  # "type", "collection", "version", "loading"
SecondaryRole = Qt.ItemDataRole.UserRole + 3  # muted text after the name (count, aliases)
FilterRole = Qt.ItemDataRole.UserRole + 4  # what the filter field matches against

Index = QModelIndex | QPersistentModelIndex

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ANSWERED = frozenset(int(role) for role in (
    _DISPLAY, SecondaryRole, FilterRole, KindRole, KeyRole, Qt.ItemDataRole.ToolTipRole))
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_ENABLED = Qt.ItemFlag.ItemIsEnabled
_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class _State(Enum):
    IDLE = 0
    LOADING = 1
    LOADED = 2


@dataclass(eq=False)
class _Node:
    parent: _Node | None
    kind: str
    text: str
    children: list[_Node] = field(default_factory=list)
    collection: ArtifactCollection | None = None
    version: VersionRow | None = None
    state: _State = _State.IDLE
    rows: VersionList | None = None  # loaded, newest first
    shown: int = 0  # how many of ``rows`` are children so far
    total: int | None = None  # a type's number of collections in the store (None: unknown)

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent is not None else 0

    @property
    def ident(self) -> str:
        c = self.collection
        return f"{c.entity}/{c.project}/{c.name}" if c is not None else self.text


class ArtifactTreeModel(QAbstractItemModel):
    """The artifact tree of the sidebar.

    ``versions_wanted(str name, str project, str entity)`` asks for a collection's
    versions; answer with ``set_versions``. ``collections_wanted(str type, int offset,
    int limit, int generation)`` asks for a page of a type's collections (by name);
    answer with ``add_collections``.
    """

    versions_wanted = Signal(str, str, str)
    collections_wanted = Signal(str, int, int, int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = _Node(None, "root", "")
        self.generation = 0  # counts clears: a page asked for before one is dropped

    # --- filling ----------------------------------------------------------------------

    def clear(self) -> None:
        self.beginResetModel()
        self._root = _Node(None, "root", "")
        self.generation += 1
        self.endResetModel()

    def set_types(self, types: dict[str, int], collections: list[ArtifactCollection],
                  page: int) -> None:
        """The store's types with their number of collections, and the first ``page``
        collections of each (a refresh: merged into what is shown; collections shown
        beyond the first page are asked for again, to update their counts)."""
        for type_name in sorted(types):
            node = self._child(self._root, "type", type_name, QModelIndex())
            node.total = types[type_name]
        self.set_collections(collections)
        for node in self._root.children:
            if node.kind == "type" and len(node.children) > page:
                node.state = _State.LOADING
                self.collections_wanted.emit(node.text, page, len(node.children) - page,
                                             self.generation)

    def has_more(self, index: Index) -> bool:
        """Whether the type at ``index`` has collections not read yet."""
        node = self._node(index)
        return node.kind == "type" and len(node.children) < (node.total or 0)

    def fetch_collections(self, index: Index) -> None:
        """Ask for the next page of the type at ``index``'s collections (the user
        scrolled to its end; one page at a time). Not ``fetchMore``: QTreeView calls
        that at every layout of an expanded row, which would read every page at once."""
        node = self._node(index)
        if self.has_more(index) and node.state is not _State.LOADING:
            node.state = _State.LOADING
            self.collections_wanted.emit(node.text, len(node.children), COLLECTION_PAGE,
                                         self.generation)

    def add_collections(self, type_name: str, generation: int,
                        collections: list[ArtifactCollection]) -> None:
        """A page of type ``type_name``'s collections arrived (asked for at
        ``generation``: a page for a store since closed is dropped)."""
        if generation != self.generation:
            return
        node = next((n for n in self._root.children if n.text == type_name), None)
        if node is None:
            return
        node.state = _State.IDLE
        self.set_collections(collections)

    def set_collections(self, collections: list[ArtifactCollection]) -> None:
        """Show these collections, merging into what is shown (new types and collections
        inserted in order, counts updated, loaded collections re-read when they grew)."""
        by_type: dict[str, list[ArtifactCollection]] = {}
        for collection in collections:
            by_type.setdefault(collection.type, []).append(collection)
        for type_name in sorted(by_type):
            type_node = self._child(self._root, "type", type_name, QModelIndex())
            type_index = self.index(type_node.row(), 0, QModelIndex())
            # One pass per type, by ident and bisection: a store of thousands of
            # collections must not cost a scan of the shown ones per collection.
            ordered = sorted(by_type[type_name], key=lambda c: (c.name, c.project))
            if not type_node.children:  # the first fill: every row in one insertion
                self._fill(type_node, type_index, ordered)
            shown = {node.ident: node for node in type_node.children}
            for collection in ordered:
                node = shown.get(_ident(collection)) or self._insert(
                    type_node, "collection", collection.name, type_index
                )
                grew = (
                    node.collection is not None
                    and collection.version_count != node.collection.version_count
                )
                node.collection = collection
                if grew and node.state is not _State.IDLE:
                    self._request(node)
            type_node.total = max(type_node.total or 0, len(type_node.children))
            self._changed(type_index)
            if type_node.children:
                self.dataChanged.emit(self.index(0, 0, type_index),
                                      self.index(len(type_node.children) - 1, 0, type_index))

    def _fill(
        self, parent: _Node, parent_index: QModelIndex, ordered: list[ArtifactCollection]
    ) -> None:
        """Rows for ``ordered`` collections under an empty ``parent``, in one insertion."""
        if not ordered:
            return
        self.beginInsertRows(parent_index, 0, len(ordered) - 1)
        for collection in ordered:
            node = _Node(parent, "collection", collection.name)
            node.collection = collection
            parent.children.append(node)
        self.endInsertRows()

    def _child(
        self,
        parent: _Node,
        kind: str,
        text: str,
        parent_index: QModelIndex,
    ) -> _Node:
        for node in parent.children:
            if node.text == text:
                return node
        return self._insert(parent, kind, text, parent_index)

    def _insert(self, parent: _Node, kind: str, text: str, parent_index: QModelIndex) -> _Node:
        """A new row ``text`` among ``parent``'s children (kept sorted by text)."""
        position = bisect_right([node.text for node in parent.children], text)
        node = _Node(parent, kind, text)
        self.beginInsertRows(parent_index, position, position)
        parent.children.insert(position, node)
        self.endInsertRows()
        return node

    def set_versions(self, name: str, project: str, entity: str, rows: VersionList) -> None:
        """The versions of a collection arrived (newest first)."""
        node = self._find_collection(f"{entity}/{project}/{name}")
        if node is None:
            return
        parent = self._index_of(node)
        old = node.rows
        node.state = _State.LOADED
        if old is None:
            self._drop_placeholder(node, parent)
            node.rows, node.shown = rows, 0
            self._expose(node, parent, CHUNK)
            return
        known = set(old.indices)
        fresh = 0
        while fresh < len(rows) and rows.indices[fresh] not in known:
            fresh += 1
        if rows.indices[fresh:] != old.indices:  # not just newer versions: start over
            shown = node.shown
            self._remove_children(node, parent)
            node.rows = rows
            self._expose(node, parent, max(CHUNK, shown))
            return
        node.rows = rows
        if fresh:  # versions only ever grow at the top (higher indices)
            self.beginInsertRows(parent, 0, fresh - 1)
            node.children[:0] = [
                _Node(node, "version", f"v{r.index}", version=r) for r in rows.rows(0, fresh)
            ]
            node.shown += fresh
            self.endInsertRows()
        for position in range(fresh, node.shown):  # moved aliases
            row = rows.row(position)
            child = node.children[position]
            if child.version != row:
                child.version = row
                self._changed(self.index(position, 0, parent))

    def _remove_children(self, node: _Node, parent: QModelIndex) -> None:
        if node.children:
            self.beginRemoveRows(parent, 0, len(node.children) - 1)
            node.children.clear()
            node.shown = 0
            self.endRemoveRows()

    def _request(self, node: _Node) -> None:
        c = node.collection
        if c is None:
            return
        if node.state is _State.IDLE:
            node.state = _State.LOADING
            parent = self._index_of(node)
            self.beginInsertRows(parent, 0, 0)
            node.children.append(_Node(node, "loading", "Loading…"))
            self.endInsertRows()
        self.versions_wanted.emit(c.name, c.project, c.entity)

    def _drop_placeholder(self, node: _Node, parent: QModelIndex) -> None:
        if node.children and node.children[0].kind == "loading":
            self.beginRemoveRows(parent, 0, 0)
            node.children.pop(0)
            self.endRemoveRows()

    def _expose(self, node: _Node, parent: QModelIndex, count: int) -> None:
        if node.rows is None:
            return
        end = min(len(node.rows), node.shown + count)
        if end <= node.shown:
            return
        self.beginInsertRows(parent, node.shown, end - 1)
        node.children.extend(
            _Node(node, "version", f"v{r.index}", version=r)
            for r in node.rows.rows(node.shown, end)
        )
        node.shown = end
        self.endInsertRows()

    # --- lookups ----------------------------------------------------------------------

    def _find_collection(self, ident: str) -> _Node | None:
        for type_node in self._root.children:
            for node in type_node.children:
                if node.ident == ident:
                    return node
        return None

    def _index_of(self, node: _Node) -> QModelIndex:
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row(), 0, node)

    def _changed(self, index: QModelIndex) -> None:
        self.dataChanged.emit(index, index)

    def index_of_key(self, key: str) -> QModelIndex:
        """The index of a version by graph key (only among versions already shown)."""
        for type_node in self._root.children:
            for node in type_node.children:
                for child in node.children:
                    if child.version is not None and child.version.key == key:
                        return self._index_of(child)
        return QModelIndex()

    def index_of_ident(self, ident: str) -> QModelIndex:
        """The index of the collection ``entity/project/name`` (invalid if not listed)."""
        node = self._find_collection(ident)
        return self._index_of(node) if node is not None else QModelIndex()

    def index_of_collection(self, name: str) -> QModelIndex:
        """The index of the first collection named ``name``."""
        for type_node in self._root.children:
            for node in type_node.children:
                if node.collection is not None and node.collection.name == name:
                    return self._index_of(node)
        return QModelIndex()

    # --- QAbstractItemModel ---------------------------------------------------------------

    def _node(self, index: Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        # Called a dozen times per painted row (the sort proxy maps each role asked for).
        children = (parent.internalPointer() if parent.isValid() else self._root).children
        if column != 0 or not 0 <= row < len(children):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node: _Node = index.internalPointer()
        if node.parent is None or node.parent is self._root:
            return QModelIndex()
        return self.createIndex(node.parent.row(), 0, node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        if parent.column() > 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        node = self._node(parent)
        if node.kind == "collection":
            return bool(node.children) or bool(node.collection and node.collection.version_count)
        if node.kind == "type":
            return bool(node.children) or bool(node.total)
        return bool(node.children)

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        node = self._node(parent)
        if node.kind == "type":  # not for the view: it fetches at every layout
            return False
        if node.kind != "collection" or node.collection is None:
            return False
        if node.state is _State.IDLE:
            return node.collection.version_count > 0
        return node.state is _State.LOADED and node.rows is not None and node.shown < len(node.rows)

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        node = self._node(parent)
        if node.kind != "collection":
            return
        if node.state is _State.IDLE:
            self._request(node)
        elif node.state is _State.LOADED:
            self._expose(node, self._index_of(node), CHUNK)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        return _ENABLED if index.internalPointer().kind == "loading" else _SELECTABLE

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Asked for a dozen roles per painted row, most of them none of ours: out first.
        if role not in _ANSWERED or not index.isValid():
            return None
        node: _Node = index.internalPointer()
        if role == _DISPLAY:
            return node.text
        if role == SecondaryRole:
            return self._secondary(node)
        if role == FilterRole:
            return f"{node.text} {self._secondary(node)}"
        if role == KindRole:
            return node.kind
        if role == KeyRole:
            if node.version is not None:
                return node.version.key
            return node.ident
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self._tooltip(node))
        return None

    def _secondary(self, node: _Node) -> str:
        if node.kind == "type":
            return plural(max(node.total or 0, len(node.children)), "artifact")
        if node.kind == "collection" and node.collection is not None:
            count = plural(node.collection.version_count, "version")
            project = node.collection.project
            if project.startswith(REGISTRY_PREFIX):  # links, not logged versions
                return f"{count} · registry {project[len(REGISTRY_PREFIX):]}"
            return count
        if node.kind == "version" and node.version is not None:
            return " · ".join(node.version.aliases)
        return ""

    def _tooltip(self, node: _Node) -> str:
        # Names and descriptions come from the store: data() escapes this text.
        if node.kind == "collection" and node.collection is not None:
            c = node.collection
            lines = [
                f"{c.name} ({c.type})",
                f"{c.entity}/{c.project}",
                plural(c.version_count, "version"),
            ]
            if c.description:
                lines.append(c.description)
            return "\n".join(lines)
        if node.kind == "version" and node.version is not None:
            v = node.version
            parent = node.parent.text if node.parent else ""
            lines = [f"{parent}:v{v.index}", f"created {human_time(v.created_at)}"]
            if v.aliases:
                lines.append("aliases: " + ", ".join(v.aliases))
            return "\n".join(lines)
        return node.text


def _ident(collection: ArtifactCollection) -> str:
    return f"{collection.entity}/{collection.project}/{collection.name}"
