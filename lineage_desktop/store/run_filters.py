"""W&B's MongoDB-style run filters and orders (``Api.runs(path, filters, order)``) as SQL.

W&B sends the filter to its server; here it becomes one ``WHERE`` over ``runs r``:
``{"config.lr": {"$gt": 0.01}}``, ``{"summary_metrics.acc": 0.9}``, ``{"state":
"finished"}``, ``{"display_name": {"$regex": "^base"}}``, ``{"$or": [...]}``. Config
and summary keys are read with ``json_extract``, so nested keys (``config.opt.name``)
work and a missing key is NULL (never equal to anything, as on W&B's server).
Everything is checked first: an unknown operator or field is a ``ValueError`` naming it,
never a filter silently ignored.
"""
from __future__ import annotations

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


def _column(field: object) -> str:
    if not isinstance(field, str) or not field:
        raise InvalidRunFilter(f"invalid run filter field {field!r}")
    if field in _COLUMNS:
        return _COLUMNS[field]
    head, _, rest = field.partition(".")
    if head in _JSON_FIELDS and rest:
        parts = rest.split(".")
        if not all(_KEY.match(part) for part in parts):
            raise InvalidRunFilter(f"invalid run filter field {field!r}")
        path = "$" + "".join(f'."{part}"' for part in parts)
        return f"json_extract({_JSON_FIELDS[head]}, '{path.replace(chr(39), chr(39) * 2)}')"
    if field == "tags":
        return "r.tags"
    known = ", ".join([*_COLUMNS, "config.<key>", "summary_metrics.<key>", "tags"])
    raise InvalidRunFilter(f"unknown run filter field {field!r}; known: {known}")


def _value(value: object, field: str) -> object:
    if isinstance(value, bool):
        return int(value)
    if value is None or isinstance(value, (int, float, str)):
        return value
    raise InvalidRunFilter(f"run filter on {field!r}: cannot compare with {value!r}")


def _condition(field: str, spec: Any, params: list[object]) -> str:
    column = _column(field)
    if field == "tags":
        return _tags(spec, params)
    if not isinstance(spec, dict):
        params.append(_value(spec, field))
        return f"{column} IS ?" if spec is None else f"{column} = ?"
    parts = []
    for op, operand in spec.items():
        if op in _COMPARE:
            params.append(_value(operand, field))
            parts.append(f"({column} {_COMPARE[op]} ?)" if op != "$eq"
                         else f"({column} IS ?)")
        elif op in ("$in", "$nin"):
            if not isinstance(operand, (list, tuple)):
                raise InvalidRunFilter(f"run filter {op} on {field!r} needs a list")
            params.extend(_value(item, field) for item in operand)
            marks = ", ".join("?" * len(operand)) or "NULL"
            parts.append(f"({column} {'IN' if op == '$in' else 'NOT IN'} ({marks}))")
        elif op == "$regex":
            if not isinstance(operand, str):
                raise InvalidRunFilter(f"run filter $regex on {field!r} needs a string")
            try:
                re.compile(operand)
            except re.error as exc:
                raise InvalidRunFilter(f"run filter $regex {operand!r}: {exc}") from None
            params.append(operand)
            parts.append(f"({column} REGEXP ?)")
        elif op == "$exists":
            parts.append(f"({column} IS {'NOT ' if operand else ''}NULL)")
        elif op == "$not":
            parts.append(f"NOT coalesce({_condition(field, operand, params)}, 0)")
        else:
            raise InvalidRunFilter(f"unknown run filter operator {op!r} on {field!r}")
    return " AND ".join(parts) or "1"


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
            found = " OR ".join([member] * len(tags)) or "0"
            params.extend(tags)
            parts.append(f"({found})" if op == "$in" else f"NOT ({found})")
        return " AND ".join(parts) or "1"
    raise InvalidRunFilter(f"run filter on tags: use a tag or {{'$in': [...]}}, not {spec!r}")


def filter_sql(filters: object, params: list[object]) -> str:
    """The SQL condition of a W&B filter document (appending its parameters)."""
    if filters is None:
        return "1"
    if not isinstance(filters, dict):
        raise InvalidRunFilter(f"run filters must be a dict, not {filters!r}")
    parts = []
    for key, value in filters.items():
        if key in ("$and", "$or", "$nor"):
            if not isinstance(value, (list, tuple)) or not value:
                raise InvalidRunFilter(f"run filter {key} needs a non-empty list")
            inner = [f"coalesce({filter_sql(item, params)}, 0)" for item in value]
            joined = (" AND " if key == "$and" else " OR ").join(inner)
            parts.append(f"NOT ({joined})" if key == "$nor" else f"({joined})")
        elif isinstance(key, str) and key.startswith("$"):
            raise InvalidRunFilter(f"unknown run filter operator {key!r}")
        else:
            parts.append(f"coalesce({_condition(key, value, params)}, 0)")
    return " AND ".join(parts) or "1"


def order_sql(order: str) -> str:
    """W&B's ``order`` (``"+created_at"``, ``"-summary_metrics.loss"``, ``"config.lr"``)
    as ORDER BY, with the run's rowid as the tie-breaker (a stable paging order)."""
    if not isinstance(order, str) or not order.strip("+-"):
        raise InvalidRunFilter(f"invalid run order {order!r}")
    direction = "DESC" if order.startswith("-") else "ASC"
    column = _column(order.lstrip("+-"))
    return f"{column} {direction}, r.rowid {direction}"
