"""``LineageSession``: the lineage the user is looking at, and every decision about it.

It holds the open store's path, the view options (direction, cluster threshold,
depths), the ``LineageModel`` (hidden and extracted nodes), the snapshot on screen, the
Back/Forward history, the as-of moment and what is in flight. Intents become *tasks*
(plain callables ``task(api)`` to run off the UI thread); their answers come back through
``accept_*`` methods, which update the state and say what the window should do next.
Nothing here runs threads, touches Qt or constructs the scene.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

from lineage_desktop.graph.clusters import DEFAULT_THRESHOLD
from lineage_desktop.graph.model import LineageModel
from lineage_desktop.graph.nodes import NodeData, node_data
from lineage_desktop.records import is_cluster_key
from lineage_desktop.sdk import Api
from lineage_desktop.store import parse_time
from lineage_desktop.ui.session import queries
from lineage_desktop.ui.session.busy import BusyBoard
from lineage_desktop.ui.session.history import EntryState, History
from lineage_desktop.ui.session.queries import GraphSnapshot
from lineage_desktop.ui.session.view_settings import Positions, ViewSettings

Task = Callable[[Api], Any]
NO_STORE_MESSAGE = "Open a lineage store first (File > Open)."
DIRECTIONS = ("LR", "TB")


@dataclass(frozen=True)
class LayoutPlan:
    """How to put a finished layout on screen: the saved positions to keep, and whether
    the lineage on screen is the same one (same focus and direction), so that what the
    user dragged and selected in the scene carries over."""

    keep: Positions = field(default_factory=dict)
    same_lineage: bool = False

    def positions(self, moved: Positions) -> Positions:
        """Where to place the cards: the saved positions, overridden by ``moved`` (what the
        user dragged in the scene) only when the same lineage is shown again."""
        placed = dict(self.keep)
        if self.same_lineage:
            placed.update(moved)
        return placed


class LineageSession:
    """The window's state and decisions (no Qt). See the module docstring."""

    def __init__(self, settings: ViewSettings) -> None:
        self.settings = settings
        self.history = History()
        self.busy = BusyBoard()
        self._path: Path | None = None
        self._model: LineageModel | None = None
        self._fixed_graph = False  # the model holds a given graph, not one read by ref
        self._as_of: str | None = None
        self._snapshot: GraphSnapshot | None = None
        self._shown_key: tuple[str, str] | None = None  # (focus, direction) on screen
        self._shown: GraphSnapshot | None = None  # the snapshot laid out in the scene
        self._apply_options(settings.view_options())

    def _apply_options(self, options: dict[str, Any]) -> None:
        """Take direction, threshold and depths from saved ``options`` (bad values and
        missing ones: the defaults)."""
        direction = options.get("direction")
        self._direction = direction if direction in DIRECTIONS else "LR"
        self._threshold = int_or_none(options.get("cluster_threshold"), DEFAULT_THRESHOLD)
        self._upstream = int_or_none(options.get("upstream"), None)
        self._downstream = int_or_none(options.get("downstream"), None)
        # No depths chosen for this store: each lineage is read bounded (all of it when
        # small, else the focus's neighbourhood; ``queries.bounded_lineage``), and the
        # depths shown are those of the lineage on screen.
        self._bounded = "upstream" not in options and "downstream" not in options

    def _save_options(self, **options: Any) -> None:
        if self._path is not None:  # view options belong to one store
            self.settings.set_view_options(str(self._path), **options)

    def changed_options(self) -> list[str]:
        """The view options that differ from the defaults, as the user would name them
        (``["Cluster at 500", "Top to bottom"]``); empty when all are defaults."""
        out = []
        if self._bounded and self._upstream is not None:  # a large lineage, cut
            out.append(f"Large lineage: {self._upstream} edges around the focus")
        elif not self._bounded:
            if self._upstream is not None:
                out.append(f"Upstream {self._upstream}")
            if self._downstream is not None:
                out.append(f"Downstream {self._downstream}")
        if self._threshold != DEFAULT_THRESHOLD:
            out.append(f"Cluster at {self._threshold}" if self._threshold else "No clusters")
        if self._direction != "LR":
            out.append("Top to bottom")
        return out

    def reset_view_options(self) -> None:
        """Forget this store's view options: the defaults apply (the caller re-reads)."""
        if self._path is not None:
            self.settings.clear_view_options(str(self._path))
        self._apply_options({})

    # --- state ------------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        """Absolute path of the open store, or None."""
        return self._path

    @property
    def is_open(self) -> bool:
        return self._path is not None

    @property
    def model(self) -> LineageModel | None:
        """The model of the lineage on screen (owned by the worker while a task runs)."""
        return self._model

    @property
    def snapshot(self) -> GraphSnapshot | None:
        """The lineage on screen (graphs and state), or None."""
        return self._snapshot

    @property
    def direction(self) -> str:
        return self._direction

    @property
    def cluster_threshold(self) -> int | None:
        return self._threshold

    @property
    def depths(self) -> tuple[int | None, int | None]:
        return self._upstream, self._downstream

    @property
    def as_of(self) -> str | None:
        """The moment the store is shown as of (ISO-8601 UTC), or None for now."""
        return self._as_of

    @property
    def shown_key(self) -> tuple[str, str] | None:
        """``(focus, direction)`` of the graph in the scene, or None."""
        return self._shown_key

    def focus(self) -> str | None:
        """Focus key of the lineage on screen."""
        return self._snapshot.focus if self._snapshot else None

    def history_state(self) -> tuple[bool, bool]:
        """Whether Back and Forward are possible."""
        return self.history.can_back(), self.history.can_forward()

    # --- store ------------------------------------------------------------------------

    def open(self, path: Path) -> None:
        """A store was opened at ``path`` (absolute); the previous one is closed."""
        self._path = path
        self.settings.add_recent(path)
        self._apply_options(self.settings.view_options(str(path)))

    def close(self) -> bool:
        """Forget the store and its lineage; returns whether one was open."""
        was_open = self._path is not None
        self.busy.clear()
        self._path = self._model = self._snapshot = None
        self._shown_key, self._shown = None, None
        self._fixed_graph = False
        self.history.clear()
        self._apply_options(self.settings.view_options())
        return was_open

    def as_of_task(self) -> Task | None:
        """The task making a freshly opened worker read as of the session's moment."""
        if self._as_of is None:
            return None
        return partial(_call, queries.set_as_of, self._as_of)

    def set_as_of(self, moment: str | None) -> Task | None:
        """Show the store as it stood at ``moment`` (None: now). Returns the task to run
        before everything is read again, or None when nothing needs reading. Raises
        ``ValueError`` naming a moment that is not a time."""
        moment = parse_time(moment) if moment else None
        changed = moment != self._as_of
        self._as_of = moment
        if not changed or not self.is_open:
            return None
        return partial(_call, queries.set_as_of, moment)

    def lost_message(self) -> str:
        return (
            f"The store {self._path} was deleted or replaced while open. What is on screen "
            "stays readable; open the store again to see its current content."
        )

    # --- lineage ----------------------------------------------------------------------

    def lineage_task(self, ref: str, restore: bool = False) -> Task:
        """Read the lineage of ``ref`` with the depths, threshold and hidden nodes.

        ``restore`` (Back and Forward): with the hidden and extracted nodes kept with the
        current history entry, when it has them (``stash_state``)."""
        state = self.history.state() if restore else None
        hidden = list(state.hidden) if state is not None else self._saved_hidden()
        extracted = list(state.extracted) if state is not None else []
        return partial(
            _call,
            queries.load_lineage,
            ref,
            self._upstream,
            self._downstream,
            self._threshold,
            hidden,
            extracted,
            queries.FIRST_VIEW_NODES if self._bounded else None,
        )

    def stash_state(self) -> None:
        """Keep what the user changed in the lineage on screen (extracted and hidden
        nodes) with its history entry, before going elsewhere."""
        snap = self._snapshot
        if snap is not None and self.history.current is not None:
            hidden = tuple(key for key, _ in snap.hidden)
            self.history.remember(EntryState(snap.extracted, hidden))

    def graph_task(self, raw: nx.DiGraph) -> Task | None:
        """Build a model of a given raw graph (None if it names no focus in it)."""
        if not self.is_open or raw.graph.get("focus") not in raw:
            return None
        return partial(_call, queries.model_of, raw, self._threshold, self._saved_hidden())

    def reload_task(self) -> Task | None:
        """Re-read the lineage on screen (None: nothing to re-read, or a given graph)."""
        model = self._model
        if model is None or not self.is_open or self._fixed_graph:
            return None
        return partial(_call, queries.reload_lineage, model, self._upstream, self._downstream)

    def ref_of(self, key: str) -> str | None:
        """The exact reference to re-focus on node ``key`` (None for a cluster)."""
        if is_cluster_key(key):
            return None
        raw = self._snapshot.raw if self._snapshot is not None else None
        return node_data(raw, key).ref(key) if raw is not None else key

    def back(self) -> str | None:
        """Step back in the history (the entry left keeps its state, ``stash_state``)."""
        if not self.history.can_back():
            return None
        self.stash_state()
        return self.history.back()

    def forward(self) -> str | None:
        """Step forward in the history (the entry left keeps its state)."""
        if not self.history.can_forward():
            return None
        self.stash_state()
        return self.history.forward()

    def accept_lineage(
        self, result: tuple[LineageModel, GraphSnapshot], record: bool, fixed: bool = False
    ) -> GraphSnapshot:
        """A lineage was read (or a given graph modelled): it becomes the one on screen."""
        model, snap = result
        self._model = model
        self._fixed_graph = fixed
        if self._bounded and not fixed:  # the depths the bounded read settled on
            self._upstream, self._downstream = model.depths
        # History holds exact references: graph keys are ambiguous across projects.
        focus_ref = node_data(snap.raw, snap.focus).ref(snap.focus)
        if record:
            self.history.visit(focus_ref)
        else:
            self.history.replace(focus_ref)
        self.accept_snapshot(snap)
        return snap

    def accept_reload(self, snap: GraphSnapshot, fit: bool) -> bool:
        """A re-read answered; returns whether the graph must be laid out again."""
        old = self._snapshot
        if not fit and old is not None and queries.same_view(old.view, snap.view):
            # Another process wrote something outside this lineage: nothing to redraw. A
            # snapshot still waiting for its layout stays (it draws the same; replaced,
            # its layout would be dropped as stale and the scene would keep the old one).
            if old is self._shown:
                self._snapshot = snap
            return False
        self.accept_snapshot(snap)
        return True

    def accept_snapshot(self, snap: GraphSnapshot) -> None:
        """``snap`` is the lineage on screen from now on; its hidden nodes are saved."""
        self._snapshot = snap
        self._save_hidden(snap)

    # --- layout -----------------------------------------------------------------------

    def layout_plan(self, snap: GraphSnapshot) -> LayoutPlan | None:
        """How to show a finished layout of ``snap``; None when ``snap`` is stale."""
        if snap is not self._snapshot:
            return None
        keep = (
            self.settings.positions(str(self._path), snap.focus, self._direction)
            if self._path
            else {}
        )
        return LayoutPlan(keep, self._shown_key == (snap.focus, self._direction))

    def mark_shown(self, snap: GraphSnapshot) -> None:
        """The scene now holds ``snap`` laid out in the current direction."""
        self._shown_key, self._shown = (snap.focus, self._direction), snap

    def remember_positions(self, moved: Positions) -> None:
        """Save the positions the user dragged in the lineage on screen."""
        if self._shown_key is None or self._path is None or not moved:
            return
        focus, direction = self._shown_key
        saved = self.settings.positions(str(self._path), focus, direction)
        saved.update(moved)
        self.settings.set_positions(str(self._path), focus, direction, saved)

    def wants_positions(self) -> bool:
        """Whether ``remember_positions`` would keep anything (a lineage is shown)."""
        return self._shown_key is not None and self._path is not None

    def reset_layout(self) -> GraphSnapshot | None:
        """Forget the dragged positions of the lineage on screen; returns it to lay out
        afresh (None when nothing is shown)."""
        snap = self._snapshot
        if snap is None or self._path is None:
            return None
        self.settings.set_positions(str(self._path), snap.focus, self._direction, {})
        self._shown_key = None  # so the scene's dragged positions are not carried over
        return snap

    def is_new_direction(self, direction: str) -> bool:
        """Whether ``direction`` is one of ``DIRECTIONS`` and not the current one (so that
        the caller knows before ``set_direction`` whether to save positions first)."""
        return direction in DIRECTIONS and direction != self._direction

    def set_direction(self, direction: str) -> bool:
        """Lay out left-to-right (``LR``) or top-to-bottom (``TB``); returns whether it
        changed (the caller saves the dragged positions first)."""
        if not self.is_new_direction(direction):
            return False
        self._direction = direction
        self._save_options(direction=direction)
        return True

    # --- user intents on the graph ----------------------------------------------------

    def mutation(self, change: Callable[[LineageModel], Any]) -> Task | None:
        """A task applying ``change`` to the model and answering the new snapshot."""
        model = self._model
        return queries.mutate(model, change) if model is not None else None

    def hide(self, key: str) -> Task | None:
        return self.mutation(lambda m: m.hide(key))

    def unhide(self, key: str) -> Task | None:
        return self.mutation(lambda m: m.unhide(key))

    def unhide_many(self, keys: list[str]) -> Task | None:
        wanted = list(keys)
        return self.mutation(lambda m: [m.unhide(k) for k in wanted])

    def unhide_all(self) -> Task | None:
        return self.mutation(lambda m: m.unhide_all())

    def extract(self, member_key: str) -> Task | None:
        return self.mutation(lambda m: m.extract(member_key))

    def set_cluster_threshold(self, threshold: int | None) -> Task | None:
        """Change (and remember) the cluster threshold; 0 or None turns clustering off."""
        self._threshold = threshold or None
        self._save_options(cluster_threshold=threshold or 0)
        return self.mutation(lambda m: m.set_cluster_threshold(threshold or None))

    def set_depths(self, upstream: int | None, downstream: int | None) -> bool:
        """Change (and remember) the depth limits; returns whether they changed."""
        if (upstream, downstream) == (self._upstream, self._downstream) and not self._bounded:
            return False
        self._upstream, self._downstream = upstream, downstream
        self._bounded = False
        self._save_options(upstream=upstream, downstream=downstream)
        return True

    @property
    def bounded(self) -> bool:
        """Whether lineages are read bounded (no depths chosen for this store yet)."""
        return self._bounded

    # --- reading the snapshot (cheap) -------------------------------------------------

    def node_attrs(self, key: str) -> NodeData:
        """Attributes of a node on screen or of a cluster member; empty if unknown."""
        return self._snapshot.attrs(key) if self._snapshot else NodeData()

    def hidden_nodes(self) -> list[tuple[str, str]]:
        """``(key, label)`` of the hidden nodes of the lineage on screen."""
        return list(self._snapshot.hidden) if self._snapshot else []

    def cluster_members(self, cluster_key: str, query: str = "") -> list[str]:
        """Members of a cluster on screen matching ``query`` (all when empty), ranked."""
        snap = self._snapshot
        return queries.cluster_members(snap.view, cluster_key, query) if snap else []

    def find(self, text: str) -> list[str]:
        """Keys of nodes on screen matching ``text`` (see ``queries.find_nodes``)."""
        return queries.find_nodes(self._snapshot.view, text) if self._snapshot else []

    # --- hidden nodes, store-wide -----------------------------------------------------

    def _saved_hidden(self) -> list[str]:
        return self.settings.hidden_keys(str(self._path)) if self._path else []

    def _save_hidden(self, snap: GraphSnapshot) -> None:
        """Store-wide hidden keys: those of other lineages plus this model's."""
        if self._path is None:
            return
        saved = self.settings.hidden_keys(str(self._path))
        in_graph = set(snap.raw.nodes)
        keys = [k for k in saved if k not in in_graph] + [k for k, _ in snap.hidden]
        if keys != saved:
            self.settings.set_hidden_keys(str(self._path), keys)


def _call(function: Callable[..., Any], *args: Any) -> Any:
    """``partial(_call, f, a, b)(api)`` calls ``f(api, a, b)``."""
    api = args[-1]
    return function(api, *args[:-1])


def call_with_api(function: Callable[..., Any], *args: Any) -> Task:
    """A task calling ``function(api, *args)``."""
    return partial(_call, function, *args)


def int_or_none(value: Any, default: int | None) -> int | None:
    """A saved depth or threshold: a non-negative int, None (negative: unlimited), or
    ``default`` for anything unreadable."""
    if value is None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number >= 0 else None
