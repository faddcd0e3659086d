"""Typed, frozen values that travel between layers: the page a fetcher hands to a parser, and the
records a parser hands to storage. Plain dataclasses keep them cheap to build by the thousand and
easy to compare field by field, which is what change detection does."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

__all__ = [
    "Direction",
    "Evidence",
    "Milestone",
    "Page",
    "PageInfo",
    "ParseResult",
    "Place",
    "Programme",
    "Record",
    "Visit",
    "record_from_dict",
]

Direction = Literal["inbound", "outbound"]


@dataclass(frozen=True, slots=True)
class Place:
    """A named place with its ISO 3166-1 alpha-2 country code (None when unknown)."""

    name: str
    country: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country}


@dataclass(frozen=True, slots=True)
class Milestone:
    """One dated step of a programme. `date` is ISO (YYYY, YYYY-MM or YYYY-MM-DD) or None."""

    date: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "text": self.text}


@dataclass(frozen=True, slots=True)
class Evidence:
    """The page's own words behind a record: for each field, the sentence, heading or labelled
    line it was read from (empty where the page gave none). `direction` says who went where for
    a visit; `partners` with whom a programme runs.

    Evidence explains a record and never identifies it: keys ignore it, records that say the
    same thing compare equal whatever words carried it, and a change of wording alone is no
    change of the record."""

    when: str = ""
    where: str = ""
    direction: str = ""
    partners: str = ""

    def to_dict(self) -> dict[str, str]:
        """Only the fields the page gave words for."""
        return {name: text for name, text in self.items()}

    def items(self) -> tuple[tuple[str, str], ...]:
        """(field, text) pairs with text, in field order."""
        pairs = (
            ("when", self.when),
            ("where", self.where),
            ("direction", self.direction),
            ("partners", self.partners),
        )
        return tuple((name, text) for name, text in pairs if text)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Evidence:
        """Read `to_dict()`'s form back; versions stored before evidence existed give none."""
        if not data:
            return cls()
        return cls(**{name: str(data.get(name) or "") for name in _EVIDENCE_FIELDS})


_EVIDENCE_FIELDS = ("when", "where", "direction", "partners")


@dataclass(frozen=True, slots=True)
class Visit:
    """A trip, courtesy call or conference seen from the page's city."""

    type: ClassVar[str] = "visit"
    direction: Direction
    start: str | None = None
    end: str | None = None
    places: tuple[Place, ...] = ()
    participants: tuple[str, ...] = ()
    counterparts: tuple[str, ...] = ()
    title: str = ""
    summary: str = ""
    key: str = ""
    evidence: Evidence = field(default=Evidence(), compare=False)
    city: str | None = None
    city_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "type": self.type,
            "direction": self.direction,
            "start": self.start,
            "end": self.end,
            "places": [p.to_dict() for p in self.places],
            "participants": list(self.participants),
            "counterparts": list(self.counterparts),
            "title": self.title,
            "summary": self.summary,
            "evidence": self.evidence.to_dict(),
            **_whose(self.city, self.city_name),
        }


@dataclass(frozen=True, slots=True)
class Programme:
    """A long-running city-to-city programme, agreement or memorandum."""

    type: ClassVar[str] = "programme"
    start: str | None = None
    end: str | None = None
    places: tuple[Place, ...] = ()
    partners: tuple[str, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    title: str = ""
    summary: str = ""
    key: str = ""
    evidence: Evidence = field(default=Evidence(), compare=False)
    city: str | None = None
    city_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "places": [p.to_dict() for p in self.places],
            "partners": list(self.partners),
            "milestones": [m.to_dict() for m in self.milestones],
            "title": self.title,
            "summary": self.summary,
            "evidence": self.evidence.to_dict(),
            **_whose(self.city, self.city_name),
        }


Record = Visit | Programme


def _whose(city: str | None, city_name: str) -> dict[str, str]:
    """The point of view, only where a parser named one: records stored before it existed
    keep their JSON."""
    if not city:
        return {}
    return {"city": city, "city_name": city_name}


def record_from_dict(data: Mapping[str, Any]) -> Record:
    """Rebuild a record from its `to_dict()` form (as stored or exported)."""
    places = tuple(Place(p["name"], p.get("country")) for p in data.get("places") or ())
    common: dict[str, Any] = {
        "start": data.get("start"),
        "end": data.get("end"),
        "places": places,
        "title": data.get("title") or "",
        "summary": data.get("summary") or "",
        "key": data.get("key") or "",
        "evidence": Evidence.from_dict(data.get("evidence")),
        "city": data.get("city") or None,
        "city_name": data.get("city_name") or "",
    }
    if data.get("type") == "programme":
        milestones = tuple(
            Milestone(m.get("date"), m.get("text") or "") for m in data.get("milestones") or ()
        )
        return Programme(
            partners=tuple(data.get("partners") or ()), milestones=milestones, **common
        )
    if data.get("type") != "visit":
        raise ValueError(f"unknown record type {data.get('type')!r}")
    return Visit(
        direction=data["direction"],
        participants=tuple(data.get("participants") or ()),
        counterparts=tuple(data.get("counterparts") or ()),
        **common,
    )


@dataclass(frozen=True, slots=True)
class Page:
    """Raw bytes as fetched or read from disk, with what is known about them.

    `content_type` is the media type the fetcher settled on (None lets the parser sniff);
    `encoding` is the charset the fetcher settled on for text (None lets the parser detect).
    `city` is whose point of view sets inbound/outbound.
    """

    body: bytes
    url: str = ""
    content_type: str | None = None
    encoding: str | None = None
    city: str | None = None


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What a page says about itself."""

    url: str
    site: str
    title: str = ""
    published: str | None = None
    updated: str | None = None
    page_number: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class ParseResult:
    """A parsed page: its own facts, its records, and its main text (for page-level diffs)."""

    info: PageInfo
    records: tuple[Record, ...] = ()
    text: str = ""
    links: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.info.to_dict(), "records": [r.to_dict() for r in self.records]}
