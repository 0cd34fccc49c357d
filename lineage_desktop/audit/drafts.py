"""Abandoned distributed drafts: upserted into (``run.upsert_artifact``) and never
finished. Their entries stay in the store (another process may still finish them), so
the whole-store audit names those whose last upsert is older than ``STALE_DRAFT_DAYS``:
a draft nobody finishes holds files that no version lists."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lineage_desktop.records.text import human_time, parse_iso, plural
from lineage_desktop.records.validation import shown
from lineage_desktop.store import Store
from lineage_desktop.store.drafts import Draft

STALE_DRAFT_DAYS = 7


def stale_drafts(store: Store, days: float = STALE_DRAFT_DAYS,
                 now: datetime | None = None) -> list[Draft]:
    """The drafts whose newest upserted entry is more than ``days`` old (a draft with
    no entries or an unreadable time counts as old: nothing dates it)."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    found = []
    for draft in store.drafts():
        last = parse_iso(draft.last_added) if draft.last_added else None
        if last is None or last < cutoff:
            found.append(draft)
    return found


def stale_draft_notes(store: Store, days: float = STALE_DRAFT_DAYS,
                      now: datetime | None = None) -> list[str]:
    """One note per stale draft, for the audit's report (store text shown escaped)."""
    return [
        f"distributed draft {shown(d.name)} ({shown(d.entity)}/{shown(d.project)}, id "
        f"{shown(d.distributed_id)}) was never finished: {plural(d.files, 'file')} from "
        f"{plural(len(d.runs), 'run')}, last upsert "
        f"{human_time(d.last_added, empty='unknown')}; finish it with "
        "run.finish_artifact or list drafts with lineage-desktop ls STORE --drafts"
        for d in stale_drafts(store, days, now)]


__all__ = ["STALE_DRAFT_DAYS", "stale_draft_notes", "stale_drafts"]
