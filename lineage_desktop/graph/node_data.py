"""``NodeData``: the typed record of one lineage-graph node, its accessors and the
``for_*`` constructors, the only places runs, versions, placeholders and clusters are
built. The graph itself and the one builder from store records are ``nodes.py``'s.

Every node of a lineage graph (``Api.lineage``) and of a view (``LineageModel.view``)
carries a ``NodeData``: the flat mapping users of the graph read
(``graph.nodes[key]["label"]``, what GraphML and JSON exports hold) with typed accessors,
so that no layer above reads node attributes by string key. Runs, versions, placeholders
of missing nodes and clusters are built only by the ``NodeData.for_*`` constructors.

Graphs made by hand (tests, imports of GraphML) hold plain dicts; ``node_data``
(``nodes.py``) reads them through the same accessors, and the accessors tolerate values
of the wrong type (a damaged store is drawn, never a crash).
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from lineage_desktop.records import (
    ArtifactVersion,
    Run,
    RunCells,
    VersionCells,
    key_ident,
    parse_key,
)

Key = Hashable
KINDS = ("run", "artifact", "cluster")
# The fields a report lists for a node, in order.
DETAIL_FIELDS = ("kind", "type", "state", "created_at", "started_at", "finished_at", "author",
                 "aliases", "digest", "size", "file_count", "description", "metadata",
                 "config", "logged_by", "linked_to")


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _texts(value: object) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):  # a malformed single value
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(item) for item in value)
    return (str(value),)


def _number(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return int(value)
    except (ValueError, OverflowError):
        return None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


class NodeData(dict[str, Any]):
    """One node's attributes with typed accessors (see the module docstring)."""

    __slots__ = ()

    # -- every node ----------------------------------------------------------------

    @property
    def kind(self) -> str:
        """"run", "artifact" or "cluster"; "" when a hand-made node has none."""
        kind = self.get("kind")
        return kind if kind in KINDS else ""

    @property
    def is_run(self) -> bool:
        return self.kind == "run"

    @property
    def is_artifact(self) -> bool:
        return self.kind == "artifact"

    @property
    def is_cluster(self) -> bool:
        return self.kind == "cluster"

    @property
    def label(self) -> str | None:
        return _text(self.get("label"))

    def ref(self, key: str) -> str:
        """A reference that names exactly this node: graph keys carry no project, so in
        a store holding several projects ``artifact:data:v3`` can be ambiguous, and a
        version's own attributes make it ``entity/project/data:v3``. Runs (store-wide
        ids) and unknown nodes keep their key."""
        if not self.is_artifact or self.missing:
            return key
        parts = (self.entity, self.project, self.name, self.version)
        if not all(parts):
            return key
        return f"{self.entity}/{self.project}/{self.name}:{self.version}"

    def details(self) -> list[tuple[str, Any]]:
        """``(field, value)`` of the record's fields that say something, in the order a
        report lists them."""
        return [(field, self[field]) for field in DETAIL_FIELDS
                if self.get(field) not in (None, "", [], {})]

    def label_or(self, key: Key) -> str:
        """The label, else the key: what a list or a path shows for the node."""
        return self.label or str(key)

    @property
    def type(self) -> str | None:
        """Artifact type, run job type or a cluster's member type."""
        return _text(self.get("type"))

    @property
    def missing(self) -> bool:
        """A placeholder for a deleted run or an unknown version."""
        return bool(self.get("missing"))

    @property
    def name(self) -> str | None:
        return _text(self.get("name"))

    @property
    def project(self) -> str | None:
        return _text(self.get("project"))

    @property
    def entity(self) -> str | None:
        return _text(self.get("entity"))

    @property
    def state(self) -> str | None:
        return _text(self.get("state"))

    @property
    def tags(self) -> tuple[str, ...]:
        return _texts(self.get("tags"))

    @property
    def level(self) -> int | None:
        """Signed distance from the focus (set on the nodes of a view)."""
        return _number(self.get("level"))

    # -- versions ------------------------------------------------------------------

    @property
    def version(self) -> str | None:
        """``"v3"``."""
        return _text(self.get("version"))

    @property
    def index(self) -> int | None:
        return _number(self.get("index"))

    @property
    def aliases(self) -> tuple[str, ...]:
        return _texts(self.get("aliases"))

    @property
    def digest(self) -> str | None:
        return _text(self.get("digest"))

    @property
    def description(self) -> str | None:
        return _text(self.get("description"))

    @property
    def metadata(self) -> Mapping[str, Any]:
        return _mapping(self.get("metadata"))

    @property
    def size(self) -> int | None:
        return _number(self.get("size"))

    @property
    def file_count(self) -> int | None:
        return _number(self.get("file_count"))

    @property
    def created_at(self) -> str | None:
        return _text(self.get("created_at"))

    @property
    def logged_by(self) -> str | None:
        """Id of the first run that logged the version."""
        return _text(self.get("logged_by"))

    @property
    def producers(self) -> tuple[str, ...]:
        """Every run that logged the version's content, the first one first."""
        return _texts(self.get("producers"))

    @property
    def deleted(self) -> bool:
        """A tombstone: the version was deleted (``deleted_at``, ``deleted_by``)."""
        return self.deleted_at is not None

    @property
    def deleted_at(self) -> str | None:
        return _text(self.get("deleted_at"))

    @property
    def deleted_by(self) -> str | None:
        return _text(self.get("deleted_by"))

    @property
    def linked_to(self) -> tuple[str, ...]:
        """The registry links of a source version: ``project/collection:v<n>``, with the
        link's aliases in parentheses when it has any."""
        return _texts(self.get("linked_to"))

    @property
    def id_in_store(self) -> int | None:
        """The version's row id in its store (for integrity checks and previews)."""
        return _number(self.get("id_in_store"))

    # -- runs ----------------------------------------------------------------------

    @property
    def id(self) -> str | None:
        return _text(self.get("id"))

    @property
    def job_type(self) -> str | None:
        return _text(self.get("job_type")) or self.type

    @property
    def started_at(self) -> str | None:
        return _text(self.get("started_at"))

    @property
    def finished_at(self) -> str | None:
        return _text(self.get("finished_at"))

    @property
    def author(self) -> str | None:
        return _text(self.get("author"))

    @property
    def host(self) -> str | None:
        return _text(self.get("host"))

    @property
    def group(self) -> str | None:
        return _text(self.get("group"))

    @property
    def config(self) -> Mapping[str, Any]:
        return _mapping(self.get("config"))

    @property
    def summary(self) -> Mapping[str, Any]:
        """The run's summary (``run.summary``: last logged values and values set)."""
        return _mapping(self.get("summary"))

    @property
    def notes(self) -> str | None:
        return _text(self.get("notes"))

    @property
    def exit_code(self) -> int | None:
        return _number(self.get("exit_code"))

    # -- clusters ------------------------------------------------------------------

    @property
    def member_kind(self) -> str | None:
        """"run" or "artifact": what a cluster's members are."""
        return _text(self.get("member_kind"))

    @property
    def members(self) -> tuple[Key, ...]:
        """A cluster's member keys in their display order; () for any other node."""
        if not self.is_cluster:
            return ()
        members = self.get("members")
        return tuple(members) if isinstance(members, Iterable) else ()

    @property
    def count(self) -> int:
        """How many nodes a cluster stands for (its ``count``, else its member list)."""
        return _number(self.get("count")) or len(self.members)

    def member(self, key: Key) -> NodeData:
        """A member's attributes as the clustering kept them (empty when unknown)."""
        found = _mapping(self.get("member_attrs")).get(key)  # type: ignore[call-overload]
        return as_node_data(found) if isinstance(found, Mapping) else NodeData()

    # -- constructors: the only places nodes are built -----------------------------

    @classmethod
    def for_version(cls, version: ArtifactVersion | VersionCells,
                    producers: list[str] | None = None,
                    links: Iterable[ArtifactVersion] = ()) -> NodeData:
        """``logged_by`` is the first producer, ``producers`` every run that logged the
        content (the first one first); ``links`` the registry versions pointing at it
        (``linked_to``). The record's metadata dict is shared, not copied: records from
        the store are made for the graph. A record or the store's ``VersionCells``."""
        data = cls(
            kind="artifact", label=f"{version.name}:{version.version}", type=version.type,
            project=version.project, entity=version.entity, missing=False,
            name=version.name, version=version.version, index=version.index,
            aliases=list(version.aliases), tags=list(version.tags), digest=version.digest,
            description=version.description, metadata=version.metadata,
            size=version.size, file_count=version.file_count,
            created_at=version.created_at, logged_by=version.run_id, state=version.state,
            id_in_store=version.id, deleted_at=version.deleted_at,
            deleted_by=version.deleted_by,
            producers=list(producers) if producers is not None else
            ([version.run_id] if version.run_id is not None else []),
        )
        linked = [link_label(link) for link in links] if links else None
        if linked:  # most versions have none: no attribute, as before links existed
            data["linked_to"] = linked
        return data

    @classmethod
    def for_run(cls, run: Run | RunCells, summary: Mapping[str, Any] | None = None
                ) -> NodeData:
        """``summary`` is the run's summary, read in bulk with the graph's runs. A record
        or the store's ``RunCells``."""
        data = cls(
            kind="run", label=run.name, type=run.job_type, project=run.project,
            entity=run.entity, missing=False, id=run.id, name=run.name,
            job_type=run.job_type, state=run.state, started_at=run.started_at,
            finished_at=run.finished_at, author=run.author, host=run.host,
            group=run.group, config=run.config, notes=run.notes,
            tags=list(run.tags), exit_code=run.exit_code,
        )
        if summary:  # most graphs' runs log none: no attribute, as before summaries
            data["summary"] = summary
        return data

    @classmethod
    def for_missing(cls, key: str, kind: str) -> NodeData:
        """A placeholder for a run that was deleted or a version the store lacks."""
        ident = key_ident(key)
        label = f"deleted run {ident}" if kind == "run" else f"unknown version {ident}"
        return cls(kind=kind, label=label, type=None, missing=True)

    @classmethod
    def for_cluster(cls, member_kind: str, type_: str, label: str, members: list[Key],
                    member_attrs: Mapping[Key, Mapping[str, Any]], level: int,
                    name: str | None = None) -> NodeData:
        """``member_attrs`` are the members' own records (shared, not copied), so that
        search and previews work from the view graph alone."""
        data = cls(kind="cluster", member_kind=member_kind, type=type_, label=label,
                   count=len(members), members=members, member_attrs=member_attrs,
                   level=level)
        if name is not None:
            data["name"] = name
        return data

    def with_level(self, level: int | None) -> NodeData:
        """A copy placed at ``level`` (the view's copy of a raw node)."""
        copy = NodeData(self)
        copy["level"] = level
        return copy

    def repaired(self, key: Key) -> bool:
        """Give a hand-made node lacking ``kind``/``label`` values derived from its key,
        in place; True when something had to be repaired."""
        if not needs_repair(self):
            return False
        kind, name, index = parse_key(str(key))
        if not self.kind:
            self["kind"] = kind if kind in ("run", "artifact") else "artifact"
        if not self.label:
            if kind == "artifact" and index is not None:
                self["label"] = f"{name}:v{index}"
            else:
                self["label"] = name if kind == "run" and name else str(key)
        self.setdefault("type", None)
        return True


def needs_repair(data: NodeData) -> bool:
    """A node without a usable kind or label (hand-made or damaged)."""
    return not (data.kind and data.label)


def as_node_data(attrs: Mapping[str, Any]) -> NodeData:
    """``attrs`` itself when it is a ``NodeData``, else a typed copy."""
    return attrs if isinstance(attrs, NodeData) else NodeData(attrs)


def link_label(link: ArtifactVersion) -> str:
    """``project/collection:v<n> (aliases)``: where W&B's registry shows a link."""
    aliases = f" ({', '.join(link.aliases)})" if link.aliases else ""
    return f"{link.project}/{link.name}:{link.version}{aliases}"
