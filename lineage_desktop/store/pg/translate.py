"""The store's SQL, written for SQLite, as PostgreSQL runs it.

The store keeps one set of statements for both backends. What differs is spelled the
SQLite way in the store and rewritten here, once per distinct statement (cached):

- placeholders: ``?``, ``?N`` and ``:name`` become psycopg's ``%s``, in the order the
  statement uses them (``?2`` used twice is sent twice);
- a list of ids sent as one JSON parameter (``params.ids_param``): ``x IN (SELECT value
  FROM json_each(?))`` becomes ``x = ANY(%s)`` and ``json_each(?) t`` becomes
  ``unnest(%s) AS t(value)``, the parameter sent as a list (an array of its own type);
  ``json_each(column) t`` reads the JSON array in the column;
- ``INSERT OR IGNORE`` and ``INSERT OR REPLACE`` become ``ON CONFLICT`` clauses (the
  conflict target of a replace is the table's key, from ``KEYS``);
- a unary ``+`` on an ORDER BY term (SQLite's way to keep an index out) is dropped, and
  ``CROSS JOIN t ON ...`` (SQLite's way to fix the join order) is a plain ``JOIN``;
- SQLite's null-safe ``IS``/``IS NOT`` between values, case-insensitive ``LIKE``,
  ``REGEXP`` and ``LIMIT -1`` become ``IS [NOT] DISTINCT FROM``, ``ILIKE``, ``~`` and
  ``LIMIT ALL``;
- an insert into a table with an ``id`` key returns it (``RETURNING id``) so that the
  cursor has SQLite's ``lastrowid``.

Functions the store calls by their SQLite names (``json_extract``, ``json_patch``) are
defined in the PostgreSQL schema (``pg.schema``).
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# The key of each table that ``INSERT OR REPLACE`` writes: the conflict target.
KEYS: dict[str, tuple[str, ...]] = {
    "aliases": ("artifact_id", "alias"),
    "run_processes": ("run_id",),
    "run_files": ("run_id", "path"),
    "run_history": ("run_id", "step"),
    "version_tags": ("version_id", "tag"),
}
# Tables whose rows have an ``id`` the store reads back as ``lastrowid``.
ID_TABLES = frozenset({
    "projects", "artifact_types", "artifacts", "versions", "alias_history", "version_edits",
})

_LITERAL = re.compile(r"'(?:[^']|'')*'")
_MASK = "\x00{}\x00"
_UNMASK = re.compile("\x00(\\d+)\x00")
_PARAM = r"(?:\?\d*|:[A-Za-z_]\w*)"
_IN_LIST = re.compile(
    rf"\bIN\s*\(\s*SELECT\s+value\s+FROM\s+json_each\(\s*({_PARAM})\s*\)\s*\)", re.I)
_EACH_PARAM = re.compile(rf"\bjson_each\(\s*({_PARAM})\s*\)\s+(?:AS\s+)?([A-Za-z_]\w*)", re.I)
_EACH_COLUMN = re.compile(r"\bjson_each\(\s*([A-Za-z_][\w.]*)\s*\)\s+(?:AS\s+)?([A-Za-z_]\w*)",
                          re.I)
_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.I)
_OR_REPLACE = re.compile(r"\bINSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.I)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.I)
_INSERT_IDS = re.compile(r"^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+)\s*\(\s*id\s*[,)]", re.I)
_IS_NOT = re.compile(r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.I)
_IS = re.compile(r"\bIS\s+(?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.I)
_LIKE = re.compile(r"(?<![I\w])LIKE\b", re.I)
_REGEXP = re.compile(r"\bREGEXP\b", re.I)
_LIMIT_ALL = re.compile(r"\bLIMIT\s+-1\b", re.I)
# SQLite's unary ``+`` on an ORDER BY term keeps the planner off that column's index.
_UNARY_PLUS = re.compile(r"((?:ORDER|GROUP)\s+BY\s+|,\s*)\+(?=[A-Za-z_])", re.I)
_RETURNING = re.compile(r"\bRETURNING\b", re.I)
_CROSS_ON = re.compile(r"\bCROSS\s+JOIN(\s+\w+(?:\s+(?:AS\s+)?(?!ON\b)\w+)?\s+ON\b)", re.I)
_PLACEHOLDER = re.compile(r"\?(\d*)|(?<![:\w]):([A-Za-z_]\w*)")
_LIST_MARK = "\x01"  # before a placeholder whose JSON list is sent as an array


@dataclass(frozen=True)
class Statement:
    """One statement as PostgreSQL runs it, and how to order its parameters."""

    sql: str
    # Each placeholder in order: an index into positional parameters or a name.
    order: tuple[int | str, ...]
    lists: frozenset[int]  # positions in ``order`` whose JSON text is sent as a list
    id_table: bool  # an insert into an ``ID_TABLES`` table (``lastrowid`` wanted)
    # The table an ``INSERT`` writes (None: not an insert).
    inserts: str | None = None
    # An insert that gives ``id`` itself (bulk copies): its table's identity sequence
    # must then move past the ids written, as SQLite's rowid allocation does by itself.
    explicit_ids: str | None = None

    def bind(self, params: Sequence[object] | Mapping[str, object]) -> list[object]:
        """The parameters in placeholder order, JSON id lists decoded."""
        values: list[object] = []
        for position, key in enumerate(self.order):
            if isinstance(key, str):
                value = params[key] if isinstance(params, Mapping) else None
            else:
                value = (list(params.values()) if isinstance(params, Mapping) else params)[key]
            if position in self.lists and isinstance(value, str):
                value = json.loads(value)
            values.append(value)
        return values


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> Statement:
    """``sql`` (the store's SQLite dialect) for PostgreSQL."""
    literals: list[str] = []
    explicit = _INSERT_IDS.match(sql)

    def mask(match: re.Match[str]) -> str:
        literals.append(match.group(0))
        return _MASK.format(len(literals) - 1)

    text = _LITERAL.sub(mask, sql)
    text = _IN_LIST.sub(lambda m: f"= ANY({_LIST_MARK}{m.group(1)})", text)
    text = _EACH_PARAM.sub(lambda m: f"unnest({_LIST_MARK}{m.group(1)}) AS {m.group(2)}(value)",
                           text)
    text = _EACH_COLUMN.sub(
        lambda m: f"json_array_elements_text(({m.group(1)})::json) AS {m.group(2)}(value)", text)
    conflict = ""
    if _OR_IGNORE.search(text):
        text = _OR_IGNORE.sub("INSERT INTO", text)
        conflict = " ON CONFLICT DO NOTHING"
    replace = _OR_REPLACE.search(text)
    if replace:
        table, columns = replace.group(1), [c.strip() for c in replace.group(2).split(",")]
        key = KEYS[table]
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in key)
        text = text[:replace.start()] + f"INSERT INTO {table} ({replace.group(2)})" \
            + text[replace.end():]
        conflict = f" ON CONFLICT ({', '.join(key)}) " + (
            f"DO UPDATE SET {updates}" if updates else "DO NOTHING")
    text = _IS_NOT.sub("IS DISTINCT FROM ", text)
    text = _IS.sub("IS NOT DISTINCT FROM ", text)
    text = _LIKE.sub("ILIKE", text)
    text = _REGEXP.sub("~", text)
    text = _LIMIT_ALL.sub("LIMIT ALL", text)
    text = _UNARY_PLUS.sub(r"\1", text)
    text = _CROSS_ON.sub(r"JOIN\1", text)
    inserted = _INSERT_INTO.match(text)
    id_table = bool(inserted and inserted.group(1) in ID_TABLES and not _RETURNING.search(text))
    if conflict:
        returning = _RETURNING.search(text)
        cut = returning.start() if returning else len(text.rstrip().rstrip(";"))
        text = text[:cut].rstrip() + conflict + (" " + text[cut:] if returning else "")
    text = text.replace("%", "%%")
    order: list[int | str] = []
    lists: set[int] = set()
    positional = 0

    def placeholder(match: re.Match[str]) -> str:
        nonlocal positional
        number, name = match.group(1), match.group(2)
        if name is not None:
            order.append(name)
        elif number:
            order.append(int(number) - 1)
        else:
            order.append(positional)
            positional += 1
        if match.start() > 0 and match.string[match.start() - 1] == _LIST_MARK:
            lists.add(len(order) - 1)
        return "%s"

    text = _PLACEHOLDER.sub(placeholder, text).replace(_LIST_MARK, "")
    text = _UNMASK.sub(lambda m: literals[int(m.group(1))].replace("%", "%%"), text)
    explicit_ids = explicit.group(1) if explicit and explicit.group(1) in ID_TABLES else None
    return Statement(text, tuple(order), frozenset(lists), id_table and not explicit_ids,
                     inserts=inserted.group(1) if inserted else None,
                     explicit_ids=explicit_ids)
