"""Conversions from SQL rows to records (kept in one place so that columns stay in step)."""
from __future__ import annotations

import json
from typing import Any

from lineage_desktop.records import ArtifactVersion, Run

VERSION_COLUMNS = (
    "v.id, a.name, v.idx, t.name, p.name, p.entity, v.digest, v.description, v.metadata, "
    "v.size, v.file_count, v.created_at, v.run_id, v.state"
)
VERSION_FROM = (
    "versions v JOIN artifacts a ON a.id = v.artifact_id "
    "JOIN artifact_types t ON t.id = a.type_id JOIN projects p ON p.id = a.project_id"
)
RUN_COLUMNS = (
    "r.id, p.name, p.entity, r.name, r.job_type, r.group_name, r.author, r.host, r.state, "
    "r.started_at, r.finished_at, r.config, r.notes, r.tags, r.exit_code"
)
RUN_FROM = "runs r JOIN projects p ON p.id = r.project_id"


def _json(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default  # a damaged cell must not stop the viewer


def version_from_row(
    row: tuple[Any, ...], aliases: tuple[str, ...] = (), tags: tuple[str, ...] = ()
) -> ArtifactVersion:
    (vid, name, idx, type_name, project, entity, digest, description, metadata, size,
     file_count, created_at, run_id, state) = row
    return ArtifactVersion(
        id=vid, name=name, index=idx, type=type_name, project=project, entity=entity,
        digest=digest, description=description, metadata=_json(metadata, {}), size=size,
        file_count=file_count, created_at=created_at, run_id=run_id, aliases=aliases,
        tags=tags, state=state,
    )


def run_from_row(row: tuple[Any, ...]) -> Run:
    (rid, project, entity, name, job_type, group, author, host, state, started_at,
     finished_at, config, notes, tags, exit_code) = row
    return Run(
        id=rid, project=project, entity=entity, name=name, job_type=job_type, group=group,
        author=author, host=host, state=state, started_at=started_at,
        finished_at=finished_at, config=_json(config, {}), notes=notes,
        tags=tuple(_json(tags, [])), exit_code=exit_code,
    )
