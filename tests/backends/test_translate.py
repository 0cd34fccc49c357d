"""The store's SQLite-dialect statements as PostgreSQL runs them (no server needed)."""
from __future__ import annotations

import json

from lineage_desktop.store.pg.location import PgLocation, is_url
from lineage_desktop.store.pg.translate import translate


def test_placeholders_in_order_and_numbered_ones_repeat():
    st = translate("SELECT a FROM t WHERE x = ?2 AND y = ?1 AND z = ?2")
    assert st.sql == "SELECT a FROM t WHERE x = %s AND y = %s AND z = %s"
    assert st.bind(["one", "two"]) == ["two", "one", "two"]
    named = translate("SELECT 1 WHERE a = :at AND b = :at AND c = ?")
    assert named.bind({"at": "T"})[:2] == ["T", "T"]


def test_text_in_literals_is_left_alone_and_percent_is_escaped():
    st = translate("SELECT '?:x' || ? FROM t WHERE a LIKE '%x' ESCAPE '\\'")
    assert st.sql == "SELECT '?:x' || %s FROM t WHERE a ILIKE '%%x' ESCAPE '\\'"
    assert st.bind(["v"]) == ["v"]


def test_id_lists_become_arrays():
    st = translate("SELECT * FROM v WHERE id IN (SELECT value FROM json_each(?)) AND a = ?")
    assert st.sql == "SELECT * FROM v WHERE id = ANY(%s) AND a = %s"
    assert st.bind([json.dumps([3, 4]), "x"]) == [[3, 4], "x"]
    each = translate("SELECT i.value FROM json_each(:ids) i CROSS JOIN t")
    assert each.sql.startswith("SELECT i.value FROM unnest(%s) AS i(value)")
    column = translate("SELECT 1 FROM json_each(r.tags) t WHERE t.value = ?")
    assert "json_array_elements_text((r.tags)::json) AS t(value)" in column.sql


def test_insert_or_ignore_and_replace_become_on_conflict():
    ignore = translate("INSERT OR IGNORE INTO usages (run_id, version_id) VALUES (?, ?)")
    assert ignore.sql.endswith("VALUES (%s, %s) ON CONFLICT DO NOTHING")
    replace = translate("INSERT OR REPLACE INTO aliases (artifact_id, alias, version_id) "
                        "VALUES (?, ?, ?)")
    assert replace.sql.endswith(
        "ON CONFLICT (artifact_id, alias) DO UPDATE SET version_id = EXCLUDED.version_id")
    assert translate("INSERT INTO versions (a) VALUES (?)").id_table
    assert not translate("INSERT INTO usages (a) VALUES (?)").id_table


def test_null_safe_comparisons_limits_and_unary_plus():
    st = translate("SELECT 1 FROM t WHERE a IS ? AND b IS NOT c AND d IS NULL "
                   "AND e IS NOT NULL ORDER BY +a.name, +v.idx LIMIT -1")
    assert "a IS NOT DISTINCT FROM %s" in st.sql and "b IS DISTINCT FROM c" in st.sql
    assert "d IS NULL" in st.sql and "e IS NOT NULL" in st.sql
    assert st.sql.endswith("ORDER BY a.name, v.idx LIMIT ALL")


def test_a_cross_join_with_a_condition_is_a_plain_join():
    st = translate("SELECT o.v FROM runs r CROSS JOIN outputs o ON o.run_id = r.id "
                   "CROSS JOIN versions AS v ON v.id = o.v CROSS JOIN t WHERE a = ?")
    assert st.sql == ("SELECT o.v FROM runs r JOIN outputs o ON o.run_id = r.id "
                      "JOIN versions AS v ON v.id = o.v CROSS JOIN t WHERE a = %s")


def test_a_password_is_never_shown():
    location = PgLocation("postgresql://alice:s3cret@db.example:5432/lineage?password=x&a=1")
    assert "s3cret" not in str(location) and "password" not in str(location)
    assert str(location) == "postgresql://alice@db.example:5432/lineage?a=1"
    assert location.name == "lineage"
    assert is_url("postgres://h/db") and not is_url("/tmp/x.db") and not is_url(None)
