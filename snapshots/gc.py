"""Dropping old bodies while keeping every body the history stands on.

A body is kept when it is among the newest `keep` distinct bodies of any page that fetched it,
when a record version was created from it (so `records --as-of` can be re-checked against a
re-parse), when it is a page's latest body, or when it is also a page text (texts feed diffs).
Dropping clears the blob's bytes but keeps its row, so checks keep their reference and
`body()` answers None instead of failing.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from citywatch.errors import StorageError
from snapshots.schema import blobs, checks, pages, versions
from snapshots.types import GcReport

__all__ = ["collect_bodies"]

_CHUNK = 500


def _protected(connection: sa.Connection) -> set[str]:
    versioned = (
        sa.select(checks.c.body_sha256)
        .join(versions, versions.c.valid_from_check == checks.c.id)
        .where(checks.c.body_sha256.is_not(None))
    )
    texts = sa.select(checks.c.text_sha256).where(checks.c.text_sha256.is_not(None))
    latest = sa.select(pages.c.sha256).where(pages.c.sha256.is_not(None))
    union = sa.union(versioned, texts, latest)
    return set(connection.execute(union).scalars())


def collect_bodies(connection: sa.Connection, *, keep: int) -> GcReport:
    """Clear the bytes of bodies no page needs any more (run in a write transaction)."""
    if keep < 0:
        raise StorageError("gc keep must be 0 or more", keep=keep)
    used = connection.execute(
        sa.select(checks.c.page_id, checks.c.body_sha256, sa.func.max(checks.c.id).label("last"))
        .where(checks.c.body_sha256.is_not(None))
        .group_by(checks.c.page_id, checks.c.body_sha256)
    ).all()
    per_page: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row in used:
        per_page[row.page_id].append((row.last, row.body_sha256))
    kept = _protected(connection)
    candidates: set[str] = set()
    for bodies in per_page.values():
        bodies.sort(reverse=True)
        kept.add(bodies[0][1])  # the page's newest body, whatever `keep` says
        kept.update(sha for _, sha in bodies[:keep])
        candidates.update(sha for _, sha in bodies[keep:])
    drop = sorted(candidates - kept)
    count = size = stored = 0
    for start in range(0, len(drop), _CHUNK):
        chunk = drop[start : start + _CHUNK]
        dropping = sa.and_(blobs.c.sha256.in_(chunk), blobs.c.data.is_not(None))
        row = connection.execute(
            sa.select(
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(blobs.c.size), 0),
                sa.func.coalesce(sa.func.sum(sa.func.length(blobs.c.data)), 0),
            ).where(dropping)
        ).one()
        connection.execute(sa.update(blobs).where(dropping).values(data=None))
        count, size, stored = count + int(row[0]), size + int(row[1]), stored + int(row[2])
    return GcReport(count, size, stored)
