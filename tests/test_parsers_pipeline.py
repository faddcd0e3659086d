"""The shared pipeline every site parser runs: city of view, page facts, text and links."""

from __future__ import annotations

import pytest

import parsers
from citywatch.errors import ConfigError
from citywatch.model import Page, Visit
from parsers.sites.generic import guess_city

TRIP = (
    "<html><head><title>市長がタイ・バンコクを訪問しました</title></head><body><main>"
    "<h1>市長がタイ・バンコクを訪問しました</h1>"
    "<p>令和6年6月20日から22日まで、市長がタイ・バンコクを訪問し、バンコク都知事と会談しました。</p>"
    "<p><a href='/kokusai/index.html'>国際交流</a></p></main></body></html>"
).encode()


def test_a_site_parser_uses_its_default_city() -> None:
    result = parsers.parse_page(
        Page(TRIP, url="https://www.city.saitama.lg.jp/a/b.html"), "saitama"
    )
    (visit,) = result.records
    assert isinstance(visit, Visit)
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2024-06-20", "2024-06-22")
    assert [(p.name, p.country) for p in visit.places] == [("バンコク", "TH")]
    assert visit.key
    assert result.info.title == "市長がタイ・バンコクを訪問しました"
    assert result.links == ("https://www.city.saitama.lg.jp/kokusai/index.html",)
    assert "バンコク都知事と会談しました。" in result.text


def test_the_watch_city_sets_the_direction() -> None:
    body = (
        "ホーチミン市長が来神しました\n令和5年11月14日、ホーチミン市長が市長を表敬訪問しました。"
    ).encode()
    page = Page(body, content_type="text/plain", city="kobe")
    (visit,) = parsers.get_parser("generic").parse(page)
    assert isinstance(visit, Visit)
    assert visit.direction == "inbound"
    assert [(p.name, p.country) for p in visit.places] == [("神戸", "JP")]


def test_generic_reads_the_city_from_the_host_or_the_mayor() -> None:
    assert guess_city("https://www.city.kobe.lg.jp/a/b.html", "") == "kobe"
    assert guess_city("http://ssl.city.kitakyushu.lg.jp/shisei/x.html", "") == "kitakyushu"
    assert guess_city("https://www.metro.tokyo.lg.jp/x.html", "") == "tokyo"
    assert guess_city("https://example.org/blog", "仙台市長は…。仙台市長が訪問") == "sendai"
    assert guess_city("https://example.org/blog", "no city named here") is None


def test_generic_without_a_city_gives_no_records_rather_than_guesses() -> None:
    result = parsers.parse_page(Page(TRIP, url="https://example.org/post"), "generic")
    assert result.records == ()
    assert result.info.title == "市長がタイ・バンコクを訪問しました"


def test_an_unknown_city_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        parsers.parse_page(Page(TRIP, city="atlantis"), "generic")


def test_negative_pages_yield_nothing() -> None:
    festival = (
        "市長定例記者会見(令和7年4月10日)\n"
        "横浜フラワー&ガーデンフェスティバルを5月3日から5日の3日間、パシフィコで開催します。\n"
        "区民まつりを訪問し、来場者と交流しました。"
    ).encode()
    page = Page(festival, content_type="text/plain", city="yokohama")
    assert parsers.get_parser("yokohama").parse(page) == []
