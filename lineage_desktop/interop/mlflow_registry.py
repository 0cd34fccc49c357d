"""MLflow's model registry as registry collections.

Each registered model becomes a collection of the ``wandb-registry-model`` registry (the
registry the W&B SDK links models into, ``sdk/registry_paths.py``), in the import's
entity; each of its versions a link (``Store.link_version``) to the imported logged model
it was made from, linked in MLflow's version order and dated when MLflow made it. MLflow's
aliases (``champion``) and legacy stages (``Production`` as ``production``) are the link's
aliases, and ``latest`` is on the highest version, as MLflow resolves ``latest``. Importing
again adds nothing: a link that exists is kept, and only aliases it lacks are set.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lineage_desktop.interop.naming import safe_name
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.records import LineageError
from lineage_desktop.sdk.registry_paths import MODEL_REGISTRY
from lineage_desktop.sdk.validation import validate_aliases
from lineage_desktop.store import Store
from lineage_desktop.store.timeutil import to_iso

_NO_STAGE = ("", "none", "archived")


@dataclass(frozen=True)
class RegistryVersion:
    """One version of a registered model, and the MLflow model it was made from."""

    model: str
    version: int
    created_at: str
    source: str       # models:/<model id>, runs:/<run id>/<path>, or a location
    model_id: str | None
    run_id: str | None
    aliases: tuple[str, ...]


def read_registry(client: Any, pages: Any) -> list[RegistryVersion]:
    """Every version of every registered model, in (model, version) order. ``pages``
    reads all pages of a paged MLflow search."""
    models = pages(lambda t: client.search_registered_models(max_results=1000, page_token=t))
    aliases: dict[tuple[str, int], list[str]] = {}
    for model in models:
        # The SQL store gives aliases on the registered model only, the file store on both.
        for alias, version in (getattr(model, "aliases", None) or {}).items():
            aliases.setdefault((model.name, int(version)), []).append(alias)
    found = []
    for item in pages(lambda t: client.search_model_versions(max_results=1000, page_token=t)):
        version = int(item.version)
        named = [*aliases.get((item.name, version), ()), *(getattr(item, "aliases", None) or ())]
        stage = str(getattr(item, "current_stage", "") or "")
        if stage.lower() not in _NO_STAGE:
            named.append(stage.lower())
        millis = item.creation_timestamp or 0
        found.append(RegistryVersion(
            item.name, version, to_iso(datetime.fromtimestamp(millis / 1000, UTC)),
            str(item.source or ""), getattr(item, "model_id", None) or None,
            item.run_id or None, tuple(dict.fromkeys(named))))
    return sorted(found, key=lambda v: (v.model, v.version))


def source_model_id(version: RegistryVersion) -> str | None:
    """The logged model a version was made from: its ``model_id``, else the id in a
    ``models:/<id>`` source (the SQL store leaves ``model_id`` empty)."""
    if version.model_id:
        return version.model_id
    if version.source.startswith("models:/"):
        return version.source[len("models:/"):].split("/")[0] or None
    return None


def link_registry(
    store: Store, report: ImportReport, where: str, entity: str,
    versions: list[RegistryVersion], source_of: dict[int, int | None],
) -> None:
    """Link each of ``versions`` (``source_of`` maps its position to the id of the stored
    version it was made from, None if that model was not imported) into its collection."""
    if not versions:
        return
    project_id = store.ensure_project(entity, MODEL_REGISTRY)
    highest = {v.model: v.version for v in versions}
    for position, version in enumerate(versions):
        label = f"registered model {version.model!r} version {version.version}"
        source_id = source_of.get(position)
        if source_id is None:
            report.skip(where, None, f"{label}: its model {version.source} was not imported")
            continue
        try:
            aliases = validate_aliases(list(version.aliases))
            if highest[version.model] == version.version:
                aliases = ["latest", *[a for a in aliases if a != "latest"]]
            linked = store.link_version(project_id, safe_name(version.model, "model"),
                                        source_id, created_at=version.created_at)
            missing = [a for a in aliases if a not in linked.record.aliases]
            if missing:
                store.set_aliases(linked.version_id, missing)
        except (LineageError, ValueError) as exc:
            report.skip(where, None, f"{label}: {exc}")
            continue
        report.count("registry links created" if linked.created else "registry links unchanged")
