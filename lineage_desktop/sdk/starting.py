"""``ld.init``: W&B's ``wandb.init`` arguments, recording into a local store.

Arguments that only steer W&B's server or its syncing (``dir``, ``save_code``,
``anonymous``, ``sync_tensorboard``, ``monitor_gym``, ``magic``, ``force``, ``mode`` of
``"online"``/``"offline"``/``"shared"``) are accepted and change nothing: the run is
recorded locally either way. ``mode="disabled"`` and resuming are refused by name, not
silently ignored.
"""
from __future__ import annotations

import os
from typing import Any

from lineage_desktop.records import ValidationError
from lineage_desktop.sdk import session, stores
from lineage_desktop.sdk.run import Run, RunFields
from lineage_desktop.sdk.sources import local_path
from lineage_desktop.sdk.validation import validate_json_object
from lineage_desktop.store import Store

MODES = (None, "online", "offline", "shared")
NO_RESUME = (None, False, "never")


def init(
    project: str | None = None, entity: str | None = None, name: str | None = None,
    job_type: str | None = None, group: str | None = None,
    config: Any = None, notes: str | None = None,
    tags: list[str] | None = None, store: str | os.PathLike[str] | Store | None = None,
    id: str | None = None, *, reinit: bool | str | None = None, settings: Any = None,
    mode: str | None = None, resume: bool | str | None = None,
    config_exclude_keys: list[str] | None = None,
    config_include_keys: list[str] | None = None,
    dir: str | os.PathLike[str] | None = None, save_code: bool | None = None,
    anonymous: str | None = None, sync_tensorboard: bool | None = None,
    monitor_gym: bool | None = None, magic: object = None, force: bool | None = None,
    allow_val_change: bool | None = None,
) -> Run:
    """Start a run recording into ``store`` (argument, ``$LINEAGE_DESKTOP_STORE``, or
    ``./lineage.db``). Returns a ``Run``, usable as a context manager, which becomes
    ``ld.run`` (see ``session`` for ``reinit``).

    Every argument is checked (W&B's rules) before the store is opened, so a refusal
    leaves no trace, not even a new store file."""
    reinit = session.check_reinit(_setting(settings, "reinit", reinit))
    mode = _setting(settings, "mode", mode)
    if mode not in MODES:
        raise ValidationError(
            f"mode={mode!r} is not supported: lineage_desktop always records into the local "
            "store (one of online, offline, shared)")
    if resume not in NO_RESUME:
        raise ValidationError(
            f"resume={resume!r} is not supported: each ld.init() records a new run")
    # Checked before the active run is returned too (W&B returns it unchecked).
    project = project or _setting(settings, "project", None) or "uncategorized"
    config = _filtered(validate_json_object(config, "config"), config_include_keys,
                       config_exclude_keys)
    RunFields.checked(project, entity, name, job_type, group, config, notes, tags, id)
    if store is not None and not isinstance(store, Store):
        local_path(store, "store file")
    active = session.previous(reinit, store.path if isinstance(store, Store)
                              else stores.store_path(store))
    if active is not None:
        return active
    writer = stores.writer(store)
    writer.mark_crashed_runs()  # runs of this host whose process died, before this one starts
    run = Run(writer, project, entity=entity, name=name,
              job_type=job_type, group=group, config=config, notes=notes, tags=tags,
              run_id=id)
    session.started(run, reinit)
    return run


def _setting(settings: Any, key: str, value: Any) -> Any:
    """An argument, else the same field of ``settings`` (a ``Settings`` or a dict)."""
    if value is not None or settings is None:
        return value
    if isinstance(settings, dict):
        return settings.get(key)
    return getattr(settings, key, None)


def _filtered(config: dict[str, Any], include: list[str] | None,
              exclude: list[str] | None) -> dict[str, Any]:
    if include and exclude:
        raise ValidationError("pass config_include_keys or config_exclude_keys, not both")
    if include:
        return {k: v for k, v in config.items() if k in include}
    if exclude:
        return {k: v for k, v in config.items() if k not in exclude}
    return config
