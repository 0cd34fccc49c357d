"""Diff of two runs: config and summary keys added, removed and changed, the job type and
state, and the versions each used and logged (which inputs and outputs differ)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lineage_desktop.audit.diff import KeyChanges, key_changes
from lineage_desktop.sdk.api import Api
from lineage_desktop.sdk.api_run import ApiRun

# Keys every run's summary holds with values of its own: not a difference between runs.
_CLOCK_KEYS = frozenset({"_runtime", "_timestamp", "_wandb"})


@dataclass(frozen=True)
class RunDiff:
    """What differs from run ``a`` to run ``b`` (``a``/``b`` are ``name (run:<id>)``)."""

    a: str
    b: str
    config: KeyChanges
    summary: KeyChanges
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # job_type, state...
    inputs_only_a: list[str] = field(default_factory=list)
    inputs_only_b: list[str] = field(default_factory=list)
    outputs_only_a: list[str] = field(default_factory=list)
    outputs_only_b: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not (self.config or self.summary or self.fields or self.inputs_only_a
                    or self.inputs_only_b or self.outputs_only_a or self.outputs_only_b)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "runs", "a": self.a, "b": self.b, "identical": self.identical,
            "fields": {k: {"old": o, "new": n} for k, (o, n) in self.fields.items()},
            "config": self.config.to_json(), "summary": self.summary.to_json(),
            "inputs": {"only_a": self.inputs_only_a, "only_b": self.inputs_only_b},
            "outputs": {"only_a": self.outputs_only_a, "only_b": self.outputs_only_b},
        }


def _labels(artifacts: list[Any]) -> set[str]:
    return {f"{a.record.name}:{a.record.version}" for a in artifacts}


def _summary(run: ApiRun) -> dict[str, Any]:
    return {k: v for k, v in run.summary.items() if k not in _CLOCK_KEYS}


def diff_runs(api: Api, a_ref: str, b_ref: str) -> RunDiff:
    """Compare two runs (``run:<id>``, a run id or ``entity/project/id``)."""
    a, b = api.run(a_ref), api.run(b_ref)
    ra, rb = a.record, b.record
    fields = {name: (getattr(ra, name), getattr(rb, name))
              for name in ("job_type", "state", "group", "entity", "project")
              if getattr(ra, name) != getattr(rb, name)}
    ins_a, ins_b = _labels(a.used_artifacts()), _labels(b.used_artifacts())
    outs_a, outs_b = _labels(a.logged_artifacts()), _labels(b.logged_artifacts())
    return RunDiff(
        a=f"{ra.name} (run:{ra.id})", b=f"{rb.name} (run:{rb.id})",
        config=key_changes(ra.config, rb.config), summary=key_changes(_summary(a), _summary(b)),
        fields=fields,
        inputs_only_a=sorted(ins_a - ins_b), inputs_only_b=sorted(ins_b - ins_a),
        outputs_only_a=sorted(outs_a - outs_b), outputs_only_b=sorted(outs_b - outs_a))
