"""Reconciling the register with the cities' own pages (snapshots/reconcile.py), on SQLite and
PostgreSQL: composed records stored as crawls would store them, then each programme event read
as agree, disagree (both values and URLs kept), register-only or city-only."""

from __future__ import annotations

from typing import Any

import pytest

from citywatch.model import Place, Programme
from snapshots import Store
from snapshots.reconcile import consistent
from tests.support.db import PageFeed, store_url  # noqa: F401 - fixture

REGISTER_YOKOHAMA = "https://www.clair.or.jp/j/exchange/shimai/detail/1"
REGISTER_SAITAMA = "https://www.clair.or.jp/j/exchange/shimai/detail/2"
REGISTER_ONLY = "https://www.clair.or.jp/j/exchange/shimai/detail/3"
YOKOHAMA_PDF = "https://www.city.yokohama.lg.jp/press/bangkok.pdf"
SAITAMA_PAGE = "https://www.city.saitama.lg.jp/p099122.html"
PRESS_WIRE = "https://prtimes.jp/main/html/rd/p/1.html"


def prog(key: str, start: str | None, partner: str, country: str, **kw: Any) -> Programme:
    values: dict[str, Any] = {"places": (Place(partner, country),), "partners": (partner,)}
    values.update(title=f"programme {key}", **kw)
    return Programme(key=key, start=start, **values)


def on_register(key: str, start: str, city: str, name: str, partner: str, country: str):
    """The register lists both sides, and names its own government."""
    return prog(key, start, partner, country, partners=(name, partner), city=city, city_name=name)


def page(url: str, site: str) -> PageFeed:
    return PageFeed(watch_id=site + "-" + url.rsplit("/", 1)[-1].split(".")[0], url=url, site=site)


@pytest.fixture
def store(store_url: str):  # noqa: F811
    with Store(store_url) as opened:
        yield opened


def stored(store: Store) -> Store:
    """Yokohama disagrees with the register on when its Bangkok programme began; Saitama
    agrees (a month and its day); the register alone knows Chiang Mai, Saitama's page alone
    Hanoi; a press wire alone a third."""
    yokohama = {"city": "yokohama", "city_name": "横浜市"}
    saitama = {"city": "saitama", "city_name": "さいたま市"}
    checks = [
        (YOKOHAMA_PDF, "yokohama-pdf", [prog("y1", "2013", "バンコク都", "TH", **yokohama)]),
        (PRESS_WIRE, "prtimes", [prog("w1", "2013", "バンコク都", "TH", **yokohama)]),
        (
            REGISTER_YOKOHAMA,
            "clair",
            [on_register("r1", "2014-10-08", *yokohama.values(), "バンコク都", "TH")],
        ),
        (
            REGISTER_SAITAMA,
            "clair",
            [on_register("r2", "2022-04-01", *saitama.values(), "クアラルンプール市", "MY")],
        ),
        (
            REGISTER_ONLY,
            "clair",
            [on_register("r3", "1990-01-18", *yokohama.values(), "チェンマイ市", "TH")],
        ),
        (
            SAITAMA_PAGE,
            "saitama",
            [
                prog("s1", "2022-04", "クアラルンプール市", "MY", **saitama),
                prog("s2", "2015", "ハノイ市", "VN", **saitama),
            ],
        ),
    ]
    for url, site, records in checks:
        store.record_check(page(url, site).changed(*records, city="tokyo"))
    store.record_check(
        page("https://prtimes.jp/2.html", "prtimes").changed(
            prog("w2", "2020", "ダナン市", "VN", **yokohama), city="yokohama"
        )
    )
    return store


def test_each_programme_is_agree_disagree_or_one_side_only(store: Store) -> None:
    found = {(r.city, r.partner): r for r in stored(store).reconcile()}
    assert {k: r.status for k, r in found.items()} == {
        ("yokohama", "バンコク都"): "disagree",
        ("saitama", "クアラルンプール市"): "agree",
        ("yokohama", "チェンマイ市"): "register-only",
        ("saitama", "ハノイ市"): "city-only",
    }  # the press wire's Da Nang is neither side's
    bangkok = found[("yokohama", "バンコク都")]
    assert [d.to_dict() for d in bangkok.disagreements] == [
        {
            "field": "start",
            "register": "2014-10-08",
            "register_url": REGISTER_YOKOHAMA,
            "city": "2013",
            "city_url": YOKOHAMA_PDF,
        }
    ]
    assert [s.url for s in bangkok.city_pages] == [YOKOHAMA_PDF]  # not the press wire
    assert bangkok.register[0].partners == ("バンコク都",)  # its own government left out
    assert bangkok.city_name == "横浜市"
    assert found[("saitama", "クアラルンプール市")].disagreements == ()


def test_a_city_keeps_its_own_programmes(store: Store) -> None:
    partners = [r.partner for r in stored(store).reconcile(city="saitama")]
    assert partners == ["クアラルンプール市", "ハノイ市"]
    assert store.reconcile(city="kobe") == []


def test_the_event_detail_shows_the_disagreement(store: Store) -> None:
    [bangkok] = [r for r in stored(store).reconcile() if r.partner == "バンコク都"]
    detail = store.event(bangkok.event_id)
    assert detail is not None and detail.reconciliation == bangkok
    assert detail.to_dict()["reconciliation"]["status"] == "disagree"
    [wire] = [e for e in store.events() if e.data["start"] == "2020"]
    wire_detail = store.event(wire.id)
    assert wire_detail is not None and wire_detail.to_dict()["reconciliation"] is None


def test_a_corrected_city_page_agrees_again(store: Store) -> None:
    stored(store)
    fixed = prog("y1", "2014-10", "バンコク都", "TH", city="yokohama", city_name="横浜市")
    pdf = page(YOKOHAMA_PDF, "yokohama-pdf")
    pdf.checks = 10  # later than the first crawl
    store.record_check(pdf.changed(fixed, city="yokohama"))
    [bangkok] = [r for r in store.reconcile() if r.partner == "バンコク都"]
    assert bangkok.status == "agree"


def test_dates_agree_when_equal_or_one_holds_the_other() -> None:
    assert consistent("2022-04", "2022-04-01") and consistent("2022-04-01", "2022-04")
    assert consistent("2022", "2022-04-01") and consistent("2022-04-01", "2022-04-01")
    assert consistent(None, "2013") and consistent("2013", "")
    assert not consistent("2013", "2014-10-08")
    assert not consistent("2022-04", "2022-05-01")
    assert not consistent("2022-04-01", "2022-04-02")
