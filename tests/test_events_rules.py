"""The linking rules (snapshots/linking.py), alone and as the store applies them: examples of each
rule, and properties: for any set of records the events are the same whatever the order of
arrival, and after any sequence of page changes (records moving, leaving, coming back) the
stored events are exactly what the rules make of the current records."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from citywatch.model import PageInfo, ParseResult, Place, Visit
from snapshots import Store
from snapshots.linking import Member as LinkMember
from snapshots.linking import cluster, compatible, consolidate, facts_of, span_of
from tests.support.db import PageFeed, sqlite_url


def v(key: str, start: str | None, end: str | None = None, **kw) -> Visit:
    values = {
        "direction": "outbound",
        "places": (Place("バンコク", "TH"),),
        "counterparts": ("バンコク都",),
    }
    values.update(kw)
    return Visit(key=key, start=start, end=end, **values)


def f(record: Visit, published: str | None = None, city: str | None = "yokohama"):
    return facts_of(record, city=city, published=published)


def test_dates_become_day_spans_with_their_precision() -> None:
    assert span_of("2024-02") == (span_of("2024-02-01")[0], span_of("2024-02-29")[0], 2)
    assert span_of("2024")[2] == 1 and span_of("2024-06-20")[2] == 3
    assert span_of("2024-13") is None and span_of(None) is None and span_of("soon") is None


def test_a_month_holds_its_days_and_not_other_months() -> None:
    day = f(v("a", "2024-06-20", "2024-06-22"))
    assert compatible(day, f(v("b", "2024-06")))
    assert compatible(day, f(v("b", "2024-06-22")))
    assert not compatible(day, f(v("b", "2024-07")))
    assert not compatible(day, f(v("b", "2024-06-23")))


def test_type_direction_city_country_and_counterparts_must_agree() -> None:
    day = f(v("a", "2024-06-20"))
    assert not compatible(day, f(v("b", "2024-06-20", direction="inbound")))
    assert not compatible(day, f(v("b", "2024-06-20"), city="saitama"))
    assert not compatible(day, f(v("b", "2024-06-20", places=(Place("Tokyo", "JP"),))))
    assert not compatible(day, f(v("b", "2024-06-20", counterparts=("ESCAP",))))
    assert compatible(day, f(v("b", "2024-06-20", counterparts=())))  # one names none
    assert compatible(day, f(v("b", "2024-06-20", counterparts=("バンコク 都",))))  # spacing


def test_an_undated_record_joins_by_publication_within_weeks_after() -> None:
    trip = f(v("a", "2024-06-20", "2024-06-22"))
    assert compatible(trip, f(v("b", None), published="2024-06-25"))
    assert compatible(trip, f(v("b", None), published="2024-07-20"))
    assert not compatible(trip, f(v("b", None), published="2024-07-21"))
    assert not compatible(trip, f(v("b", None), published="2024-06-19"))
    assert not compatible(trip, f(v("b", None)))  # no publication date: nothing to go by
    assert not compatible(trip, f(v("b", None, counterparts=()), published="2024-06-25"))


def test_a_vague_record_between_two_trips_stays_apart() -> None:
    one, two = f(v("a", "2024-06-03")), f(v("b", "2024-06-20"))
    month = f(v("c", "2024-06"))
    assert cluster([one, two, month]) == [("a",), ("b",), ("c",)]
    assert cluster([one, month]) == [("a", "c")]


def test_the_more_precise_source_wins_and_the_disagreement_is_kept() -> None:
    precise, vague = v("a", "2024-06-20", "2024-06-22"), v("b", "2024-06", title="vague")
    data = consolidate(
        [LinkMember(f(vague), vague.to_dict()), LinkMember(f(precise), precise.to_dict())],
        city="yokohama",
    )
    assert (data["start"], data["end"]) == ("2024-06-20", "2024-06-22")
    assert data["disagreements"] == {"start": [{"key": "b", "value": "2024-06"}]}
    assert data["city"] == "yokohama"


# --- properties ---------------------------------------------------------------------------------

FIXTURE = HealthCheck.function_scoped_fixture
PAGES = (("p0", "2024-06-25"), ("p1", "2024-07-10"), ("p2", None))
DATES = (None, "2024", "2024-06", "2024-06-20", "2024-06-21", "2024-07-02", "2024-07")
record_st = st.builds(
    lambda start, direction, country, names: (start, direction, country, names),
    st.sampled_from(DATES),
    st.sampled_from(("outbound", "inbound")),
    st.sampled_from(("TH", "MY")),
    st.sampled_from(((), ("A",), ("B",), ("A", "B"))),
)


def _visit(key: str, spec: tuple) -> Visit:
    start, direction, country, names = spec
    return Visit(
        key=key,
        direction=direction,
        start=start,
        places=(Place(country, country),),
        counterparts=names,
    )


def _check(feed: PageFeed, published: str | None, records: list[Visit]):
    check = feed.changed(*records)
    assert check.result is not None
    info = PageInfo(url=feed.url, site=feed.site, published=published)
    result = ParseResult(info=info, records=check.result.records, text=check.result.text)
    return type(check)(**{**{n: getattr(check, n) for n in check.__slots__}, "result": result})


def _stored(store: Store) -> list[tuple[str, ...]]:
    return sorted(tuple(sorted(s.key for s in e.sources)) for e in store.events())


def _expected(shown: dict[str, tuple[str | None, list[Visit]]]) -> list[tuple[str, ...]]:
    return cluster(
        facts_of(r, city=None, published=published)
        for published, records in shown.values()
        for r in records
    )


pages_st = st.lists(st.lists(record_st, max_size=3), min_size=3, max_size=3)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pages=pages_st, seed=st.integers(0, 2**16))
@example(  # two records of one page ask the same question; only one is compatible with p2-0
    pages=[
        [("2024", "inbound", "TH", ()), ("2024", "inbound", "TH", ("A",))],
        [],
        [("2024", "inbound", "TH", ("B",))],
    ],
    seed=0,
)
def test_arrival_order_does_not_change_the_events(pages, seed: int, tmp_path: Path) -> None:
    results = []
    for attempt, order in enumerate((list(range(3)), random.Random(seed).sample(range(3), 3))):
        path = tmp_path / f"order-{attempt}-{uuid.uuid4().hex}.db"
        with Store(sqlite_url(path)) as store:
            for i in order:
                name, published = PAGES[i]
                feed = PageFeed(watch_id=name, url=f"https://{name}.example/")
                records = [_visit(f"{name}-{n}", spec) for n, spec in enumerate(pages[i])]
                store.record_check(_check(feed, published, records))
            results.append((_stored(store), sorted(str(e.data) for e in store.events())))
    assert results[0] == results[1]


steps_st = st.lists(
    st.tuples(st.integers(0, 2), st.lists(st.tuples(st.integers(0, 3), record_st), max_size=3)),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps_st)
def test_the_stored_events_are_always_what_the_rules_make_of_the_records(
    steps, tmp_path: Path
) -> None:
    """Pages change in any way (records edited, moved in time, removed, back again): after
    every check, the events are the rules applied to the current records, and every event
    keeps a single version chain."""
    path = tmp_path / f"steps-{uuid.uuid4().hex}.db"
    feeds = {name: PageFeed(watch_id=name, url=f"https://{name}.example/") for name, _ in PAGES}
    shown: dict[str, tuple[str | None, list[Visit]]] = {}
    with Store(sqlite_url(path)) as store:
        for page, specs in steps:
            name, published = PAGES[page]
            records = list({f"{name}-{n}": _visit(f"{name}-{n}", s) for n, s in specs}.values())
            store.record_check(_check(feeds[name], published, records))
            if records:  # a page that yields nothing is a broken layout: its events stay
                shown[name] = (published, records)
            assert _stored(store) == _expected(shown)
        for event in store.events():
            detail = store.event(event.id)
            assert detail is not None
            assert [v.version for v in detail.versions] == list(range(1, event.version + 1))
