"""W&B's MongoDB-style run filters and orders (``Api.runs(path, filters, order)``) as SQL.

W&B sends the filter to its server; here it becomes one ``WHERE`` over ``runs r``:
``{"config.lr": {"$gt": 0.01}}``, ``{"summary_metrics.acc": 0.9}``, ``{"state":
"finished"}``, ``{"display_name": {"$regex": "^base"}}``, ``{"$or": [...]}``. Config
and summary keys are read with ``json_extract``, so nested keys (``config.opt.name``)
work and a missing key is NULL (never equal to anything, as on W&B's server). On a team
store (PostgreSQL) they are read as ``jsonb`` and compared with ``jsonb`` values, which
order numbers as numbers and strings as strings, as SQLite's typed values do.
Everything is checked first: an unknown operator or field is a ``ValueError`` naming it,
never a filter silently ignored.
"""
from __future__ import annotations

import json
import re
from typing import Any

from lineage_desktop.records import ValidationError

__all__ = ["InvalidRunFilter", "filter_sql", "order_sql", "regexp"]

# W&B's field names (and their GraphQL spellings) -> the column.
_COLUMNS = {
    "state": "r.state", "display_name": "r.name", "displayName": "r.name",
    "name": "r.id", "id": "r.id", "jobType": "r.job_type", "job_type": "r.job_type",
    "group": "r.group_name", "created_at": "r.started_at", "createdAt": "r.started_at",
    "heartbeat_at": "coalesce(r.finished_at, r.started_at)",
    "username": "r.author", "user": "r.author", "host": "r.host", "notes": "r.notes",
}
_JSON_FIELDS = {"config": "r.config", "summary_metrics": "r.summary", "summary": "r.summary"}
_COMPARE = {"$eq": "=", "$ne": "IS NOT", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
_KEY = re.compile(r"^[^\x00-\x1f\"]{1,200}$")


class InvalidRunFilter(ValidationError):
    """A run filter or order that W&B's syntax does not allow (named in the message)."""


def regexp(pattern: str, value: object) -> bool:
    """SQLite's ``REGEXP`` (``$regex``): Python's ``re.search``, as W&B's server matches."""
    return value is not None and re.search(pattern, str(value)) is not None


def _column(field: object, pg: bool = False) -> str:
    if not isinstance(field, str) or not field:
        raise InvalidRunFilter(f"invalid run filter field {field!r}")
    if field in _COLUMNS:
        return _COLUMNS[field]
    head, _, rest = field.partition(".")
    if head in _JSON_FIELDS and rest:
        parts = rest.split(".")
        if not all(_KEY.match(part) for part in parts):
            raise InvalidRunFilter(f"invalid run filter field {field!r}")
        if pg:
            keys = ",".join('"' + part.replace("\\", "\\\\") + '"' for part in parts)
            return f"(({_JSON_FIELDS[head]})::jsonb #> '{{{keys.replace(chr(39), chr(39) * 2)}}}')"
        path = "$" + "".join(f'."{part}"' for part in parts)
        return f"json_extract({_JSON_FIELDS[head]}, '{path.replace(chr(39), chr(39) * 2)}')"
    if field == "tags":
        return "r.tags"
    known = ", ".join([*_COLUMNS, "config.<key>", "summary_metrics.<key>", "tags"])
    raise InvalidRunFilter(f"unknown run filter field {field!r}; known: {known}")


def _value(value: object, field: str, as_json: bool = False) -> object:
    if as_json:  # compared with a ``jsonb`` cell (a team store's config or summary)
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise InvalidRunFilter(f"run filter on {field!r}: cannot compare with {value!r}")
        return None if value is None else json.dumps(value)
    if isinstance(value, bool):
        return int(value)
    if value is None or isinstance(value, (int, float, str)):
        return value
    raise InvalidRunFilter(f"run filter on {field!r}: cannot compare with {value!r}")


def _condition(field: str, spec: Any, params: list[object], pg: bool) -> str:
    column = _column(field, pg)
    if field == "tags":
        return _tags(spec, params)
    as_json = pg and field.partition(".")[0] in _JSON_FIELDS  # a jsonb key (PostgreSQL)
    mark = "CAST(? AS jsonb)" if as_json else "?"
    if not isinstance(spec, dict):
        params.append(_value(spec, field, as_json))
        return f"{column} IS {mark}" if spec is None else f"{column} = {mark}"
    parts = []
    for op, operand in spec.items():
        if op in _COMPARE:
            params.append(_value(operand, field, as_json))
            parts.append(f"({column} {_COMPARE[op]} {mark})" if op != "$eq"
                         else f"({column} IS {mark})")
        elif op in ("$in", "$nin"):
            if not isinstance(operand, (list, tuple)):
                raise InvalidRunFilter(f"run filter {op} on {field!r} needs a list")
            params.extend(_value(item, field, as_json) for item in operand)
            marks = ", ".join([mark] * len(operand)) or "NULL"
            parts.append(f"({column} {'IN' if op == '$in' else 'NOT IN'} ({marks}))")
        elif op == "$regex":
            if not isinstance(operand, str):
                raise InvalidRunFilter(f"run filter $regex on {field!r} needs a string")
            try:
                re.compile(operand)
            except re.error as exc:
                raise InvalidRunFilter(f"run filter $regex {operand!r}: {exc}") from None
            params.append(operand)
            text = column.replace(" #> ", " #>> ", 1)  # a JSON key's value as text
            parts.append(f"({text} REGEXP ?)")
        elif op == "$exists":
            parts.append(f"({column} IS {'NOT ' if operand else ''}NULL)")
        elif op == "$not":
            parts.append(f"NOT coalesce({_condition(field, operand, params, pg)}, FALSE)")
        else:
            raise InvalidRunFilter(f"unknown run filter operator {op!r} on {field!r}")
    return " AND ".join(parts) or "TRUE"


def _tags(spec: Any, params: list[object]) -> str:
    member = "EXISTS (SELECT 1 FROM json_each(r.tags) t WHERE t.value = ?)"
    if isinstance(spec, str):
        params.append(spec)
        return member
    if isinstance(spec, dict) and set(spec) <= {"$in", "$nin"}:
        parts = []
        for op, tags in spec.items():
            if not isinstance(tags, (list, tuple)) or not all(isinstance(t, str) for t in tags):
                raise InvalidRunFilter(f"run filter tags {op} needs a list of strings")
            found = " OR ".join([member] * len(tags)) or "FALSE"
            params.extend(tags)
            parts.append(f"({found})" if op == "$in" else f"NOT ({found})")
        return " AND ".join(parts) or "TRUE"
    raise InvalidRunFilter(f"run filter on tags: use a tag or {{'$in': [...]}}, not {spec!r}")


def filter_sql(filters: object, params: list[object], dialect: str = "sqlite") -> str:
    """The SQL condition of a W&B filter document (appending its parameters)."""
    pg = dialect == "postgresql"
    if filters is None:
        return "TRUE"
    if not isinstance(filters, dict):
        raise InvalidRunFilter(f"run filters must be a dict, not {filters!r}")
    parts = []
    for key, value in filters.items():
        if key in ("$and", "$or", "$nor"):
            if not isinstance(value, (list, tuple)) or not value:
                raise InvalidRunFilter(f"run filter {key} needs a non-empty list")
            inner = [f"coalesce({filter_sql(item, params, dialect)}, FALSE)" for item in value]
            joined = (" AND " if key == "$and" else " OR ").join(inner)
            parts.append(f"NOT ({joined})" if key == "$nor" else f"({joined})")
        elif isinstance(key, str) and key.startswith("$"):
            raise InvalidRunFilter(f"unknown run filter operator {key!r}")
        else:
            parts.append(f"coalesce({_condition(key, value, params, pg)}, FALSE)")
    return " AND ".join(parts) or "TRUE"


def order_sql(order: str, dialect: str = "sqlite") -> str:
    """W&B's ``order`` (``"+created_at"``, ``"-summary_metrics.loss"``, ``"config.lr"``)
    as ORDER BY, with the run's rowid as the tie-breaker (a stable paging order)."""
    if not isinstance(order, str) or not order.strip("+-"):
        raise InvalidRunFilter(f"invalid run order {order!r}")
    direction = "DESC" if order.startswith("-") else "ASC"
    column = _column(order.lstrip("+-"), dialect == "postgresql")
    if dialect == "postgresql":  # SQLite's order: NULL before every value
        direction += " NULLS FIRST" if direction == "ASC" else " NULLS LAST"
    return f"{column} {direction}, r.rowid {direction}"
