"""Artifact types from where a DVC project declares its outputs (``dvc.yaml``).

``dvc.lock`` lists every output of a stage under ``outs``; only ``dvc.yaml`` says which of
them are metrics or plots, and its top-level ``artifacts`` section gives an output a type
(``type: model``). The rule, most explicit first:

1. a path of the top-level ``artifacts`` section: its ``type`` (``model``, ``data``, ...);
2. the top-level ``metrics`` and ``plots`` lists: ``metrics``, ``plots``;
3. a stage's ``metrics`` and ``plots``: ``metrics``, ``plots``;
4. any other output: ``dataset``; a dep that no stage writes: ``code`` for source files
   (by extension), else ``dataset``.

File-name words ("model", "score") decide nothing. Templated entries (``foreach``,
``matrix``, ``${...}``) are not expanded: their outputs fall under rule 4.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from lineage_desktop.interop.extras import require

OUTS, DEP = "dataset", "dataset"
_CODE = {".py", ".r", ".sh", ".ipynb", ".scala", ".jl", ".java", ".js", ".ts", ".go", ".rs",
         ".c", ".cpp", ".sql", ".m"}
_TYPE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_SECTIONS = (("metrics", "metrics"), ("plots", "plots"))


@dataclass(frozen=True, slots=True)
class Declarations:
    """What one ``dvc.yaml`` declares: ``{path: type}`` per stage and for the project.

    Paths are normalised and relative to the ``dvc.yaml``'s folder, as in ``dvc.lock``.
    """

    stages: dict[str, dict[str, str]] = field(default_factory=dict)
    project: dict[str, str] = field(default_factory=dict)
    artifacts: dict[str, str] = field(default_factory=dict)

    def out_type(self, stage: str, path: str) -> str:
        """The type of output ``path`` (relative to the lock file) of ``stage``."""
        path = posixpath.normpath(path)
        if path in self.artifacts:
            return self.artifacts[path]
        # A foreach/matrix stage is locked as "name@key"; its body is a template.
        declared = self.stages.get(stage) or self.stages.get(stage.split("@")[0], {})
        if path in self.project:  # a stage's plain out that the top-level plots name
            return self.project[path]
        kind = declared.get(path, OUTS)
        if kind != OUTS:
            return kind
        # A folder out holding files that the top-level plots (or metrics) name.
        return next((k for named, k in self.project.items() if named.startswith(path + "/")),
                    OUTS)


def dep_type(path: str) -> str:
    """The type of a dep that no stage writes: source code by extension, else data."""
    return "code" if posixpath.splitext(path.lower())[1] in _CODE else DEP


def _paths(items: Any) -> list[str]:
    """The paths of a ``dvc.yaml`` list: strings, or one-key mappings ``{path: options}``."""
    found = []
    for item in items if isinstance(items, list) else []:
        keys = [item] if isinstance(item, str) else list(item) if isinstance(item, dict) else []
        found.extend(k for k in keys if isinstance(k, str) and "${" not in k)
    return [posixpath.normpath(k) for k in found if k.strip()]


def _stage(body: Any) -> dict[str, str]:
    if not isinstance(body, dict):
        return {}
    declared = {path: OUTS for path in _paths(body.get("outs"))}
    for section, kind in _SECTIONS:
        declared.update((path, kind) for path in _paths(body.get(section)))
    return declared


def _artifacts(section: Any) -> dict[str, str]:
    found = {}
    for body in section.values() if isinstance(section, dict) else []:
        if not isinstance(body, dict) or not isinstance(body.get("path"), str):
            continue
        kind = body.get("type")
        found[posixpath.normpath(body["path"])] = (
            kind if isinstance(kind, str) and _TYPE.match(kind) else OUTS)
    return found


def parse_dvc_yaml(text: str | None) -> Declarations:
    """The declarations of a ``dvc.yaml``; none for a missing or unreadable file (the
    lock file alone is importable, its outputs are then all ``dataset``)."""
    if not text:
        return Declarations()
    yaml = require("yaml", "reading dvc.yaml")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return Declarations()
    if not isinstance(data, dict):
        return Declarations()
    stages = data.get("stages")
    project = {path: kind for section, kind in _SECTIONS
               for path in _paths(data.get(section))}
    return Declarations(
        {str(name): _stage(body) for name, body in stages.items()}
        if isinstance(stages, dict) else {},
        project, _artifacts(data.get("artifacts")))
