"""Views for people who query the SQLite file (sqlite3, Datasette) or PostgreSQL by hand:
`current_records`, one row per record as it stands now, and `recent_changes`, the change events
of the last 30 days, newest first. Plain columns, no JSON to unpack.

Revision ID: 0004_views
Revises: 0002_outbox (to be rechained onto 0003, the events layer's revision, when merged)
Create Date: 2025-06-01
"""

from __future__ import annotations

from alembic import op

revision = "0004_views"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None

# Each dialect unpacks JSON its own way; the columns and their meaning are the same.
_FIELD = {
    "sqlite": "json_extract({col}, '$.{name}')",
    "postgresql": "({col} ->> '{name}')",
}
_LIST = {
    "sqlite": (
        "(SELECT group_concat(value, ', ') FROM (SELECT DISTINCT json_extract(p.value, "
        "'$.{name}') AS value FROM json_each({col}, '$.places') AS p "
        "WHERE json_extract(p.value, '$.{name}') IS NOT NULL))"
    ),
    "postgresql": (
        "(SELECT string_agg(DISTINCT p ->> '{name}', ', ') "
        "FROM json_array_elements({col} -> 'places') AS p)"
    ),
}
_RECENT = {
    "sqlite": "datetime('now', '-30 days')",
    "postgresql": "now() - interval '30 days'",
}


def _views(dialect: str) -> dict[str, str]:
    def field(col: str, name: str) -> str:
        return _FIELD[dialect].format(col=col, name=name)

    def listed(col: str, name: str) -> str:
        return _LIST[dialect].format(col=col, name=name)

    current = f"""
        SELECT v.key AS key,
               v.type AS type,
               {field("v.data", "direction")} AS direction,
               {field("v.data", "start")} AS start,
               {field("v.data", "end")} AS "end",
               {listed("v.data", "country")} AS countries,
               {listed("v.data", "name")} AS places,
               {field("v.data", "title")} AS title,
               p.watch_id AS watch,
               p.url AS url,
               (SELECT min(f.valid_from_at) FROM versions AS f
                 WHERE f.page_id = v.page_id AND f.key = v.key) AS first_seen,
               p.last_checked_at AS last_seen
          FROM versions AS v JOIN pages AS p ON p.id = v.page_id
         WHERE v.valid_to_check IS NULL"""
    recent = f"""
        SELECT e.id AS id,
               e.at AS at,
               e.kind AS kind,
               p.watch_id AS watch,
               p.url AS url,
               e.key AS key,
               {field("e.record", "type")} AS type,
               {field("e.record", "title")} AS title,
               e.baseline AS baseline,
               e.error AS error
          FROM events AS e JOIN pages AS p ON p.id = e.page_id
         WHERE e.at >= {_RECENT[dialect]}
         ORDER BY e.id DESC"""
    return {"current_records": current, "recent_changes": recent}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, query in _views(dialect).items():
        op.execute(f"CREATE VIEW {name} AS {query}")


def downgrade() -> None:
    for name in ("recent_changes", "current_records"):
        op.execute(f"DROP VIEW IF EXISTS {name}")
