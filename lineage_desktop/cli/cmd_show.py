"""``lineage-desktop show STORE REF [--json] [--as-of TIME]``: every preview field of an
artifact version or a run."""
from __future__ import annotations

import argparse
from typing import Any

from lineage_desktop.cli.formatting import (
    add_as_of,
    dump_json,
    emit_lines,
    field_lines,
    format_value,
    one_line_errors,
    open_api,
    plain,
    run_brief,
    run_json,
    table,
    version_json,
)
from lineage_desktop.records.text import (
    human_duration,
    human_size,
    human_time,
    plural,
    size_and_files,
)
from lineage_desktop.sdk import Api, ApiRun, Artifact

_LABEL_WIDTH = 12  # "description:" is the longest label

EXAMPLES = """\
examples:
  lineage-desktop show churn.db churn-model:production    a version by alias
  lineage-desktop show churn.db churn-model:v3 --json     machine-readable (docs/cli.md)
  lineage-desktop show churn.db run:3k9x2f1a              a run with its inputs and outputs
  lineage-desktop show churn.db churn-model --as-of 2026-09-01
                                                          latest as of that day
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "show", help="details of an artifact version or a run",
        description="Show every field of an artifact version (aliases, type, creation time, "
                    "description, the run that logged it, the runs that used it, size, "
                    "digest, metadata, files) or of a run (with its inputs and outputs).",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="a lineage store file")
    parser.add_argument("ref", metavar="REF",
                        help="name, name:alias, name:v3, project/name:alias, run:<id> or a run id")
    parser.add_argument("--json", action="store_true", help="print JSON (see docs/cli.md)")
    add_as_of(parser)
    one_line_errors(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_api(args.store, args.as_of) as api:
        node = api.node(args.ref)
        data = run_json(node) if isinstance(node, ApiRun) else artifact_data(api, node)
    if args.json:
        dump_json(data)
    elif data["kind"] == "run":
        emit_lines(run_lines(data))
    else:
        emit_lines(version_lines(data))
    return 0


def artifact_data(api: Api, artifact: Artifact) -> dict[str, Any]:
    """``show --json`` of a version, read as of the Api's time."""
    record = artifact.record
    runs = api.runs_logging(record.id)
    first = next((r for r in runs if r.id == record.run_id), None)
    logged_by = run_brief(first, record.run_id)
    used_by = [run_brief(r) for r in api.runs_using(record.id)]
    producers = [run_brief(r) for r in runs]
    links = api.store.links_of([record.id], api.as_of).get(record.id, [])
    source = api.store.version_by_id(record.source_id) if record.source_id is not None else None
    return version_json(artifact, logged_by, used_by, producers, links, source)


def _run_text(brief: dict[str, Any] | None) -> str:
    if brief is None:
        return "-"
    if brief.get("missing"):
        return f"deleted run {brief['id']}"
    return f"{brief['name']} ({brief['job_type'] or 'run'}, {brief['state']}, run:{brief['id']})"


def _link_text(link: dict[str, Any]) -> str:
    aliases = f" ({', '.join(link['aliases'])})" if link["aliases"] else ""
    return f"{link['path']}{aliases}"


def _mapping_lines(title: str, mapping: dict[str, Any]) -> list[str]:
    if not mapping:
        return [f"{title}: -"]
    return [f"{title}:"] + field_lines(((str(k), format_value(v)) for k, v in mapping.items()),
                                       indent="  ")


def version_lines(data: dict[str, Any]) -> list[str]:
    """The text form of ``show`` for a version."""
    used_by = data["used_by"]
    lines = [plain(f"{data['label']}  ({data['type']})")]
    lines += field_lines([
        ("aliases", ", ".join(data["aliases"]) or "-"),
        ("tags", ", ".join(data["tags"]) or "-"),
        ("created", human_time(data["created_at"], empty="-")),
        ("description", data["description"] or "-"),
        ("logged by", _run_text(data["logged_by"])),
        *(("re-logged by", _run_text(r)) for r in data["producers"][1:]),
        ("used by", plural(len(used_by), "run")),
    ], indent="  ", width=_LABEL_WIDTH)
    lines += [f"    {plain(_run_text(r))}" for r in used_by]
    if data["source"] is not None:
        lines += field_lines([("link of", data["source"]["label"])], indent="  ",
                             width=_LABEL_WIDTH)
    lines += field_lines([("linked to", plain(_link_text(link))) for link in data["linked_to"]],
                         indent="  ", width=_LABEL_WIDTH)
    lines += field_lines([
        ("size", size_and_files(data["size"], data["file_count"], empty="-")),
        ("digest", data["digest"]),
        ("qualified", data["qualified_name"]),
        ("state", data["state"]),
    ], indent="  ", width=_LABEL_WIDTH)
    lines += ["  " + line for line in _mapping_lines("metadata", data["metadata"])]
    files = data["files"]
    lines.append(f"  files ({len(files)}):" if files else "  files: -")
    lines += table(([f["path"], human_size(f["size"], empty="-"), f["digest"][:12], f["ref"] or ""]
                    for f in files), indent="    ")
    return lines


def _version_rows(versions: list[dict[str, Any]]) -> list[str]:
    return table(([v["label"], v["type"], ", ".join(v["aliases"])] for v in versions),
                 indent="    ")


def run_lines(data: dict[str, Any]) -> list[str]:
    """The text form of ``show`` for a run."""
    exit_code = f" (exit code {data['exit_code']})" if data["exit_code"] is not None else ""
    lines = [plain(f"{data['name']}  (run {data['id']})")]
    lines += field_lines([
        ("state", f"{data['state']}{exit_code}"),
        ("job type", data["job_type"] or "-"),
        ("group", data["group"] or "-"),
        *((("parent", f"{data['parent']['name']} (run {data['parent']['id']})"),)
          if data["parent"] else ()),
        ("author", data["author"] or "-"),
        ("host", data["host"] or "-"),
        ("started", human_time(data["started_at"], empty="-")),
        ("finished", human_time(data["finished_at"], empty="-")),
        ("duration", human_duration(data["duration_seconds"], empty="-")),
        ("project", f"{data['entity']}/{data['project']}"),
        ("tags", ", ".join(data["tags"]) or "-"),
        ("notes", data["notes"] or "-"),
    ], indent="  ", width=_LABEL_WIDTH)
    for title in ("config", "summary"):
        lines += ["  " + line for line in _mapping_lines(title, data[title])]
    for title in ("inputs", "outputs"):
        versions = data[title]
        lines.append(f"  {title} ({len(versions)}):" if versions else f"  {title}: -")
        lines += _version_rows(versions)
    return lines
