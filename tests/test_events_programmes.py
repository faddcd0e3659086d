"""Linking programmes across sources (issue 18): a record that names its own local government
links from that government's point of view, whatever the watch's city; programmes that name a
partner in common are one programme however their start dates disagree; visits stay strict.
The records are composed for the tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from citywatch.model import Place, Programme, Visit
from snapshots import Store
from snapshots.linking import Member, cluster, compatible, consolidate, facts_of, partner_name
from tests.support.db import PageFeed, store_url  # noqa: F401 - fixture

BANGKOK = (Place("バンコク都", "TH"),)


def prog(key: str, start: str | None, **kw) -> Programme:
    values: dict[str, Any] = {"places": BANGKOK, "partners": ("バンコク都",)}
    values["title"] = f"programme {key}"
    values.update(kw)
    return Programme(key=key, start=start, **values)


def register(
    key: str, start: str | None, partner: str = "バンコク都", romaji: str = "Bangkok", **kw
) -> Programme:
    """A register programme: both sides among its partners, its own government named."""
    values: dict[str, Any] = {
        "places": (Place(partner, "TH"),),
        "partners": ("横浜市", partner, romaji),
        "city": "yokohama",
        "city_name": "横浜市",
    }
    values.update(kw)
    return prog(key, start, **values)


def f(record, city: str | None = "yokohama", published: str | None = None):
    return facts_of(record, city=city, published=published)


def test_the_records_own_city_is_its_point_of_view() -> None:
    assert f(register("r", "2014-10-08"), city="tokyo").block == "programme||yokohama"
    assert f(register("r", "2014-10-08"), city=None).block == "programme||yokohama"
    # no city of its own: the watch's
    assert f(prog("p", "2014"), city="saitama").block == "programme||saitama"
    visit = Visit("outbound", "2024-06-20", places=BANGKOK, city="kobe", key="v")
    assert f(visit, city="yokohama").block == "visit|outbound|kobe"


def test_a_register_programme_links_with_the_citys_own_whatever_the_watch_says() -> None:
    on_register = f(register("r", "2014-10-08"), city="tokyo")
    assert compatible(on_register, f(prog("p", "2014-10")))
    assert not compatible(on_register, f(prog("p", "2014-10"), city="saitama"))


def test_programmes_sharing_a_partner_link_whatever_their_dates() -> None:
    day, year = f(register("r", "2014-10-08")), f(prog("p", "2013"))
    assert compatible(day, year)
    assert compatible(day, f(prog("u", None)))  # undated, no publication date either
    assert cluster([day, year, f(prog("u", None))]) == [("p", "r", "u")]
    assert not compatible(day, f(prog("x", "2013", partners=("チェンマイ市",))))
    assert not compatible(day, f(prog("x", "2013", places=(Place("Paris", "FR"),))))


def test_the_own_government_is_no_partner_to_link_on() -> None:
    bangkok = register("r1", "2014-10-08")
    chiang_mai = register("r2", "1990-01-18", "チェンマイ市", "Chiang Mai")
    assert "横浜市" not in "".join(f(bangkok).names)
    assert not compatible(f(bangkok), f(chiang_mai))


def test_a_programme_naming_no_partner_still_needs_its_dates_to_overlap() -> None:
    day = f(register("r", "2014-10-08"))
    assert compatible(day, f(prog("p", "2014", partners=())))
    assert not compatible(day, f(prog("p", "2013", partners=())))


def test_visits_stay_strict_on_dates() -> None:
    def trip(key: str, start: str) -> Visit:
        return Visit("outbound", start, places=BANGKOK, counterparts=("バンコク都",), key=key)

    assert not compatible(f(trip("a", "2014-10-08")), f(trip("b", "2013")))
    assert compatible(f(trip("a", "2014-10-08")), f(trip("b", "2014")))


def test_the_disagreeing_start_is_kept_and_the_register_day_wins() -> None:
    day, year = register("r", "2014-10-08"), prog("p", "2013")
    data = consolidate(
        [Member(f(year), year.to_dict()), Member(f(day), day.to_dict())], city="yokohama"
    )
    assert data["start"] == "2014-10-08"
    assert data["disagreements"] == {"start": [{"key": "p", "value": "2013"}]}


@pytest.fixture
def store(store_url: str):  # noqa: F811
    with Store(store_url) as opened:
        yield opened


def test_the_store_links_a_register_page_with_the_citys_page(store: Store) -> None:
    clair = PageFeed(watch_id="clair", url="https://www.clair.or.jp/d/1", site="clair")
    city = PageFeed(watch_id="yokohama", url="https://www.city.yokohama.lg.jp/p", site="yokohama")
    other = PageFeed(watch_id="clair-2", url="https://www.clair.or.jp/d/2", site="clair")
    store.record_check(city.changed(prog("p", "2013"), city="yokohama"))
    store.record_check(clair.changed(register("r", "2014-10-08"), city="tokyo"))
    chiang_mai = register("r2", "1990-01-18", "チェンマイ市", "Chiang Mai")
    store.record_check(other.changed(chiang_mai, city="tokyo"))
    events = {tuple(sorted(s.key for s in e.sources)): e for e in store.events()}
    assert sorted(events) == [("p", "r"), ("r2",)]
    linked = events[("p", "r")]
    assert linked.data["city"] == "yokohama" and linked.data["start"] == "2014-10-08"
    assert linked.data["disagreements"] == {"start": [{"key": "p", "value": "2013"}]}
    # the city page corrects its date: still the same programme, the disagreement gone
    store.record_check(city.changed(prog("p", "2014-10"), city="yokohama"))
    [again] = [e for e in store.events() if e.id == linked.id]
    assert sorted(s.key for s in again.sources) == ["p", "r"]
    assert again.data["disagreements"] == {"start": [{"key": "p", "value": "2014-10"}]}


def test_a_partner_is_compared_without_its_kind() -> None:
    assert partner_name("クアラルンプール市") == partner_name("クアラルンプール")
    assert partner_name("バンコク 都") == "バンコク"
    assert partner_name("京都") == "京都"  # never down to one character
    city_page = prog("p", "2022-04", partners=("クアラルンプール市",), places=(Place("KL", "MY"),))
    on_register = register("r", "2022-04-01", "クアラルンプール", "Kuala Lumpur")
    on_register = replace(on_register, places=(Place("クアラルンプール", "MY"),))
    assert compatible(f(city_page), f(on_register))
