"""The views people query by hand say whose record it is: `current_records` and `recent_changes`
gain `city` (the local government's slug, as `--city` takes it) and `city_name` (its Japanese
name), read from the record; both are empty for records stored before records carried them.

Revision ID: 0007_record_city
Revises: 0006_claim_holder
Create Date: 2027-01-10
"""

from __future__ import annotations

import importlib

from alembic import op

revision = "0007_record_city"
down_revision = "0006_claim_holder"
branch_labels = None
depends_on = None

# Literal SQL only, per dialect, as in 0004 (tests/test_security_sql.py).
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
       json_extract(v.data, '$.city') AS city,
       json_extract(v.data, '$.city_name') AS city_name,
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
       json_extract(e.record, '$.city') AS city,
       json_extract(e.record, '$.city_name') AS city_name,
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
       (v.data ->> 'city') AS city,
       (v.data ->> 'city_name') AS city_name,
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
       (e.record ->> 'city') AS city,
       (e.record ->> 'city_name') AS city_name,
       e.baseline AS baseline,
       e.error AS error
  FROM events AS e JOIN pages AS p ON p.id = e.page_id
 WHERE e.at >= now() - interval '30 days'
 ORDER BY e.id DESC
""",
    },
}


def _drop() -> None:
    op.execute("DROP VIEW IF EXISTS recent_changes")
    op.execute("DROP VIEW IF EXISTS current_records")


def upgrade() -> None:
    _drop()
    for query in _VIEWS[op.get_bind().dialect.name].values():
        op.execute(query)


def downgrade() -> None:
    """Back to 0004's views (its module's own SQL, so it is written once)."""
    _drop()
    previous = importlib.import_module("snapshots.migrations.versions.0004_views")
    for query in previous._VIEWS[op.get_bind().dialect.name].values():
        op.execute(query)
