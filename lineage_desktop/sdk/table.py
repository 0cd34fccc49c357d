"""``Table``: W&B's ``wandb.Table`` of rows and named columns, kept in an artifact as
the JSON file ``<name>.table.json`` (W&B's ``{"_type": "table", "columns": ..., "data":
...}`` form) by ``artifact.add(table, name)`` and read back by ``artifact.get(name)``.

Cells must be JSON values: numbers, strings, booleans, None, lists and dicts of them
(numpy values by their ``tolist()``). NaN and infinities are refused when the table is
written (``InvalidTable``), as the SDK refuses them in metadata: W&B writes them as the
non-standard ``NaN`` token, which strict JSON readers reject. Column types (``dtype``,
``optional``, ``allow_mixed_types``, ``cast``) follow W&B's rules: see ``table_types``.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import math
from collections.abc import Iterator, Sequence
from typing import Any

from lineage_desktop.records import ValidationError
from lineage_desktop.records.validation import shown
from lineage_desktop.sdk.table_types import (
    ANY,
    ColumnType,
    IncompatibleTableTypes,
    check_row,
    kind_of_dtype,
    per_column,
)

__all__ = ["SUFFIX", "IncompatibleTableTypes", "InvalidTable", "Table", "read_table",
           "table_from_json", "table_name"]

SUFFIX = ".table.json"  # W&B's ``Table.with_suffix``: the type name, then ``.json``
_LOG_TYPE = "table"
_DEFAULT_COLUMNS = ["Input", "Output", "Expected"]  # W&B's default, kept for its code
_MAX_DEPTH = 100


class InvalidTable(ValidationError):
    """A table's row, column or cell cannot be stored, or a stored table is malformed."""


def table_name(name: str) -> str:
    """The entry path of the table added as ``name`` (W&B's ``with_suffix``)."""
    return name if name.endswith(SUFFIX) else name + SUFFIX


def _rows(data: object) -> list[list[Any]]:
    tolist = getattr(data, "tolist", None)  # a numpy array of rows
    if callable(tolist):
        data = tolist()
    if not isinstance(data, (list, tuple)):
        raise InvalidTable(f"table data must be a list of rows, not {type(data).__name__}")
    rows = []
    for index, row in enumerate(data):
        listed = getattr(row, "tolist", None)
        row = listed() if callable(listed) else row
        if not isinstance(row, (list, tuple)):
            raise InvalidTable(f"table row {index} must be a list, not {type(row).__name__}")
        rows.append(list(row))
    return rows


class Table:
    """Rows of data under named columns (W&B's ``wandb.Table``)."""

    def __init__(self, columns: Sequence[Any] | None = None, data: object = None,
                 rows: object = None, dataframe: object = None, dtype: object = None,
                 optional: object = True, allow_mixed_types: bool = False) -> None:
        if dataframe is not None or type(data).__name__ == "DataFrame":
            frame: Any = dataframe if dataframe is not None else data
            if importlib.util.find_spec("pandas") is None:
                raise InvalidTable("Table(dataframe=...) needs pandas, which is not "
                                   "installed; pass columns= and data= instead")
            # As W&B: the frame's own columns, its rows as lists.
            self.columns: list[Any] = [str(c) for c in frame.columns]
            given_rows = _rows(frame.values)
        else:
            self.columns = list(columns) if columns is not None else list(_DEFAULT_COLUMNS)
            given = data if data is not None else rows
            given_rows = _rows(given) if given is not None else []
        if len(set(map(repr, self.columns))) != len(self.columns):
            raise InvalidTable(f"table columns {self.columns!r} repeat a name")
        # W&B: allow_mixed_types makes every column ``any``; otherwise each column starts
        # as ``dtype`` (unknown when None) and rows are added one by one, as by add_data.
        count = len(self.columns)
        kinds = [ANY] * count if allow_mixed_types else [
            kind_of_dtype(d) for d in per_column(dtype, count, "dtype")]
        self._types = [ColumnType(kind, bool(opt)) for kind, opt in
                       zip(kinds, per_column(optional, count, "optional"), strict=True)]
        self.data: list[list[Any]] = []
        for index, row in enumerate(given_rows):
            self._append(row, f"row {index}")

    def _append(self, row: Sequence[Any], what: str) -> None:
        self._check_width(row, what)
        self._types = check_row(self._types, self.columns, row)
        self.data.append(list(row))

    @property
    def column_types(self) -> dict[Any, str]:
        """Each column's type, as text (``number``, ``string or None``, ``any``...)."""
        return {column: str(kind) for column, kind in zip(self.columns, self._types,
                                                           strict=True)}

    def cast(self, col_name: Any, dtype: Any, optional: bool = False) -> str:
        """Give a column a type (W&B's ``Table.cast``): its cells must fit, else
        ``TypeError`` and nothing changes. Returns the new type as text."""
        if col_name not in self.columns:
            raise LookupError(f"table has no column {shown(col_name)}; it has {self.columns!r}")
        index = self.columns.index(col_name)
        kind = ColumnType(kind_of_dtype(dtype), optional)
        for row in self.data:
            after = kind.accepts(row[index])
            if after is None:
                raise IncompatibleTableTypes(
                    f"existing data {shown(row[index])} of column {shown(col_name)} cannot "
                    f"be cast to {kind}")
            kind = after
        self._types[index] = kind
        return str(kind)

    def _check_width(self, row: Sequence[Any], what: str) -> None:
        # W&B's message: "This table expects N columns: [...], found M".
        if len(row) != len(self.columns):
            raise InvalidTable(f"this table expects {len(self.columns)} columns: "
                               f"{self.columns}, found {len(row)} in {what}")

    def __repr__(self) -> str:
        return f"<Table columns={self.columns!r} rows={len(self.data)}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        return self.columns == other.columns and self.data == other.data

    __hash__ = None  # type: ignore[assignment]  # mutable, like W&B's

    def add_data(self, *data: Any) -> None:
        """Append one row: one value for each column, each of its column's type
        (``TypeError`` otherwise, and nothing is added)."""
        self._append(data, "the new row")

    def add_row(self, *row: Any) -> None:
        """W&B's deprecated alias of ``add_data``."""
        self.add_data(*row)

    def add_column(self, name: Any, data: Sequence[Any], optional: bool = False) -> None:
        """Add a column: one value for each row (any length for a table of no columns),
        all of one type, as W&B's (``TypeError`` otherwise, and nothing is added)."""
        if not isinstance(name, str) or name in self.columns:
            raise InvalidTable(f"column name {shown(name)} must be a new string")
        values = _rows([data])[0]
        if self.columns and len(values) != len(self.data):
            raise InvalidTable(f"column {name!r} has {len(values)} values; the table has "
                               f"{len(self.data)} rows")
        kind = ColumnType(optional=optional)
        for value in values:
            after = kind.accepts(value)
            if after is None:
                raise IncompatibleTableTypes(f"column {shown(name)} mixes {kind} with "
                                             f"{shown(value)}")
            kind = after
        self._types.append(kind)
        if not self.columns:
            self.data = [[] for _ in values]
        for row, value in zip(self.data, values, strict=True):
            row.append(value)
        self.columns.append(name)

    def get_column(self, name: Any, convert_to: str | None = None) -> Any:
        """The values of column ``name`` (``convert_to="numpy"``: as a numpy array)."""
        if name not in self.columns:
            raise LookupError(f"table has no column {shown(name)}; it has {self.columns!r}")
        index = self.columns.index(name)
        column = [row[index] for row in self.data]
        if convert_to is None:
            return column
        if convert_to != "numpy":
            raise InvalidTable(f"invalid convert_to {convert_to!r}: use 'numpy' or None")
        import numpy  # only when asked for: numpy is optional

        return numpy.array(column)

    def iterrows(self) -> Iterator[tuple[int, list[Any]]]:
        """``(index, row)`` for each row, in order (W&B's ``iterrows``)."""
        yield from enumerate(self.data)

    def to_json(self, artifact: object = None) -> dict[str, Any]:
        """W&B's JSON form; cells checked to be finite JSON values (``InvalidTable``)."""
        del artifact
        data = [[_cell(value, f"row {r}, column {self.columns[c]!r}", 0)
                 for c, value in enumerate(row)] for r, row in enumerate(self.data)]
        types = {"wb_type": "typedDict", "params": {"type_map": {
            str(column): kind.to_json() for column, kind in zip(self.columns, self._types,
                                                                 strict=True)}}}
        return {"_type": _LOG_TYPE, "columns": list(self.columns), "data": data,
                "ncols": len(self.columns), "nrows": len(data), "column_types": types}

    def _to_history_json(self) -> dict[str, Any]:
        # run.log keeps NaN (history rows do), so only the shape is W&B's here.
        return {"_type": _LOG_TYPE, "columns": list(self.columns),
                "data": [list(row) for row in self.data]}

    @classmethod
    def from_json(cls, json_obj: object, source_artifact: object = None) -> Table:
        """A table from W&B's JSON form (see ``table_from_json``)."""
        del source_artifact
        return table_from_json(json_obj, "table")


def _cell(value: Any, where: str, depth: int) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidTable(f"table cell at {where} is {value!r}, which JSON cannot hold; "
                               "store None or a string instead")
        return value
    if depth >= _MAX_DEPTH:
        raise InvalidTable(f"table cell at {where} nests more than {_MAX_DEPTH} levels")
    if isinstance(value, (list, tuple)):
        return [_cell(item, where, depth + 1) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise InvalidTable(f"table cell at {where} has a key that is not a string")
        return {key: _cell(item, where, depth + 1) for key, item in value.items()}
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays
    if callable(tolist):
        return _cell(tolist(), where, depth + 1)
    raise InvalidTable(f"table cell at {where} is a {type(value).__name__}, not a number, "
                       "string, list or dict (media types are not supported offline)")


def table_from_json(json_obj: object, where: str) -> Table:
    """A ``Table`` from W&B's JSON form, read from a store and so untrusted: a dict of
    ``_type`` ``"table"``, a list of ``columns`` and a list of rows of that width."""
    if not isinstance(json_obj, dict) or json_obj.get("_type") != _LOG_TYPE:
        raise InvalidTable(f"{where} is not a W&B table (no '_type': 'table')")
    columns, data = json_obj.get("columns"), json_obj.get("data")
    if not isinstance(columns, list) or not isinstance(data, list):
        raise InvalidTable(f"{where} has no list of 'columns' and of 'data'")
    if json_obj.get("log_mode", "IMMUTABLE") != "IMMUTABLE":
        raise InvalidTable(f"{where} is an incremental table, which is not supported offline")
    try:
        table = Table(columns=columns, data=data, allow_mixed_types=True)
    except InvalidTable as error:
        raise InvalidTable(f"{where} is malformed: {error}") from None
    # The stored types, where they are W&B's plain ones and the data fits them; else
    # ``any``: a stored table is read as it is, never refused for its types.
    stored = json_obj.get("column_types")
    params = stored.get("params") if isinstance(stored, dict) else None
    type_map = params.get("type_map") if isinstance(params, dict) else None
    if isinstance(type_map, dict):
        for column in table.columns:
            kind = ColumnType.from_json(type_map.get(str(column)))
            if kind is not None:
                with contextlib.suppress(IncompatibleTableTypes):  # stays ``any``
                    table.cast(column, kind.kind, kind.optional)
    return table


def read_table(raw: bytes, where: str) -> Table:
    """Parse a stored ``.table.json`` file's bytes (``where`` names it in refusals)."""
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise InvalidTable(f"{where} is not valid JSON: {error}") from None
    return table_from_json(parsed, where)
