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
down_revision = "0003_events"
branch_labels = None
depends_on = None

# Written out per dialect (each unpacks JSON its own way); the columns and meaning are the same.
# Literal SQL only: no statement is built at run time (tests/test_security_sql.py).
_VIEWS = {
    "sqlite": {
        "current_records": """
CREATE VIEW current_records AS
SELECT v.key AS key,
       v.type AS type,
       json_extract(v.data, '$.direction') AS direction,
       json_extract(v.data, '$.start') AS start,
       json_extract(v.data, '$.end') AS "end",
       (SELECT group_concat(value, ', ') FROM (SELECT DISTINCT json_extract(p.value, '$.country') AS value FROM json_each(v.data, '$.places') AS p WHERE json_extract(p.value, '$.country') IS NOT NULL)) AS countries,
       (SELECT group_concat(value, ', ') FROM (SELECT DISTINCT json_extract(p.value, '$.name') AS value FROM json_each(v.data, '$.places') AS p WHERE json_extract(p.value, '$.name') IS NOT NULL)) AS places,
       json_extract(v.data, '$.title') AS title,
       p.watch_id AS watch,
       p.url AS url,
       (SELECT min(f.valid_from_at) FROM versions AS f
         WHERE f.page_id = v.page_id AND f.key = v.key) AS first_seen,
       p.last_checked_at AS last_seen
  FROM versions AS v JOIN pages AS p ON p.id = v.page_id
 WHERE v.valid_to_check IS NULL
""",
        "recent_changes": """
CREATE VIEW recent_changes AS
SELECT e.id AS id,
       e.at AS at,
       e.kind AS kind,
       p.watch_id AS watch,
       p.url AS url,
       e.key AS key,
       json_extract(e.record, '$.type') AS type,
       json_extract(e.record, '$.title') AS title,
       e.baseline AS baseline,
       e.error AS error
  FROM events AS e JOIN pages AS p ON p.id = e.page_id
 WHERE e.at >= datetime('now', '-30 days')
 ORDER BY e.id DESC
""",
    },
    "postgresql": {
        "current_records": """
CREATE VIEW current_records AS
SELECT v.key AS key,
       v.type AS type,
       (v.data ->> 'direction') AS direction,
       (v.data ->> 'start') AS start,
       (v.data ->> 'end') AS "end",
       (SELECT string_agg(DISTINCT p ->> 'country', ', ') FROM json_array_elements(v.data -> 'places') AS p) AS countries,
       (SELECT string_agg(DISTINCT p ->> 'name', ', ') FROM json_array_elements(v.data -> 'places') AS p) AS places,
       (v.data ->> 'title') AS title,
       p.watch_id AS watch,
       p.url AS url,
       (SELECT min(f.valid_from_at) FROM versions AS f
         WHERE f.page_id = v.page_id AND f.key = v.key) AS first_seen,
       p.last_checked_at AS last_seen
  FROM versions AS v JOIN pages AS p ON p.id = v.page_id
 WHERE v.valid_to_check IS NULL
""",
        "recent_changes": """
CREATE VIEW recent_changes AS
SELECT e.id AS id,
       e.at AS at,
       e.kind AS kind,
       p.watch_id AS watch,
       p.url AS url,
       e.key AS key,
       (e.record ->> 'type') AS type,
       (e.record ->> 'title') AS title,
       e.baseline AS baseline,
       e.error AS error
  FROM events AS e JOIN pages AS p ON p.id = e.page_id
 WHERE e.at >= now() - interval '30 days'
 ORDER BY e.id DESC
""",
    },
}
def upgrade() -> None:
    views = _VIEWS[op.get_bind().dialect.name]
    for query in views.values():
        op.execute(query)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS recent_changes")
    op.execute("DROP VIEW IF EXISTS current_records")
