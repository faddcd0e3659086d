"""The hand lists in parsers/extract/data hold only what no maintained source has, each with
its reason, and the rules that replaced page-specific entries work on sentences composed for
these tests."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from citywatch.model import Place
from parsers.extract.gazetteer import Entry, _read_prebuilt, index_name
from parsers.extract.people import find_actors, find_organisations
from parsers.extract.places import resolve_place

DATA = Path(__file__).resolve().parent.parent / "parsers" / "extract" / "data"


def _load(name: str) -> dict[str, object]:
    with (DATA / name).open("rb") as fh:
        return tomllib.load(fh)


def _sections(table: dict[str, object], path: str = "") -> list[tuple[str, dict[str, object]]]:
    out = [(path, table)]
    for k, v in table.items():
        if isinstance(v, dict) and not {"country", "reason"} & set(v):
            out += _sections(v, f"{path}.{k}" if path else k)
    return out


@pytest.mark.parametrize("name", ["places.toml", "people.toml"])
def test_every_hand_list_entry_carries_a_reason(name: str) -> None:
    raw = _load(name)
    for path, table in _sections(raw)[1:]:
        entries = {k: v for k, v in table.items() if k != "reason"}
        per_entry = [v for v in entries.values() if isinstance(v, dict)]
        if per_entry:  # "X" = { country = "..", reason = ".." }
            for key, value in entries.items():
                assert isinstance(value, dict), f"{name} [{path}] {key}: no reason"
                assert str(value.get("reason", "")).strip(), f"{name} [{path}] {key}: no reason"
        elif path in ("known.names", "known.not_organisations"):  # "X" = "reason"
            for key, value in entries.items():
                assert isinstance(value, str) and value.strip(), f"{name} [{path}] {key}"
        elif "." not in path:  # a class of words: the table says why it is hand-listed
            assert str(table.get("reason", "")).strip(), f"{name} [{path}] has no reason"


def test_places_hand_list_holds_no_name_the_gazetteer_has() -> None:
    pre = _read_prebuilt()
    for surface, value in _load("places.toml")["places"].items():  # type: ignore[union-attr]
        indexed = index_name(surface, Entry(surface, value["country"], 0))
        assert indexed is not None
        refs = pre.every.get(indexed[0], "")
        countries = {pre.rows[int(r.rstrip("+"))].split("\t")[1] for r in refs.split("\t") if r}
        bare = any(r.endswith("+") for r in refs.split("\t") if r)
        assert not (value["country"] in countries and bare), f"{surface}: the gazetteer has it"


def test_own_bureau_acronym_is_not_an_outside_body() -> None:
    assert "IAB" not in _load("people.toml")["known"]["names"]  # type: ignore[index]


def _sides(text: str, city: str = "yokohama") -> list[tuple[str, str]]:
    return [(a.text, a.side) for a in find_actors(text, city=city)]


def test_assistant_of_a_role_is_a_role() -> None:
    found = _sides("市長は米国務省のジョン・スミス国務次官補と面会した。")
    assert ("米国務省のジョン・スミス国務次官補", "other") in found
    assert ("担当課長補佐", "own") in _sides("担当課長補佐が説明した。")


def test_role_ending_in_a_known_role_takes_its_qualifier() -> None:
    found = _sides("在京大使館の経済担当官 アンナ・ベル氏が来訪した。")
    assert any(t.endswith("経済担当官 アンナ・ベル氏") and s == "other" for t, s in found)


def test_english_titles_end_in_officer_or_coordinator() -> None:
    text = "Ms. Jane Roe, Senior Programme Officer, met Mr. John Doe, Regional Coordinator."
    found = _sides(text)
    assert ("Jane Roe, Senior Programme Officer", "other") in found
    assert ("John Doe, Regional Coordinator", "other") in found


def test_unknown_municipality_before_a_role_is_another_city() -> None:
    found = _sides("北川市・南野一郎市長と面会した。", city="saitama")
    assert ("北川市・南野一郎市長", "other") in found
    assert ("ラソン島市議会", "other") in _sides("ラソン島市議会と会談した。", city="saitama")
    assert ("清水市長", "own") in _sides("清水市長が挨拶した。", city="saitama")


def test_katakana_municipality_joined_by_no_qualifies_a_role() -> None:
    found = _sides("マルカ市のアラン市長が来訪した。", city="saitama")
    assert ("マルカ市のアラン市長", "other") in found


def test_endings_of_a_body_are_general_classes() -> None:
    assert find_organisations("アルバ国常務委員会とアルバ国公園局が参加した。") == [
        "アルバ国常務委員会",
        "アルバ国公園局",
    ]
    assert find_organisations("「海辺の都市プラットフォーム」に参加した。") == [
        "海辺の都市プラットフォーム"
    ]


def test_katakana_spellings_of_one_sound_are_one_place() -> None:
    assert resolve_place("ライプチヒ") == Place("ライプチヒ", "DE")
    assert resolve_place("ライプツィヒ") == Place("ライプツィヒ", "DE")


def test_a_country_beside_a_name_admits_its_v_or_f_spelling() -> None:
    from parsers.extract.places import find_places

    found = find_places("ドイツのハノーバー市との交流を深めた。")
    assert [(m.place.name, m.place.country) for m in found] == [("ハノーバー市", "DE")]
    found = find_places("米国ハノーバー市を訪れた。")
    assert [(m.place.name, m.place.country) for m in found] == [("ハノーバー市", "US")]
