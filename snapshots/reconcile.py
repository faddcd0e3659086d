"""Reconciling the register with the cities' own pages, per programme event, over stored data.

The national register (site `clair`) and a city's own pages often state one programme; linking
puts them in one event (programmes link on partner and city, whatever their dates). Here each
programme event that the register or a city's pages tell of is one `Reconciliation`: the two
sides agree, disagree (every differing pair is kept with both values and their URLs, never
resolved), or only one side knows it. Pages of `defaults.THIRD_PARTY_SITES` belong to neither
side. The CLI (`citywatch reconcile`) and the dashboard's event page both read this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa

from citywatch import defaults
from snapshots.linking import partner_name, span_of
from snapshots.schema import pages, real_event_sources, real_event_versions, real_events

__all__ = [
    "Disagreement",
    "Reconciliation",
    "Statement",
    "Status",
    "classify",
    "consistent",
    "reconcile",
]

Status = Literal["agree", "disagree", "register-only", "city-only"]
S, V, E = real_event_sources, real_event_versions, real_events


@dataclass(frozen=True, slots=True)
class Statement:
    """What one source says of the programme: its start and its partners (its own government
    left out: the register lists both sides)."""

    side: Literal["register", "city"]
    key: str
    url: str
    site: str
    watch: str
    start: str | None
    partners: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "url": self.url,
            "site": self.site,
            "watch": self.watch,
            "start": self.start,
            "partners": list(self.partners),
        }


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One field on which a register page and a city page differ, each value with its URL."""

    field: str
    register: str
    register_url: str
    city: str
    city_url: str

    def to_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "register": self.register,
            "register_url": self.register_url,
            "city": self.city,
            "city_url": self.city_url,
        }


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """One programme event as the register and the city's own pages state it."""

    event_id: int
    city: str | None
    city_name: str
    partner: str
    status: Status
    register: tuple[Statement, ...]
    city_pages: tuple[Statement, ...]
    disagreements: tuple[Disagreement, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event_id,
            "city": self.city,
            "city_name": self.city_name,
            "partner": self.partner,
            "status": self.status,
            "register": [s.to_dict() for s in self.register],
            "city_pages": [s.to_dict() for s in self.city_pages],
            "disagreements": [d.to_dict() for d in self.disagreements],
        }


def consistent(a: str | None, b: str | None) -> bool:
    """Whether two dates agree: equal, or one more precise and inside the other (2022-04 and
    2022-04-01). A side that states no date disagrees with nothing."""
    if not a or not b or a == b:
        return True
    sa_, sb = span_of(a), span_of(b)
    if sa_ is None or sb is None:
        return False
    return (sa_[0] <= sb[0] and sb[1] <= sa_[1]) or (sb[0] <= sa_[0] and sa_[1] <= sb[1])


def _partners_agree(a: Statement, b: Statement) -> bool:
    names_a, names_b = {partner_name(p) for p in a.partners}, {partner_name(p) for p in b.partners}
    return not names_a or not names_b or bool(names_a & names_b)


def _disagreements(register: Sequence[Statement], city: Sequence[Statement]) -> list[Disagreement]:
    found: dict[tuple[str, ...], Disagreement] = {}
    for r in register:
        for c in city:
            if not consistent(r.start, c.start):
                assert r.start is not None and c.start is not None
                d = Disagreement("start", r.start, r.url, c.start, c.url)
                found.setdefault(("start", r.start, r.url, c.start, c.url), d)
            if not _partners_agree(r, c):
                rp, cp = "、".join(r.partners), "、".join(c.partners)
                d = Disagreement("partners", rp, r.url, cp, c.url)
                found.setdefault(("partners", rp, r.url, cp, c.url), d)
    return list(found.values())


def _statement(site: str, url: str, watch: str, record: Mapping[str, Any]) -> Statement:
    own = partner_name(record.get("city_name") or "")
    partners = tuple(
        p for p in record.get("partners") or () if partner_name(p) and partner_name(p) != own
    )
    side: Literal["register", "city"] = "register" if site in defaults.REGISTER_SITES else "city"
    return Statement(side, record.get("key") or "", url, site, watch, record.get("start"), partners)


def _partner(statements: Iterable[Statement], data: Mapping[str, Any]) -> str:
    """The partner to show: what the register names first, else a city page, else a place."""
    for s in sorted(statements, key=lambda s: s.side != "register"):
        if s.partners:
            return s.partners[0]
    places = data.get("places") or ()
    return str(places[0].get("name") or "") if places else ""


def classify(
    event_id: int, data: Mapping[str, Any], sources: Iterable[tuple[str, str, str, Any]]
) -> Reconciliation | None:
    """One programme event's reconciliation from its consolidated fields and its sources as
    (site, url, watch, stored record); None when neither the register nor a city page tells it."""
    statements = [
        _statement(site, url, watch, record)
        for site, url, watch, record in sources
        if site not in defaults.THIRD_PARTY_SITES
    ]
    register = tuple(s for s in statements if s.side == "register")
    city = tuple(s for s in statements if s.side == "city")
    if not register and not city:
        return None
    disagreements = tuple(_disagreements(register, city))
    status: Status
    if not city:
        status = "register-only"
    elif not register:
        status = "city-only"
    else:
        status = "disagree" if disagreements else "agree"
    records = [record for _, _, _, record in sources]
    names = [r.get("city_name") for r in records if r.get("city_name")]
    cities = [r.get("city") for r in records if r.get("city")]
    return Reconciliation(
        event_id=event_id,
        city=data.get("city") or (cities[0] if cities else None),
        city_name=names[0] if names else "",
        partner=_partner(statements, data),
        status=status,
        register=register,
        city_pages=city,
        disagreements=disagreements,
    )


_ROWS = (
    sa.select(E.c.id, V.c.data, S.c.record, pages.c.site, pages.c.url, pages.c.watch_id)
    .select_from(
        E.join(V, sa.and_(V.c.event_id == E.c.id, V.c.valid_to_check.is_(None)))
        .join(S, sa.and_(S.c.event_id == E.c.id, S.c.left_check.is_(None)))
        .join(pages, pages.c.id == S.c.page_id)
    )
    .where(E.c.type == "programme", E.c.removed_check.is_(None))
    .order_by(E.c.id, S.c.id)
)


def reconcile(
    connection: sa.Connection, *, city: str | None = None, event_id: int | None = None
) -> list[Reconciliation]:
    """The current programme events' reconciliations, oldest event first. `city` keeps those
    whose event or any source record is that local government's (its slug)."""
    query = _ROWS if event_id is None else _ROWS.where(E.c.id == event_id)
    events: dict[int, tuple[Any, list[tuple[str, str, str, Any]]]] = {}
    for row in connection.execute(query):
        events.setdefault(row.id, (row.data, []))[1].append(
            (row.site, row.url, row.watch_id, row.record)
        )
    out = []
    for eid, (data, sources) in events.items():
        cities = {data.get("city")} | {record.get("city") for *_, record in sources}
        if city is not None and city not in cities:
            continue
        found = classify(eid, data, sources)
        if found is not None:
            out.append(found)
    return out
