"""Pattern classes of where a visit went, on texts composed for them.

A small town abroad that no gazetteer lists is placed by what the page writes beside it: the
state it lies in (`X州のY`), its country in a bracket after a ward (`Y区(オーストリア)`), the city
it is a district of (`ウィーン市Y区`). A ministry is visited in the capital. A sentence telling
what a city does as a rule is no visit of its own. These texts are new, with made-up details.
"""

from __future__ import annotations

from parsers.extract.abroad import Home, page_places
from parsers.extract.mentions import read_mention
from parsers.extract.places import find_places
from parsers.extract.places import home as home_city
from parsers.extract.when import DateContext
from tests.test_pattern_classes import _records, _visits


def _placed(text: str) -> list[tuple[str, str | None]]:
    return [(m.place.name, m.place.country) for m in find_places(text)]


def test_a_bare_town_right_after_its_state_is_placed_in_the_states_country() -> None:
    assert ("ヘイリーベリー", "CA") in _placed("カナダ・オンタリオ州のヘイリーベリーを訪れた")
    assert ("サンドポイント", "US") in _placed("アメリカ合衆国アイダホ州・サンドポイントから")
    # written straight after the state, a bare word may be the state's own event
    assert _placed("アイダホ州プロモーション") == [("アイダホ州", "US")]
    # a bare word after a country alone is as often a person or a dish
    assert _placed("カナダのヘイリーベリーさん") == []


def test_a_ward_abroad_is_placed_by_its_bracket_or_its_city() -> None:
    assert ("ヘルナルス区", "AT") in _placed("友好都市ヘルナルス区(オーストリア)")
    assert ("ヘルナルス区", "AT") in _placed("ウィーン市ヘルナルス区との交流")
    assert ("ヘルナルス区", "AT") in _placed("ウィーン市のヘルナルス区と")


def test_a_ministry_is_visited_in_the_capital() -> None:
    text = "町長が霞が関の総務省を訪問しました。"
    home = Home(home_city("karuizawa"), "karuizawa", page_places(text))
    mention = read_mention(text, home, DateContext(published="2024-06-01"))
    assert mention is not None and mention.kind == "out"
    assert [p.country for p in mention.dests] == ["JP"]
    # a ministry abroad stays abroad
    text = "市長がベトナム社会主義共和国の天然資源環境省を訪問しました。"
    mention = read_mention(text, home, DateContext(published="2024-06-01"))
    assert mention is not None and [p.country for p in mention.dests] == ["VN"]


def test_a_standing_practice_is_no_visit_beside_a_dated_one() -> None:
    text = (
        "姉妹都市 ヘイリーベリー町(カナダ)\n"
        "これまでの主な交流\n"
        "・青少年の受入れ:ヘイリーベリー町の高校生を毎年受け入れています。\n"
        "・提携20周年:令和2年(2020年)2月、町長を団長とする訪問団がヘイリーベリー町を訪問し、"
        "記念式典に出席しました。\n"
    )
    visits = _visits(_records(text, "karuizawa"))
    assert [(v.direction, v.start) for v in visits] == [("outbound", "2020-02")]


def test_a_group_sent_to_a_city_abroad_is_not_its_guests() -> None:
    text = "ハミルトン市姉妹都市提携40周年記念 市民訪問団の派遣について"
    home = Home(home_city("tsuchiura"), "tsuchiura", page_places(text))
    mention = read_mention(text, home, DateContext(published="2024-06-01"))
    assert mention is None or mention.kind != "in"
    text = "ハミルトン市青少年訪問団 表敬訪問(市長応接室)"
    mention = read_mention(text, home, DateContext(published="2024-06-01"))
    assert mention is not None and mention.kind == "in"
