"""Validation of OpenLineage events against the vendored specification (no network).

Every event is checked against ``OpenLineage.json`` (RunEvent, DatasetEvent or JobEvent,
as its ``schemaURL`` says), and every facet it carries whose key or ``_schemaURL`` is a
standard facet against that facet's own schema file.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
from referencing import Registry, Resource

SPEC_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "interop" / "openlineage-spec"
FACETS_URL = "https://openlineage.io/spec/facets/"


def _checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        return not isinstance(value, str) or datetime.fromisoformat(
            value.replace("Z", "+00:00")).tzinfo is not None

    @checker.checks("uri", raises=ValueError)
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or bool(urlsplit(value).scheme)

    @checker.checks("uuid", raises=ValueError)
    def _uuid(value: object) -> bool:
        return not isinstance(value, str) or bool(uuid.UUID(value))

    return checker


KINDS = ("InputDatasetFacet", "OutputDatasetFacet", "DatasetFacet", "RunFacet", "JobFacet")


def _kind(schema: dict[str, Any], name: str) -> str | None:
    """The base facet (``RunFacet``...) that a facet file's own definition extends."""
    main = json.dumps(schema["$defs"].get(name, {}))
    return next((kind for kind in KINDS if f'$defs/{kind}"' in main), None)


@cache
def _schemas() -> tuple[Registry, dict[str, dict[str, Any]], dict[tuple[str, str], str]]:
    """The registry of every schema by ``$id``, the facet files by name (``ParentRunFacet``)
    and the facet file that defines each standard facet, by kind and key
    (``("RunFacet", "parent")``)."""
    resources, by_name, by_key = [], {}, {}
    for path in [SPEC_DIR / "OpenLineage.json", *sorted((SPEC_DIR / "facets").glob("*.json"))]:
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
        if path.parent.name == "facets":
            by_name[path.stem] = schema
            kind = _kind(schema, path.stem)
            for key in schema.get("properties", {}):
                if kind is not None:
                    by_key[(kind, key)] = path.stem
    return Registry().with_resources(resources), by_name, by_key


def standard_facets() -> dict[tuple[str, str], str]:
    """``(kind, key) -> "<version>/<File>.json#/$defs/<Def>"`` of the vendored spec."""
    _, by_name, by_key = _schemas()
    return {place: f"{by_name[name]['$id'].split('/facets/')[1]}#/$defs/{name}"
            for place, name in by_key.items()}


def _validate(instance: Any, schema: dict[str, Any]) -> None:
    registry = _schemas()[0]
    jsonschema.Draft202012Validator(schema, registry=registry,
                                    format_checker=_checker()).validate(instance)


def _facet_schema(url: str) -> tuple[str, str] | None:
    """(file name, definition) of a standard facet's ``_schemaURL``."""
    if not url.startswith(FACETS_URL):
        return None
    path, _, fragment = url.partition("#")
    name = path.rsplit("/", 1)[-1].removesuffix(".json")
    return name, fragment.rsplit("/", 1)[-1] or name


def validate_facets(facets: dict[str, Any], kind: str, where: str) -> None:
    _, by_name, by_key = _schemas()
    for key, facet in facets.items():
        assert isinstance(facet, dict), f"{where}.{key} is not an object"
        if (kind, key) in by_key:  # a standard key: the facet its file defines
            schema = by_name[by_key[(kind, key)]]
            _validate({key: facet}, {"$ref": schema["$id"]})
        found = _facet_schema(str(facet.get("_schemaURL", "")))
        if found is not None:
            name, definition = found
            assert name in by_name, f"{where}.{key}: unknown standard facet {name}"
            _validate(facet, {"$ref": f"{by_name[name]['$id']}#/$defs/{definition}"})


def validate_event(event: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` (or AssertionError) unless ``event`` is valid."""
    registry, _, _ = _schemas()
    base = registry.contents("https://openlineage.io/spec/2-0-2/OpenLineage.json")["$id"]
    kind = str(event.get("schemaURL", "")).rpartition("/")[2] or "RunEvent"
    assert kind in ("RunEvent", "DatasetEvent", "JobEvent"), event.get("schemaURL")
    _validate(event, {"$ref": f"{base}#/$defs/{kind}"})
    parts = [("run", "RunFacet", event.get("run")), ("job", "JobFacet", event.get("job")),
             ("dataset", "DatasetFacet", event.get("dataset"))]
    for label, kind, part in parts:
        if isinstance(part, dict):
            validate_facets(part.get("facets") or {}, kind, label)
    for key, io_key, io_kind in (("inputs", "inputFacets", "InputDatasetFacet"),
                                 ("outputs", "outputFacets", "OutputDatasetFacet")):
        for index, item in enumerate(event.get(key) or ()):
            validate_facets(item.get("facets") or {}, "DatasetFacet", f"{key}[{index}]")
            validate_facets(item.get(io_key) or {}, io_kind, f"{key}[{index}].{io_key}")
