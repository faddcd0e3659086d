"""Linking stored records into real-world events, on the check's own transaction.

When a check changes a page's records, the records whose facts changed, and those that left,
are relinked: the group of records connected to them by `linking.compatible` is found through
the lookup index (`real_event_links`, one indexed range query per distinct record, which reads
the whole events of its candidates and their current versions in the same round trip),
clustered again with `linking.cluster`, and the stored events are moved to the answer: sources
join or leave, events are added, changed or removed, each move a change event.

Linking runs on every stored check, so its statements are built once and take bound values,
and it costs few round trips: a record that joins a known event is about seven statements.

Two writers must not link one group at once (two workers storing two pages of one trip would
both start an event): on PostgreSQL each block (type, direction, city) is taken with a
transaction-level advisory lock, in sorted order; on SQLite the write transaction (BEGIN
IMMEDIATE) already serialises writers. A partial unique index keeps a record in one event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from citywatch import defaults
from citywatch.model import record_from_dict
from snapshots.event_writer import EventChange, Group, Source, Writer
from snapshots.linking import Facts, by_partner, cluster, compatible, facts_of
from snapshots.schema import (
    pages,
    real_event_links,
    real_event_sources,
    real_event_versions,
    versions,
)
from snapshots.types import CheckInput

__all__ = ["EventChange", "link_page", "lookup"]

_WINDOW = defaults.EVENT_PUBLISHED_WITHIN_DAYS
_MAX_SPAN = defaults.EVENT_MAX_SPAN_DAYS
S, L, V = real_event_sources, real_event_links, real_event_versions


def _lock_key(block: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(block.encode(), digest_size=8).digest(), "big", signed=True
    )


_LOCK = sa.select(sa.func.pg_advisory_xact_lock(sa.bindparam("lock_key", type_=sa.BigInteger)))


def _lock_blocks(connection: sa.Connection, blocks: Iterable[str]) -> None:
    if connection.dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already made this the only writer
    for block in sorted(set(blocks)):
        connection.execute(_LOCK, {"lock_key": _lock_key(block)})


_SOURCE_COLUMNS: tuple[sa.Column[Any], ...] = (
    S.c.id,
    S.c.event_id,
    S.c.key,
    S.c.page_id,
    S.c.record,
    S.c.facts,
    S.c.first_seen_at,
    S.c.last_seen_at,
    pages.c.url,
    pages.c.watch_id,
)
_FROM = S.join(pages, pages.c.id == S.c.page_id)
# Reads of whole events bring each event's current version along (the writer needs it).
_WITH_VERSION = _FROM.outerjoin(
    V, sa.and_(V.c.event_id == S.c.event_id, V.c.valid_to_check.is_(None))
)
_VERSION_COLUMNS = (V.c.version.label("event_version"), V.c.data.label("event_data"))


# The statements are built once: building and keying one costs more than SQLite running it.
_ON_PAGE = (
    sa.select(*_SOURCE_COLUMNS)
    .select_from(_FROM)
    .where(S.c.page_id == sa.bindparam("page"), S.c.left_check.is_(None))
)
_NEAR = S.alias("near")
_IN_BLOCK = (
    L.c.block == sa.bindparam("block"),
    L.c.country.in_(sa.bindparam("countries", expanding=True)),
)


def _neighbours_where(*when: Any) -> sa.Select[Any]:
    """Every open source of the events that have a source in the probe's block, countries and
    `when`: the candidates and, in the same round trip, the rest of their events (taken in
    whole when one of them links)."""
    near = sa.select(_NEAR.c.event_id).join(L, L.c.source_id == _NEAR.c.id).where(*_IN_BLOCK, *when)
    return (
        sa.select(*_SOURCE_COLUMNS, *_VERSION_COLUMNS)
        .select_from(_WITH_VERSION)
        .where(S.c.left_check.is_(None), S.c.event_id.in_(near))
    )


_NEIGHBOURS = _neighbours_where(
    sa.or_(
        L.c.lo.between(sa.bindparam("dated_lo"), sa.bindparam("dated_hi")),
        L.c.published.between(sa.bindparam("undated_lo"), sa.bindparam("undated_hi")),
    )
)
# A programme that names its partners links at any date: its block and countries are the range.
_NEIGHBOURS_ANY_TIME = _neighbours_where()
_EXPAND = (
    sa.select(*_SOURCE_COLUMNS, *_VERSION_COLUMNS)
    .select_from(_WITH_VERSION)
    .where(S.c.event_id.in_(sa.bindparam("events", expanding=True)), S.c.left_check.is_(None))
)
_OPENED = sa.select(versions.c.key, versions.c.data).where(
    versions.c.page_id == sa.bindparam("page"), versions.c.valid_to_check.is_(None)
)
_SEEN = (
    sa.update(S)
    .where(S.c.page_id == sa.bindparam("page"), S.c.left_check.is_(None))
    .values(last_seen_at=sa.bindparam("at"))
)


def _open_on_page(connection: sa.Connection, page_id: int) -> dict[str, Any]:
    return {row.key: row for row in connection.execute(_ON_PAGE, {"page": page_id})}


def _neighbours(connection: sa.Connection, probe: Facts, group: Group) -> list[Any]:
    """Open sources that may be compatible with `probe`: one indexed query on its block, its
    countries and a day range (dated rows by `lo`, undated rows by `published`; none for a
    programme that names partners, which links at any date), which reads
    the whole events those sources are in (the index is a superset of `compatible`, so judging
    the others too finds the same ones)."""
    if not probe.countries:
        return []
    if by_partner(probe):
        return _ask(connection, group, _NEIGHBOURS_ANY_TIME, probe, None, None)
    if probe.lo is not None:
        assert probe.hi is not None
        dated, undated = (probe.lo - _MAX_SPAN, probe.hi), (probe.lo, probe.hi + _WINDOW)
    elif probe.published is not None:
        p = probe.published
        dated, undated = (p - _WINDOW - _MAX_SPAN, p), (p - _WINDOW, p + _WINDOW)
    else:
        return []
    return _ask(connection, group, _NEIGHBOURS, probe, dated, undated)


def _ask(
    connection: sa.Connection,
    group: Group,
    statement: sa.Select[Any],
    probe: Facts,
    dated: tuple[int, int] | None,
    undated: tuple[int, int] | None,
) -> list[Any]:
    asked = (probe.block, probe.countries, dated, undated)
    if asked in group.asked:  # the same question: the same rows, judged against this probe
        return group.asked[asked]
    params: dict[str, Any] = {"block": probe.block, "countries": sorted(probe.countries)}
    if dated is not None and undated is not None:
        params.update(dated_lo=dated[0], dated_hi=dated[1], undated_lo=undated[0])
        params["undated_hi"] = undated[1]
    rows = list(connection.execute(statement, params))
    group.asked[asked] = rows
    read: dict[int, list[Any]] = {}
    for row in rows:
        read.setdefault(row.event_id, []).append(row)
        _note_version(group, row)
    for event_id, sources in read.items():
        group.read.setdefault(event_id, sources)
    return rows


def _note_version(group: Group, row: Any) -> None:
    if row.event_version is not None:
        group.current.setdefault(row.event_id, (row.event_version, row.event_data))


def _take(group: Group, row: Any) -> Facts | None:
    """Add a stored source to the group; its facts when it is new to the group."""
    if row.key in group.members or row.key in group.gone:
        return None
    facts = Facts.from_dict(row.key, row.facts)
    group.members[row.key] = Source(facts, row.record, row.page_id, row)
    group.rows.setdefault(row.key, row)
    return facts


def _expand(connection: sa.Connection, group: Group, event_ids: Iterable[int]) -> list[Facts]:
    """Take in every open source of these events (an event moves as a whole)."""
    wanted = sorted(set(event_ids) - group.expanded)
    if not wanted:
        return []
    group.expanded.update(wanted)
    rows = [row for e in wanted for row in group.read.get(e, ())]
    unread = [e for e in wanted if e not in group.read]
    if unread:
        rows += connection.execute(_EXPAND, {"events": unread}).all()
    found = []
    for row in rows:
        _note_version(group, row)
        group.rows.setdefault(row.key, row)
        facts = _take(group, row)
        if facts is not None:
            found.append(facts)
    return found


def _gather(connection: sa.Connection, group: Group, probes: list[Facts]) -> None:
    """Grow the group to every record connected to it by compatibility, and whole events."""
    probes = probes + _expand(connection, group, (r.event_id for r in group.rows.values()))
    while probes:
        probe = probes.pop()
        hits = []
        for row in _neighbours(connection, probe, group):
            if row.key in group.members or row.key in group.gone:
                continue
            if compatible(probe, Facts.from_dict(row.key, row.facts)):
                facts = _take(group, row)
                if facts is not None:
                    hits.append(row.event_id)
                    probes.append(facts)
        probes.extend(_expand(connection, group, hits))


def lookup(connection: sa.Connection, facts: Facts) -> list[tuple[str, ...]]:
    """Read only: the events the record of `facts` would make with what is stored (the
    linking decision without its writes, for benchmarks and diagnosis)."""
    group = Group()
    group.members[facts.key] = Source(facts, {}, 0)
    _gather(connection, group, [facts])
    return cluster(s.facts for s in group.members.values())


def link_page(
    connection: sa.Connection, page_id: int, check: CheckInput, check_id: int
) -> list[EventChange]:
    """Bring the events of the page's records up to date after this check (which parsed it)."""
    assert check.result is not None
    at = check.finished_at
    published = check.result.info.published
    now: dict[str, Source] = {}
    for key, data in connection.execute(_OPENED, {"page": page_id}).all():
        facts = facts_of(record_from_dict(data), city=check.city, published=published)
        now[key] = Source(facts, data, page_id)
    linked = _open_on_page(connection, page_id)

    def stale(rows: Mapping[str, Any]) -> bool:
        return any(k not in now for k in rows) or any(
            k not in rows or rows[k].record != s.record or rows[k].facts != s.facts.to_dict()
            for k, s in now.items()
        )

    if stale(linked):
        blocks = [s.facts.block for s in now.values()] + [r.facts["block"] for r in linked.values()]
        if connection.dialect.name == "postgresql":
            _lock_blocks(connection, blocks)
            linked = _open_on_page(connection, page_id)  # as it stands under the lock
    if not stale(linked):
        connection.execute(_SEEN, {"page": page_id, "at": at})
        return []
    group = Group(gone={k for k in linked if k not in now})
    probes: list[Facts] = []
    for key, row in linked.items():
        group.rows[key] = row
        probes.append(Facts.from_dict(key, row.facts))
    for key, source in now.items():
        row = linked.get(key)
        source.row = row
        source.dirty = row is None or row.record != source.record
        source.dirty |= row is not None and row.facts != source.facts.to_dict()
        group.members[key] = source
        if source.dirty:
            probes.append(source.facts)
    _gather(connection, group, probes)
    # the page is the check's (stored under its watch and URL): its sources are named so
    return Writer(connection, check_id, at, (page_id, check.url, check.watch_id), group).apply()
