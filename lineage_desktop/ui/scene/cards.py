"""What a card shows, derived from a view-graph node's attributes, and how big it is.

Kept apart from the items so that the window and the headless export can size boxes for
the layout (``build_layout_request``) with exactly the texts the cards will draw.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx
from PySide6.QtCore import Qt

from lineage_desktop.graph.display import distinct_texts, imported_dataset
from lineage_desktop.graph.export import xml_text
from lineage_desktop.graph.nodes import as_node_data, nodes_of
from lineage_desktop.layout.types import LayoutNode, LayoutRequest
from lineage_desktop.records import key_kind
from lineage_desktop.ui import style
from lineage_desktop.ui.scene.card_label import wrap_two_lines

FAILED_STATES = frozenset({"failed", "crashed"})


@dataclass(frozen=True, slots=True)
class CardSpec:
    """The plain texts and flags of one card.

    ``kind`` is ``run``, ``artifact`` or ``cluster``; ``member_kind`` is the kind a
    cluster holds (for other cards it equals ``kind``) and picks the icon colour.
    ``tooltip`` is plain text (the item escapes it before Qt sees it).
    """

    key: str
    kind: str
    member_kind: str
    type_text: str
    label: str
    aliases: tuple[str, ...] = ()
    count: int = 0
    state: str | None = None
    missing: bool = False
    tooltip: str = ""
    deleted: bool = False  # a deleted version: a tombstone, drawn muted and struck
    full_label: str = ""  # the stored name:version where ``label`` is a dataset's own name
    shown: str = ""  # the name line as drawn, when set by ``view_cards`` (kept distinct)

    @property
    def failed(self) -> bool:
        """A run that ended in failure or a crash (drawn red-tinted)."""
        return self.kind == "run" and self.state in FAILED_STATES

    @property
    def running(self) -> bool:
        """A run still in progress (drawn with a pulsing dot)."""
        return self.kind == "run" and self.state == "running" and not self.missing


_CONTROL = {c: " " for c in range(32)}  # newlines and tabs would break a one-line label


def _text(value: Any) -> str:
    # xml_text: an exported SVG must parse whatever a store holds (U+FFFE, surrogates).
    return "" if value is None else xml_text(str(value).translate(_CONTROL))


def card_spec(key: str, attrs: Mapping[str, Any]) -> CardSpec:
    """Build the card texts of node ``key`` from its view-graph attributes.

    Tolerates missing attributes (bad data must not crash the viewer): a node without a
    kind is treated by its key prefix, a missing label falls back to the key.
    """
    data = as_node_data(attrs)
    kind = data.kind or key_kind(key) or "artifact"
    label = _text(data.label) or key
    missing = data.missing
    if kind == "cluster":
        member_kind = _text(data.member_kind) or "artifact"
        type_name = _text(data.type) or member_kind
        noun = "runs" if member_kind == "run" else "artifacts"
        count = data.count
        type_text = f"{type_name} {noun}"
        tooltip = f"{label}\n{type_text} (cluster of {count}; click to search its members)"
        return CardSpec(key, kind, member_kind, type_text, label, count=count, tooltip=tooltip)
    if kind == "run":
        type_text = _text(data.job_type) or "run"
        state = _text(data.state) or None
    else:
        kind = "artifact"
        type_text = _text(data.type) or "artifact"
        state = None
    aliases = tuple(_text(a) for a in data.aliases)
    deleted = kind == "artifact" and data.deleted and not missing
    full_label = ""
    dataset = imported_dataset(data.metadata) if kind == "artifact" and not missing else None
    if dataset is not None:  # the table's own name reads first; its namespace is muted
        own, namespace = (_text(part) for part in dataset)
        full_label, label = label, f"{own}:{_text(data.version)}" if data.version else own
        type_text = f"{type_text} · {namespace}" if namespace else type_text
    if missing:
        type_text = f"missing {kind}"
        aliases = ()
    elif deleted:
        type_text = f"deleted {type_text}"
        aliases = ()
    lines = [full_label or label, type_text]
    if deleted:
        lines.append(deleted_text(data.deleted_at, data.deleted_by))
    if state:
        lines.append(f"state: {state}")
    if aliases:
        lines.append("aliases: " + ", ".join(aliases))
    return CardSpec(
        key,
        kind,
        kind,
        type_text,
        label,
        aliases=aliases,
        state=state,
        missing=missing,
        tooltip="\n".join(lines),
        deleted=deleted,
        full_label=full_label,
    )


def deleted_text(deleted_at: str | None, deleted_by: str | None) -> str:
    """``Deleted <when> by <who>``: a tombstone's line in tooltips and previews (plain
    text; whoever shows it as rich text must escape it)."""
    who = f" by {_text(deleted_by)}" if deleted_by else ""
    return f"Deleted {_text(deleted_at)}{who}"


# Measured card sizes by what they depend on, for the default fonts: a live refresh or a
# re-layout sizes the same cards again, and measuring text costs a few microseconds each.
_SIZES: dict[tuple[Any, ...], tuple[float, float]] = {}
_SIZES_LIMIT = 100_000  # a bound, not a policy: beyond it start again
_default_fonts: style.Fonts | None = None


def _measure_key(spec: CardSpec) -> tuple[Any, ...]:
    count = spec.count if spec.kind == "cluster" else None
    return (spec.kind, spec.label, spec.type_text, spec.aliases, count)


def spec_size(spec: CardSpec, metrics: style.Fonts | None = None) -> tuple[float, float]:
    """Box size of a card (see ``style.node_size``); measured once per card text with
    the default fonts (given ``metrics`` are always measured afresh)."""
    if metrics is not None:
        return _measure(spec, metrics)
    key = _measure_key(spec)
    size = _SIZES.get(key)
    if size is None:
        global _default_fonts
        if _default_fonts is None:
            _default_fonts = style.fonts()
        if len(_SIZES) >= _SIZES_LIMIT:
            _SIZES.clear()
        size = _SIZES[key] = _measure(spec, _default_fonts)
    return size


def _measure(spec: CardSpec, metrics: style.Fonts) -> tuple[float, float]:
    size = style.node_size(
        spec.kind,
        spec.label,
        spec.type_text,
        metrics,
        aliases=spec.aliases,
        count=spec.count if spec.kind == "cluster" else None,
    )
    if spec.kind == "cluster":
        return _cluster_size(spec, size[0], metrics)
    return size


def cluster_title_lines(
    spec: CardSpec, box_width: float, metrics: style.Fonts | None = None
) -> tuple[str, ...]:
    """A cluster's title as drawn on a box ``box_width`` wide: one line, or two broken at
    a word, ``-``, ``_`` or ``:`` when one does not fit (the end of the second elided
    only if two do not fit either). The layout reserves the height this says."""
    f = metrics or style.fonts()
    width = style.cluster_text_width(box_width, spec.count, f)
    return wrap_two_lines(spec.label, f.name_metrics, width, Qt.TextElideMode.ElideRight)


def _cluster_size(
    spec: CardSpec, box_width: float, metrics: style.Fonts
) -> tuple[float, float]:
    # Wrapped only at NODE_MAX_WIDTH, which even columns never widen: the height holds
    # for the width the card is drawn at.
    lines = len(cluster_title_lines(spec, box_width, metrics))
    height = style.node_size(
        "cluster", "", spec.type_text, metrics, count=spec.count, title_lines=lines
    )[1]
    return (box_width, height)


@dataclass(frozen=True, slots=True)
class ViewCards:
    """The card of every node of one view graph, measured once: ``specs`` and ``sizes``
    keyed by graph key, in graph order."""

    specs: dict[str, CardSpec]
    sizes: dict[str, tuple[float, float]]


# One entry per live view graph: the layout request and the scene build of the same view
# share its measurements. A view graph is never edited once made (the session makes a
# new one for every change), so its identity is a sound key; the weak keys let an entry
# go with its graph.
_VIEW_CARDS: weakref.WeakKeyDictionary[nx.DiGraph, ViewCards] = weakref.WeakKeyDictionary()


def view_cards(view_graph: nx.DiGraph) -> ViewCards:
    """The specs and box sizes of every node of ``view_graph``, computed on the first call
    for this graph and reused afterwards (needs a QGuiApplication)."""
    cards = _VIEW_CARDS.get(view_graph)
    if cards is None or len(cards.specs) != view_graph.number_of_nodes():
        specs = _distinct(
            {str(key): card_spec(str(key), data) for key, data in nodes_of(view_graph)})
        sizes = _even_columns(view_graph, {key: spec_size(spec) for key, spec in specs.items()})
        specs = _shown_names(specs, sizes)
        cards = _VIEW_CARDS[view_graph] = ViewCards(specs, sizes)
    return cards


def _even_columns(view_graph: nx.DiGraph,
                  sizes: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Every card of one level as wide as the widest (each already capped at
    ``style.NODE_MAX_WIDTH``): columns read as columns, edges start and end aligned."""
    widest: dict[Any, float] = {}
    levels = {str(key): data.level for key, data in nodes_of(view_graph)}
    for key, (width, _height) in sizes.items():
        level = levels.get(key)
        widest[level] = max(widest.get(level, 0.0), width)
    return {key: (widest[levels.get(key)], height) for key, (_w, height) in sizes.items()}


def _distinct(specs: dict[str, CardSpec]) -> dict[str, CardSpec]:
    """A dataset's own name where no other card of the view has it; where two datasets of
    different namespaces share it, both show their stored names."""
    owners: dict[str, set[str]] = {}
    for spec in specs.values():
        if spec.full_label:
            owners.setdefault(spec.label, set()).add(spec.full_label)
    return {key: replace(spec, label=spec.full_label)
            if spec.full_label and len(owners[spec.label]) > 1 else spec
            for key, spec in specs.items()}


def name_text_width(size: tuple[float, float]) -> float:
    """Room for the name line on a card of ``size`` (as ``CardItem`` lays it out)."""
    return max(10.0, size[0] - style.TEXT_LEFT - style.TEXT_RIGHT_PAD)


def _shown_names(specs: dict[str, CardSpec],
                 sizes: dict[str, tuple[float, float]]) -> dict[str, CardSpec]:
    """Each card's name line as drawn, elided to fit, and different for different names
    (``graph.display.distinct_texts``): no two cards read alike unless their names are."""
    metrics = style.fonts().name_metrics
    cards = {k: s for k, s in specs.items() if s.kind != "cluster"}
    full = {k: s.label for k, s in cards.items()}
    shown = {k: metrics.elidedText(
        s.label, Qt.TextElideMode.ElideMiddle if s.kind == "artifact"
        else Qt.TextElideMode.ElideRight, name_text_width(sizes[k])) for k, s in cards.items()}
    if len(set(shown.values())) == len(set(full.values())):
        return specs  # nothing reads alike: the items elide as they always did
    distinct = distinct_texts(full, shown, lambda text: text)
    out = dict(specs)
    for key, text in distinct.items():
        width = name_text_width(sizes[key])
        out[key] = replace(specs[key], shown=metrics.elidedText(
            str(text), Qt.TextElideMode.ElideRight, width))
    return out


def node_sizes(view_graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Box sizes of every node of a view graph, keyed by graph key."""
    return dict(view_cards(view_graph).sizes)


def build_layout_request(
    view_graph: nx.DiGraph,
    direction: str = "LR",
    engine: str = "auto",
    request_id: int = 0,
    viewport: tuple[float, float] | None = None,
) -> LayoutRequest:
    """A layout request for ``view_graph`` with boxes sized by the real card fonts;
    ``viewport`` (pixels) lets a long lineage fold into bands that fit the view.

    Needs a QGuiApplication (for font metrics); ``export_image.ensure_app()`` makes one
    when running headless.
    """
    sizes = view_cards(view_graph).sizes
    nodes = tuple(
        LayoutNode(str(key), *sizes[str(key)], data.level) for key, data in nodes_of(view_graph)
    )
    edges = tuple((str(s), str(t)) for s, t in view_graph.edges())
    return LayoutRequest(
        nodes, edges, direction=direction, engine=engine, request_id=request_id, viewport=viewport
    )
