"""``lineage-desktop ls STORE [--type T] [--long] [--json] [--as-of TIME]``: artifact
collections with their versions and aliases."""
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

EXAMPLES = """\
examples:
  lineage-desktop ls churn.db                    one line per artifact collection
  lineage-desktop ls churn.db --type model -l    every version of every model
  lineage-desktop ls churn.db --json             machine-readable (see docs/cli.md)
  lineage-desktop ls churn.db --as-of 2026-09-01 the store as it stood then
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
    add_as_of(parser)
    one_line_errors(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_api(args.store, args.as_of) as api:
        listing = collect(api, args.type)
    if args.json:
        dump_json([collection_json(c, versions) for c, versions in listing])
        return 0
    if listing:
        emit_lines(text_lines(listing, args.long))
    else:
        emit("no artifacts")
    return 0


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
