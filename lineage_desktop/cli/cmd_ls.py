"""``lineage-desktop ls STORE [--type T] [--long] [--json] [--as-of TIME] [--drafts]``:
artifact collections with their versions and aliases, or the unfinished distributed
drafts (``upsert_artifact`` without a ``finish_artifact`` yet)."""
from __future__ import annotations

import argparse
import difflib
from typing import Any

from lineage_desktop.cli.formatting import (
    add_as_of,
    collection_versions,
    dump_json,
    emit,
    emit_lines,
    one_line_errors,
    open_api,
    plain,
    table,
)
from lineage_desktop.records import ArtifactCollection, ArtifactVersion, NotFound
from lineage_desktop.records.text import human_size, human_time, plural
from lineage_desktop.sdk import Api
from lineage_desktop.store.drafts import Draft

EXAMPLES = """\
examples:
  lineage-desktop ls churn.db                    one line per artifact collection
  lineage-desktop ls churn.db --type model -l    every version of every model
  lineage-desktop ls churn.db --json             machine-readable (see docs/cli.md)
  lineage-desktop ls churn.db --as-of 2026-09-01 the store as it stood then
  lineage-desktop ls churn.db --drafts           distributed versions never finished
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ls", help="list artifact collections, their versions and aliases",
        description="List the artifact collections of a store: name, type, number of "
                    "versions and where each alias points.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="a lineage store file")
    parser.add_argument("--type", metavar="T", help="only collections of artifact type T")
    parser.add_argument("-l", "--long", action="store_true",
                        help="list every version under its collection")
    parser.add_argument("--json", action="store_true",
                        help="print JSON: a list of collections with all their versions")
    parser.add_argument("--drafts", action="store_true",
                        help="list the unfinished distributed drafts instead: upserted "
                             "(run.upsert_artifact) but never finished")
    add_as_of(parser)
    one_line_errors(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.drafts:
        return run_drafts(args)
    with open_api(args.store, args.as_of) as api:
        listing = collect(api, args.type)
        # Drafts are the store's state now, not as of a past time.
        drafts = [] if args.as_of or args.json else api.store.drafts()
    if args.json:
        dump_json([collection_json(c, versions) for c, versions in listing])
        return 0
    if listing:
        emit_lines(text_lines(listing, args.long))
    else:
        emit("no artifacts")
    if drafts:
        emit(f"and {plural(len(drafts), 'unfinished distributed draft')} "
             "(upserted, never finished): lineage-desktop ls STORE --drafts")
    return 0


def run_drafts(args: argparse.Namespace) -> int:
    if args.as_of:
        raise ValueError("--drafts lists the drafts as they are now; leave out --as-of")
    with open_api(args.store) as api:
        drafts = [d for d in api.store.drafts() if args.type in (None, d.type)]
    if args.json:
        dump_json([draft_json(d) for d in drafts])
    elif drafts:
        emit_lines(draft_lines(drafts))
    else:
        emit("no unfinished distributed drafts")
    return 0


def draft_json(draft: Draft) -> dict[str, Any]:
    """One element of ``ls --drafts --json`` (documented in docs/cli.md)."""
    return {"entity": draft.entity, "project": draft.project, "name": draft.name,
            "type": draft.type, "distributed_id": draft.distributed_id,
            "file_count": draft.files, "size": draft.size, "runs": list(draft.runs),
            "aliases": list(draft.aliases), "first_added": draft.first_added,
            "last_added": draft.last_added}


def draft_lines(drafts: list[Draft]) -> list[str]:
    projects = {(d.entity, d.project) for d in drafts}
    name = (lambda d: d.name) if len(projects) <= 1 else \
        (lambda d: f"{d.entity}/{d.project}/{d.name}")
    return table(([d.type or "-", name(d), d.distributed_id, plural(d.files, "file"),
                   human_size(d.size, empty="-"), ", ".join(d.runs),
                   human_time(d.last_added, empty="-")] for d in drafts),
                 ["TYPE", "NAME", "DISTRIBUTED ID", "FILES", "SIZE", "RUNS", "LAST UPSERT"])


def collect(api: Api, type_name: str | None) -> list[tuple[ArtifactCollection,
                                                          list[ArtifactVersion]]]:
    """Every collection (of one type) with its versions, oldest version first."""
    if type_name is not None:
        known = api.artifact_types()
        if type_name not in known:
            close = difflib.get_close_matches(type_name, known, n=5, cutoff=0.5)
            raise NotFound(f"no artifact type {type_name!r}; "
                           f"{'closest' if close else 'types'}: {', '.join(close or known)}",
                           asked=type_name, suggestions=close)
    return [(collection, collection_versions(api, collection))
            for collection in api.artifact_collections(type_name)]


def collection_json(collection: ArtifactCollection,
                    versions: list[ArtifactVersion]) -> dict[str, Any]:
    """One element of ``ls --json`` (documented in docs/cli.md)."""
    return {
        "name": collection.name, "type": collection.type, "entity": collection.entity,
        "project": collection.project, "description": collection.description,
        "created_at": collection.created_at, "version_count": len(versions),
        "versions": [
            {"version": v.version, "index": v.index, "aliases": list(v.aliases),
             "tags": list(v.tags), "digest": v.digest, "size": v.size,
             "file_count": v.file_count, "created_at": v.created_at, "logged_by": v.run_id}
            for v in versions
        ],
    }


def alias_summary(versions: list[ArtifactVersion]) -> str:
    """``latest=v19 best=v12 production=v12``: latest first, then by alias."""
    pairs = [(alias, v.version) for v in versions for alias in v.aliases]
    pairs.sort(key=lambda p: (p[0] != "latest", p[0]))
    return " ".join(f"{alias}={version}" for alias, version in pairs)


def text_lines(listing: list[tuple[ArtifactCollection, list[ArtifactVersion]]],
               long: bool) -> list[str]:
    projects = {(c.entity, c.project) for c, _ in listing}
    name = (lambda c: c.name) if len(projects) <= 1 else \
        (lambda c: f"{c.entity}/{c.project}/{c.name}")
    if not long:
        return table(([c.type, name(c), str(len(vs)), alias_summary(vs)] for c, vs in listing),
                     ["TYPE", "NAME", "VERSIONS", "ALIASES"])
    lines: list[str] = []
    for collection, versions in listing:
        if lines:
            lines.append("")
        description = f"  {collection.description}" if collection.description else ""
        lines.append(plain(f"{name(collection)} ({collection.type}, "
                           f"{plural(len(versions), 'version')}){description}"))
        lines += table(([v.version, human_time(v.created_at, empty="-"),
                         human_size(v.size, empty="-"), plural(v.file_count, "file"),
                         ", ".join(v.aliases)] for v in versions), indent="  ")
    return lines
