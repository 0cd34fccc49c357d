"""The PostgreSQL backend of the store: a team's shared store (issue 16).

The store's code is one for both backends; this package connects to PostgreSQL
(``connect``), rewrites the store's SQL for it (``translate``), creates and migrates its
schema (``schema``) and names its errors (``errors``). psycopg is imported only when a
PostgreSQL store is opened: recording into a SQLite file never loads it.
"""
from lineage_desktop.store.pg.location import PgLocation, is_url

__all__ = ["PgLocation", "is_url"]
