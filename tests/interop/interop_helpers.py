"""Reading a store back as plain, comparable values (what "the same lineage" means)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from lineage_desktop.store import Store


def snapshot(path: Path, with_ids: bool = True) -> dict[str, Any]:
    """Runs, versions (with aliases, files and producer) and usages of a store."""
    with Store.open(path, readonly=True) as store:
        versions = store.all_versions()
        keys = {v.id: f"{v.entity}/{v.project}/{v.name}:v{v.index}" for v in versions}
        runs = sorted(
            (r.id if with_ids else "", r.entity, r.project, r.name, r.job_type, r.group,
             r.author, r.host, r.state, r.started_at, r.finished_at,
             repr(sorted(r.config.items())), r.notes, r.tags, r.exit_code)
            for r in store.runs())
        return {
            "runs": runs,
            "versions": sorted(
                (keys[v.id], v.type, v.digest, v.description, repr(sorted(v.metadata.items())),
                 v.size, v.file_count, v.created_at, v.run_id, v.aliases, v.tags,
                 tuple(store.manifest(v.id))) for v in versions),
            "usages": sorted((run_id, keys[vid], used_at)
                             for run_id, vid, used_at in store.all_usages()),
        }


def edges(path: Path, by: str = "id", digests: bool = False) -> set[tuple[str, str]]:
    """Lineage edges as ``(from, to)`` pairs of ``run <id or name>`` and ``name:vN``
    (``name@digest`` with ``digests``, to compare stores whose numbering differs)."""
    with Store.open(path, readonly=True) as store:
        versions = store.all_versions()
        runs = {r.id: getattr(r, by) for r in store.runs()}
        label = {v.id: f"{v.name}@{v.digest[:12]}" if digests else f"{v.name}:v{v.index}"
                 for v in versions}
        found = {(f"run {runs[v.run_id]}", label[v.id]) for v in versions if v.run_id}
        found |= {(label[vid], f"run {runs[rid]}") for rid, vid, _ in store.all_usages()}
        return found
