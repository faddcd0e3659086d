"""Writing one relinked group: sources join and leave, events are added, versioned or
removed, and each move is named as a change (see `snapshots/events.py`, which finds the group)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from snapshots.linking import Facts, Member, cluster, consolidate
from snapshots.schema import (
    real_event_links,
    real_event_sources,
    real_event_versions,
    real_events,
)
from snapshots.types import EventKind

__all__ = ["EventChange", "Group", "Source", "Writer"]

S, L, V = real_event_sources, real_event_links, real_event_versions
_SOURCE_KEYS = (
    "event_id",
    "key",
    "page_id",
    "record",
    "facts",
    "first_seen_at",
    "last_seen_at",
    "joined_check",
    "joined_at",
)

# The statements are built once: building and keying one costs more than SQLite running it.
_CLOSE_LINKS = sa.delete(L).where(L.c.source_id.in_(sa.bindparam("ids", expanding=True)))
_CLOSE_SOURCES = (
    sa.update(S)
    .where(S.c.id.in_(sa.bindparam("ids", expanding=True)))
    .values(left_check=sa.bindparam("check"), left_at=sa.bindparam("at"))
)
_CURRENT = sa.select(V.c.event_id, V.c.version, V.c.data).where(
    V.c.event_id.in_(sa.bindparam("events", expanding=True)), V.c.valid_to_check.is_(None)
)
_NEW_EVENT = sa.insert(real_events).returning(real_events.c.id)
_CLOSE_VERSION = (
    sa.update(V)
    .where(V.c.event_id == sa.bindparam("event"), V.c.valid_to_check.is_(None))
    .values(valid_to_check=sa.bindparam("check"), valid_to_at=sa.bindparam("at"))
)
_NEW_VERSION = sa.insert(V)
# PostgreSQL adds an event and its first version in one round trip.
_MADE = (
    sa.insert(real_events)
    .values(type=sa.bindparam("p_type"), created_check=sa.bindparam("check"))
    .values(created_at=sa.bindparam("at"))
    .returning(real_events.c.id)
    .cte("made")
)
_NEW_EVENT_AND_VERSION = (
    sa.insert(V)
    .from_select(
        ["event_id", "version", "data", "valid_from_check", "valid_from_at"],
        sa.select(
            _MADE.c.id,
            sa.literal(1, sa.Integer),
            sa.bindparam("p_data", type_=V.c.data.type),
            sa.bindparam("p_check", type_=V.c.valid_from_check.type),
            sa.bindparam("p_at", type_=V.c.valid_from_at.type),
        ),
    )
    .returning(V.c.event_id)
)
# PostgreSQL closes the open version and adds the next in one round trip (a data-modifying
# WITH runs once, to completion, whether or not the INSERT reads it).
_NEXT_VERSION = (
    sa.insert(V)
    .values(
        event_id=sa.bindparam("event"),
        version=sa.bindparam("p_version"),
        data=sa.bindparam("p_data"),
        valid_from_check=sa.bindparam("check"),
        valid_from_at=sa.bindparam("at"),
    )
    .add_cte(
        sa.update(V)
        .where(V.c.event_id == sa.bindparam("event"), V.c.valid_to_check.is_(None))
        .values(valid_to_check=sa.bindparam("check"), valid_to_at=sa.bindparam("at"))
        .returning(V.c.id)
        .cte("closed")
    )
)
_REFRESH_SOURCE = (
    sa.update(S)
    .where(S.c.id == sa.bindparam("source"))
    .values(
        record=sa.bindparam("p_record"),
        facts=sa.bindparam("p_facts"),
        last_seen_at=sa.bindparam("at"),
    )
)
_DROP_LINKS = sa.delete(L).where(L.c.source_id == sa.bindparam("source"))
_NEW_SOURCES = sa.insert(S).returning(S.c.id, sort_by_parameter_order=True)
_NEW_LINKS = sa.insert(L)
# PostgreSQL opens one source and adds its lookup rows (one a country) in one round trip.
_OPENED = (
    sa.insert(S)
    .values({c: sa.bindparam(f"p_{c}") for c in _SOURCE_KEYS})
    .returning(S.c.id)
    .cte("opened")
)
_COUNTRY = sa.func.unnest(sa.bindparam("p_countries", type_=postgresql.ARRAY(sa.String))).alias(
    "country"
)
_NEW_SOURCE_AND_LINKS = sa.select(_OPENED.c.id).add_cte(
    sa.insert(L)
    .from_select(
        ["source_id", "country", "block", "lo", "hi", "published"],
        sa.select(
            _OPENED.c.id,
            sa.column("country", sa.String),
            sa.bindparam("p_block", type_=sa.String),
            sa.bindparam("p_lo", type_=sa.Integer),
            sa.bindparam("p_hi", type_=sa.Integer),
            sa.bindparam("p_published", type_=sa.Integer),
        ).select_from(_OPENED.join(_COUNTRY, sa.true())),
    )
    .cte("linked")
)
_REMOVE_EVENT = (
    sa.update(real_events)
    .where(real_events.c.id == sa.bindparam("event"))
    .values(removed_check=sa.bindparam("check"), removed_at=sa.bindparam("at"))
)


@dataclass(frozen=True, slots=True)
class EventChange:
    """One move of an event, before it is written as a change event of the check."""

    kind: EventKind
    event_id: int
    record: dict[str, Any]
    before: dict[str, Any] | None = None
    fields: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"event-{self.event_id}"


@dataclass(slots=True)
class Source:
    """A record in the group being relinked: its facts now, and its open row if it has one."""

    facts: Facts
    record: dict[str, Any]
    page_id: int
    row: Any = None  # the open real_event_sources row (None: not linked yet)
    dirty: bool = False  # its record or facts changed in this check


@dataclass(slots=True)
class Group:
    """The records connected to the changed ones, and the events they are in now."""

    members: dict[str, Source] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)  # open rows of the touched events
    gone: set[str] = field(default_factory=set)
    expanded: set[int] = field(default_factory=set)
    asked: dict[tuple[Any, ...], list[Any]] = field(default_factory=dict)
    read: dict[int, list[Any]] = field(default_factory=dict)  # open rows of events, as read
    current: dict[int, tuple[int, Any]] = field(default_factory=dict)  # (version, data)


class Writer:
    """Moves the stored events of one group to what `cluster` says it is now."""

    def __init__(
        self,
        connection: sa.Connection,
        check_id: int,
        at: datetime,
        page: tuple[int, str, str],
        group: Group,
    ) -> None:
        """`page` is the checked page: its id, URL and watch."""
        self.c, self.check_id, self.at, self.group = connection, check_id, at, group
        self.page_id, self.page_url, self.page_watch = page
        # Each event's open sources after the writes, as (source id, key, page URL, watch):
        # every source of a touched event is in the group, so they need not be read back.
        self.sources: dict[int, list[tuple[int, str, str, str]]] = {}

    def apply(self) -> list[EventChange]:
        group = self.group
        old: dict[int, set[str]] = {}
        for key, row in group.rows.items():
            old.setdefault(row.event_id, set()).add(key)
        clusters = sorted(
            cluster(s.facts for s in group.members.values()), key=lambda c: (-len(c), c)
        )
        # Each event id goes to the group that keeps most of its sources (fewest leaving, then
        # the oldest event): an event a record left keeps its id, the one it joined keeps its.
        pairs = sorted(
            (-len(old[e].intersection(keys)), len(old[e].difference(keys)), e, keys)
            for keys in clusters
            for e in old
            if old[e].intersection(keys)
        )
        free, target = set(old), dict.fromkeys(clusters)
        for _, _, e, keys in pairs:
            if e in free and target[keys] is None:
                target[keys] = e
                free.discard(e)
        # Close first: a moving record's new row must not meet its old one in the unique index.
        event_of = {k: e for keys, e in target.items() for k in keys}
        closing = [row for k, row in group.rows.items() if event_of.get(k, -1) != row.event_id]
        self._close([row.id for row in closing])
        before = self._current_data(old)
        changes: list[EventChange] = []
        written: dict[int, dict[str, Any]] = {}
        for keys, event_id in target.items():
            members = [group.members[k] for k in keys]
            data = consolidate(
                [Member(m.facts, m.record) for m in members],
                city=members[0].facts.block.split("|", 2)[2] or None,
            )
            if event_id is None:
                if self.c.dialect.name == "postgresql":
                    event_id = self._new_event_and_version(data)
                    self._rows(event_id, members, moved=closing)
                else:
                    event_id = self._new_event(data["type"])
                    self._rows(event_id, members, moved=closing)
                    self._version(event_id, data, None)
                written[event_id] = data
                changes.append(EventChange("event_added", event_id, data))
                continue
            self._rows(event_id, members, moved=closing)
            prior = before[event_id]
            edited = [f for f in data if data[f] != prior[1].get(f)]
            joined = set(keys) - old[event_id]
            left = old[event_id] - set(keys)
            dirty = any(group.members[k].dirty for k in set(keys) & old[event_id])
            if edited:
                self._version(event_id, data, prior)
            written[event_id] = data
            if joined and not left and not dirty:
                kind: EventKind = "event_source_added"
            elif edited or joined or left:
                kind = "event_changed"
            else:
                continue
            fields = tuple(edited) + (("sources",) if joined or left else ())
            changes.append(EventChange(kind, event_id, data, prior[1], fields))
        for event_id in sorted(free):
            self._remove(event_id, before[event_id])
            changes.append(EventChange("event_removed", event_id, before[event_id][1]))
        return self._with_sources(sorted(changes, key=lambda c: c.event_id))

    def _close(self, ids: Sequence[int]) -> None:
        if ids:
            self.c.execute(_CLOSE_LINKS, {"ids": list(ids)})
            self.c.execute(
                _CLOSE_SOURCES, {"ids": list(ids), "check": self.check_id, "at": self.at}
            )

    def _current_data(self, old: Mapping[int, set[str]]) -> dict[int, tuple[int, dict[str, Any]]]:
        known = {e: self.group.current[e] for e in old if e in self.group.current}
        unread = sorted(e for e in old if e not in known)
        if unread:  # read with the event's sources as a rule; here for any that were not
            rows = self.c.execute(_CURRENT, {"events": unread})
            known.update((row.event_id, (row.version, row.data)) for row in rows)
        return known

    def _new_event(self, type_: str) -> int:
        values = {"type": type_, "created_check": self.check_id, "created_at": self.at}
        return int(self.c.execute(_NEW_EVENT, values).scalar_one())

    def _new_event_and_version(self, data: dict[str, Any]) -> int:
        values = {"p_type": data["type"], "check": self.check_id, "at": self.at, "p_data": data}
        values.update(p_check=self.check_id, p_at=self.at)
        return int(self.c.execute(_NEW_EVENT_AND_VERSION, values).scalar_one())

    def _version(self, event_id: int, data: dict[str, Any], prior: tuple[int, Any] | None) -> None:
        version = (prior[0] if prior else 0) + 1
        if prior is not None and self.c.dialect.name == "postgresql":
            closing = {"event": event_id, "check": self.check_id, "at": self.at}
            self.c.execute(_NEXT_VERSION, closing | {"p_version": version, "p_data": data})
            return
        values = {"event_id": event_id, "version": version, "data": data}
        values.update(valid_from_check=self.check_id, valid_from_at=self.at)
        if prior is not None:
            self.c.execute(
                _CLOSE_VERSION, {"event": event_id, "check": self.check_id, "at": self.at}
            )
        self.c.execute(_NEW_VERSION, values)

    def _rows(self, event_id: int, members: Sequence[Source], moved: Sequence[Any]) -> None:
        """Open rows for members new to this event; refresh those that stay but changed."""
        moved_by_key = {row.key: row for row in moved}
        fresh: list[tuple[Source, dict[str, Any]]] = []
        stay: list[Source] = []
        named = self.sources.setdefault(event_id, [])
        for m in members:
            if m.row is not None and m.row.event_id == event_id and m.row.key not in moved_by_key:
                named.append((m.row.id, *self._named(m)))
                if m.dirty:
                    stay.append(m)
                continue
            was = moved_by_key.get(m.facts.key)
            here = m.page_id == self.page_id
            row = {
                "event_id": event_id,
                "key": m.facts.key,
                "page_id": m.page_id,
                "record": m.record,
                "facts": m.facts.to_dict(),
                "first_seen_at": was.first_seen_at if was is not None else self.at,
                "last_seen_at": self.at if here or was is None else was.last_seen_at,
                "joined_check": self.check_id,
                "joined_at": self.at,
            }
            fresh.append((m, row))
        for m in stay:
            refresh = {"source": m.row.id, "p_record": m.record, "p_facts": m.facts.to_dict()}
            self.c.execute(_REFRESH_SOURCE, refresh | {"at": self.at})
            self.c.execute(_DROP_LINKS, {"source": m.row.id})
        if len(fresh) == 1 and not stay and self.c.dialect.name == "postgresql":
            [(m, row)] = fresh
            f = m.facts
            values = {f"p_{c}": row[c] for c in _SOURCE_KEYS} | {"p_block": f.block}
            values.update(p_lo=f.lo, p_hi=f.hi, p_published=f.published)
            values["p_countries"] = sorted(f.countries)
            i = int(self.c.execute(_NEW_SOURCE_AND_LINKS, values).scalar_one())
            named.append((i, *self._named(m)))
            return
        linked = [(m.row.id, m.facts) for m in stay]
        if fresh:
            ids = list(self.c.execute(_NEW_SOURCES, [row for _, row in fresh]).scalars())
            linked += [(i, m.facts) for i, (m, _) in zip(ids, fresh, strict=True)]
            named.extend((i, *self._named(m)) for i, (m, _) in zip(ids, fresh, strict=True))
        links = [
            {
                "source_id": i,
                "country": country,
                "block": f.block,
                "lo": f.lo,
                "hi": f.hi,
                "published": f.published,
            }
            for i, f in linked
            for country in sorted(f.countries)
        ]
        if links:
            self.c.execute(_NEW_LINKS, links)

    def _named(self, m: Source) -> tuple[str, str, str]:
        if m.page_id == self.page_id:
            return m.facts.key, self.page_url, self.page_watch
        return m.facts.key, m.row.url, m.row.watch_id

    def _remove(self, event_id: int, prior: tuple[int, Any]) -> None:
        closing = {"event": event_id, "check": self.check_id, "at": self.at}
        self.c.execute(_CLOSE_VERSION, closing)
        self.c.execute(_REMOVE_EVENT, closing)

    def _with_sources(self, changes: list[EventChange]) -> list[EventChange]:
        """Each change's record names the event and the sources it has after the change."""
        if not changes:
            return []
        named = {
            event_id: [{"key": k, "url": u, "watch": w} for _, k, u, w in sorted(sources)]
            for event_id, sources in self.sources.items()
        }
        return [
            EventChange(
                c.kind,
                c.event_id,
                {"id": c.event_id, **c.record, "sources": named.get(c.event_id, [])},
                c.before,
                c.fields,
            )
            for c in changes
        ]
