"""Query strings into typed filters. Anything malformed is a `BadQuery` with one line saying
which parameter and why; the app answers it with 400. Empty values mean "not set", so a plain
HTML form that submits every field works unchanged."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from citywatch import defaults
from snapshots import EVENT_KINDS
from snapshots.browse import ChangeFilter, RecordFilter

__all__ = [
    "CHANGE_PARAMS",
    "RECORD_PARAMS",
    "BadQuery",
    "Paging",
    "Query",
    "change_filter",
    "paging",
    "record_filter",
]

_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_MAX_TEXT = 200
_DIGITS = re.compile(r"^[0-9]{1,6}$")

#: The parameters each kind of view takes (besides `token`, which any request may carry).
RECORD_PARAMS = frozenset(
    {"type", "direction", "city", "watch", "country", "q", "from", "to", "as_of"}
)
CHANGE_PARAMS = frozenset({"kind", "watch", "city", "since", "until", "baseline"})
PAGING_PARAMS = frozenset({"cursor", "limit"})


class BadQuery(ValueError):
    """A query parameter the app cannot use; its message is one line."""


@dataclass(frozen=True, slots=True)
class Paging:
    cursor: str | None
    limit: int


class Query:
    """The request's parameters, each used at most once: an unknown name, or a name given
    twice, is a `BadQuery` rather than something silently ignored."""

    def __init__(self, items: list[tuple[str, str]], allowed: Collection[str]) -> None:
        self._values: dict[str, str] = {}
        for name, value in items:
            if name == "token":
                continue
            if name not in allowed:
                raise BadQuery(f"unknown parameter {name!r}")
            if name in self._values:
                raise BadQuery(f"parameter {name!r} given twice")
            if len(value) > _MAX_TEXT:
                raise BadQuery(f"parameter {name!r} is longer than {_MAX_TEXT} characters")
            self._values[name] = value.strip()

    def get(self, name: str) -> str | None:
        return self._values.get(name) or None

    def choice(self, name: str, choices: Collection[str]) -> str | None:
        value = self.get(name)
        if value is not None and value not in choices:
            raise BadQuery(f"{name} must be one of {', '.join(sorted(choices))}")
        return value

    def date(self, name: str) -> str | None:
        value = self.get(name)
        if value is not None and not _DATE.match(value):
            raise BadQuery(f"{name} must be a date: YYYY, YYYY-MM or YYYY-MM-DD")
        return value

    def moment(self, name: str) -> datetime | None:
        value = self.get(name)
        if value is None:
            return None
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise BadQuery(f"{name} must be an ISO 8601 date or date-time") from None
        return when if when.tzinfo else when.replace(tzinfo=UTC)

    def used(self) -> Mapping[str, str]:
        """The non-empty parameters, for links that keep the current filter."""
        return {k: v for k, v in self._values.items() if v}


def _watches(query: Query, cities: Mapping[str, str | None]) -> tuple[str, ...] | None:
    """`watch` narrows to one watch, `city` to the watches seen from that city."""
    watch, city = query.get("watch"), query.get("city")
    chosen: set[str] | None = None
    if city is not None:
        chosen = {w for w, c in cities.items() if c == city}
    if watch is not None:
        chosen = {watch} if chosen is None else chosen & {watch}
    return None if chosen is None else tuple(sorted(chosen))


def record_filter(query: Query, cities: Mapping[str, str | None]) -> RecordFilter:
    country = query.get("country")
    if country is not None and not _COUNTRY.match(country):
        raise BadQuery("country must be an ISO 3166-1 alpha-2 code such as JP")
    date_from, date_to = query.date("from"), query.date("to")
    if date_from and date_to and date_from > date_to + "~":
        raise BadQuery("from must not be after to")
    return RecordFilter(
        type=query.choice("type", ("visit", "programme")),
        direction=query.choice("direction", ("inbound", "outbound")),
        watches=_watches(query, cities),
        country=country.upper() if country else None,
        text=query.get("q"),
        date_from=date_from,
        date_to=date_to,
        as_of=query.moment("as_of"),
    )


def change_filter(query: Query, cities: Mapping[str, str | None]) -> ChangeFilter:
    kind = query.choice("kind", EVENT_KINDS)
    baseline = query.choice("baseline", ("0", "1"))
    since, until = query.moment("since"), query.moment("until")
    if since and until and since >= until:
        raise BadQuery("since must be before until")
    return ChangeFilter(
        kinds=None if kind is None else (kind,),
        watches=_watches(query, cities),
        since=since,
        until=until,
        include_baseline=baseline != "0",
    )


def paging(query: Query, default: int = defaults.WEB_PAGE_SIZE) -> Paging:
    text = query.get("limit")
    limit = default
    if text is not None:
        if not _DIGITS.match(text) or not 1 <= int(text) <= defaults.WEB_PAGE_SIZE_MAX:
            raise BadQuery(f"limit must be a whole number from 1 to {defaults.WEB_PAGE_SIZE_MAX}")
        limit = int(text)
    return Paging(query.get("cursor"), limit)
