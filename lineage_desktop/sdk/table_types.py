"""W&B's column types for ``Table``: each column has a kind that its first non-None value
fixes (or ``dtype`` sets), and a row whose cell is of another kind is refused with
``TypeError`` ("Data row contained incompatible types"), as ``wandb.Table`` does.

The kinds are W&B's for plain values: ``number`` (int and float alike), ``string``,
``boolean``, ``list``, ``dict``; ``unknown`` until a column sees its first value; ``any``
for ``allow_mixed_types=True``. ``optional`` (the default) lets a column hold None.
W&B also types the elements of lists and the keys of dicts; here a list is a list and a
dict a dict. Types are written beside the data (``column_types``, in W&B's JSON shape) so
that a table read back keeps them.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lineage_desktop.records.validation import shown

NUMBER, STRING, BOOLEAN, LIST, DICT = "number", "string", "boolean", "list", "dict"
UNKNOWN, ANY = "unknown", "any"
_WB_NAMES = {NUMBER: "number", STRING: "string", BOOLEAN: "boolean", LIST: "list",
             DICT: "dictionary", UNKNOWN: "unknown", ANY: "any"}
_KINDS_OF_WB = {wb: kind for kind, wb in _WB_NAMES.items()}
_DTYPES: dict[Any, str] = {int: NUMBER, float: NUMBER, str: STRING, bool: BOOLEAN,
                           list: LIST, tuple: LIST, dict: DICT, None: UNKNOWN}


class IncompatibleTableTypes(TypeError):
    """A cell whose kind is not its column's (W&B raises ``TypeError`` here too)."""


def kind_of(value: Any) -> str | None:
    """The kind of a cell; None for None."""
    if value is None:
        return None
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays
    if callable(tolist) and not isinstance(value, (list, tuple, dict, str)):
        return kind_of(tolist())
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, (list, tuple)):
        return LIST
    if isinstance(value, dict):
        return DICT
    return type(value).__name__


def kind_of_dtype(dtype: Any) -> str:
    """The kind a ``dtype`` names: a Python class (``int``, ``str``...), a kind's name, or
    an example value."""
    if isinstance(dtype, str) and dtype in _WB_NAMES:
        return dtype
    if dtype is None or isinstance(dtype, type):
        if dtype in _DTYPES:
            return _DTYPES[dtype]
    elif kind_of(dtype) in _WB_NAMES:
        return str(kind_of(dtype))
    raise IncompatibleTableTypes(
        f"column type {shown(dtype)} is not supported offline: use int, float, str, bool, "
        "list, dict or None (media types are not supported offline)")


@dataclass(frozen=True)
class ColumnType:
    kind: str = UNKNOWN
    optional: bool = True

    def accepts(self, value: Any) -> ColumnType | None:
        """The column's type after holding ``value``, or None when it cannot hold it."""
        kind = kind_of(value)
        if kind is None:
            return self if self.optional or self.kind == ANY else None
        if self.kind in (ANY, kind):
            return self
        if self.kind == UNKNOWN:
            return ColumnType(kind, self.optional)
        return None

    def __str__(self) -> str:
        return f"{self.kind} or None" if self.optional and self.kind != ANY else self.kind

    def to_json(self) -> dict[str, Any]:
        """W&B's shape: ``{"wb_type": kind}``, in a union with ``none`` when optional."""
        plain = {"wb_type": _WB_NAMES[self.kind]}
        if not self.optional or self.kind == ANY:
            return plain
        return {"wb_type": "union", "params": {"allowed_types": [{"wb_type": "none"}, plain]}}

    @classmethod
    def from_json(cls, data: Any) -> ColumnType | None:
        """The type stored in W&B's shape; None for one this module does not know (the
        column is then read as ``any``: stored data is what it is)."""
        if not isinstance(data, dict):
            return None
        name = data.get("wb_type")
        if name == "union":
            params = data.get("params")
            allowed = params.get("allowed_types") if isinstance(params, dict) else None
            if not isinstance(allowed, list):
                return None
            others = [t for t in allowed if not (isinstance(t, dict)
                                                 and t.get("wb_type") == "none")]
            inner = cls.from_json(others[0]) if len(others) == 1 else None
            return None if inner is None else ColumnType(inner.kind, True)
        kind = _KINDS_OF_WB.get(name) if isinstance(name, str) else None
        return None if kind is None else ColumnType(kind, optional=False)


def per_column(value: Any, count: int, what: str) -> list[Any]:
    """W&B's rule: one value for every column, or a list with one per column."""
    if isinstance(value, list):
        if len(value) != count:
            raise IncompatibleTableTypes(f"{what} lists {len(value)} values for {count} columns")
        return value
    return [value] * count


def check_row(types: Sequence[ColumnType], columns: Sequence[Any],
              row: Sequence[Any]) -> list[ColumnType]:
    """The columns' types after ``row``; ``IncompatibleTableTypes`` naming every cell that
    does not fit (nothing changes then)."""
    updated, wrong = [], []
    for column, current, value in zip(columns, types, row, strict=True):
        after = current.accepts(value)
        if after is None:
            wrong.append(f"column {shown(column)} holds {current}, not "
                         f"{kind_of(value) or 'None'} ({shown(value)})")
            after = current
        updated.append(after)
    if wrong:
        raise IncompatibleTableTypes("Data row contained incompatible types: "
                                     + "; ".join(wrong)
                                     + " (pass allow_mixed_types=True to allow this)")
    return updated
