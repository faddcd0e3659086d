"""Pattern classes of English pages and page chrome, on sentences composed for them.

A text copy of a page keeps its breadcrumb, whose last step may be only the section the page
sits in (`News`) or cut short; English pages name states bare after `the Governor of`, head a
trip's days with the day and its stop in brackets, and capitalise a document's name. These
texts are new, with made-up details.
"""

from __future__ import annotations

from parsers.document.text import text_blocks
from parsers.extract.places import find_places
from tests.test_pattern_classes import _programmes, _records, _visits


def test_the_line_after_a_breadcrumb_is_the_title_when_it_spells_out_the_last_step() -> None:
    title, _ = text_blocks("Home > English > News\nMayor Visits Sister City Lyon\nBody text.\n")
    assert title == "Mayor Visits Sister City Lyon"
    title, _ = text_blocks("ホーム > 市政 > 知事の日程\n知事の日程(令和6年5月13日~5月19日)\n本文\n")
    assert title == "知事の日程(令和6年5月13日~5月19日)"
    title, _ = text_blocks(
        "Home > News > Delegation from Leeds Visits Ao\nDelegation from Leeds Visits Aomori\n"
    )
    assert title == "Delegation from Leeds Visits Aomori"
    # a full title in the breadcrumb stays, whatever template line follows it
    title, _ = text_blocks(
        "ホーム > 国際交流 > 市長がリヨン市を訪問しました\n横浜市プロモーション動画\n"
    )
    assert title == "市長がリヨン市を訪問しました"


def test_a_state_is_named_bare_where_the_text_says_it_is_one() -> None:
    def names(text: str) -> list[tuple[str, str | None]]:
        return [(m.place.name, m.place.country) for m in find_places(text)]

    assert names("met the Governor of Oregon") == [("Oregon", "US")]
    assert names("the Premier of Tasmania") == [("Tasmania", "AU")]
    assert names("at the Oregon State Capitol") == [("Oregon", "US")]
    assert names("visited Oregon") == []  # a state's name alone stays unread


def test_a_trips_day_headings_name_its_stops_in_brackets() -> None:
    text = "\n".join(
        (
            "Home > English > News",
            "Governor Tanaka Visits Oregon",
            "From May 12-16, 2024, Governor Ichiro Tanaka led a delegation to Oregon, USA.",
            "May 13 (Salem)",
            "The Governor met the Governor of Oregon at the State Capitol.",
            "May 14-15 (Eugene)",
            "The delegation visited a university to discuss student exchange.",
        )
    )
    [trip] = _visits(_records(text, "toyama-pref"))
    assert (trip.direction, trip.start, trip.end) == ("outbound", "2024-05-12", "2024-05-16")
    assert {"Salem", "Eugene"} <= {p.name for p in trip.places}


def test_an_agreement_capitalised_is_signed_with_its_party_not_its_venue() -> None:
    text = "\n".join(
        (
            "Home > English > News & Topics",
            "Friendship Agreement Signed with Oregon",
            "On May 14, 2024, Governor Tanaka and the Governor of Oregon signed a Friendship "
            "Exchange Agreement in Salem.",
        )
    )
    [programme] = _programmes(_records(text, "toyama-pref"))
    assert programme.start == "2024-05-14"
    assert [p.name for p in programme.places] == ["Oregon"]


def test_a_delegation_from_abroad_paying_a_call_at_home_is_received() -> None:
    text = "\n".join(
        (
            "International News",
            "Last Updated: October 3, 2023",
            "Auckland Council delegation pays a courtesy call",
            "On 2 October, a delegation of six members of Auckland Council, led by Councillor"
            " Mere Tane, paid a courtesy call on Deputy Mayor Jiro Aoki at Kobe City Hall.",
        )
    )
    (visit,) = _visits(_records(text, "kobe"))
    assert (visit.direction, visit.start) == ("inbound", "2023-10-02")
    assert visit.places[0].country == "JP"


def test_officials_from_abroad_on_a_course_in_the_city_are_received() -> None:
    text = "\n".join(
        (
            "Hue officials learn flood management in Kobe",
            "Posted on 20 November 2022",
            "From 14 to 18 November 2022, six officials from Hue City (Viet Nam) took part in a"
            " five-day course on river and flood management in Kobe, Japan.",
        )
    )
    (visit,) = _visits(_records(text, "kobe"))
    assert (visit.direction, visit.start, visit.end) == ("inbound", "2022-11-14", "2022-11-18")
    assert any("Hue" in c for c in visit.counterparts)


def test_an_english_list_of_linked_cities_dates_each_link_by_its_year() -> None:
    text = "\n".join(
        (
            "Sister Cities",
            "Last Updated: May 2, 2024",
            "Our city keeps relationships with cities around the world.",
            "Sister Cities",
            "Bordeaux (France)",
            "Established in 1962",
            "Exchanges in wine, music and youth programmes.",
            "Partner Cities",
            "Tainan (Taiwan)",
            "Partner city agreement signed in 2014",
            "Sister Ports",
            "The city's port has sister port agreements with the following ports.",
            "- Port of Tacoma (U.S.A.) - since 1972",
        )
    )
    got = sorted((p.start, p.places[0].name) for p in _programmes(_records(text, "sendai")))
    assert ("1962", "Bordeaux") in got
    assert ("2014", "Tainan") in got
    assert ("1972", "Tacoma") in got


def test_a_visit_to_a_country_named_alone_is_a_trip_there() -> None:
    text = "\n".join(
        (
            "Governor Ueda to Visit Viet Nam for Trade Promotion",
            "Published: May 7, 2025",
            "1. Period",
            "Monday, June 2 to Thursday, June 5, 2025",
            "2. Destinations",
            "Hanoi and Hai Phong, Viet Nam",
        )
    )
    (visit,) = _visits(_records(text, "mie-pref"))
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2025-06-02", "2025-06-05")
    assert {p.country for p in visit.places} == {"VN"}


def test_the_citys_people_joining_an_event_abroad_travelled_there() -> None:
    text = "\n".join(
        (
            "News",
            "Kobe engineers run a water safety workshop in Surabaya",
            "Posted on 12 October 2024",
            "From 7 to 9 October 2024, three engineers from the City of Kobe's Waterworks"
            " Bureau joined the network's team in Surabaya, Indonesia, to run a workshop on"
            " water safety planning for local officials.",
        )
    )
    (visit,) = _visits(_records(text, "kobe"))
    assert (visit.direction, visit.start, visit.end) == ("outbound", "2024-10-07", "2024-10-09")
    assert [p.country for p in visit.places] == ["ID"]


def test_a_town_with_another_name_in_brackets_before_its_country() -> None:
    found = [
        (m.place.name, m.place.country)
        for m in find_places("The mission went on to Graz, Austria, and to Ieper (Ypres), Belgium.")
    ]
    assert ("Ieper", "BE") in found and ("Graz", "AT") in found


def test_a_stop_on_the_way_home_and_a_welcome_abroad_are_the_trips() -> None:
    text = (
        "Mayor Visits Portland to Celebrate 60 Years of Sister City Friendship\n"
        "Mayor Taro Yamada led an official delegation to Portland, Oregon, U.S.A., "
        "from October 12 to October 16, 2022.\n"
        "Highlights of the visit\n"
        "On October 14, the Mayor of Portland welcomed the delegation to City Hall.\n"
        "On the way home, the delegation stopped in Seattle on October 16 and called on "
        "the Consul General of Japan.\n"
    )
    visits = _visits(_records(text, "kanazawa"))
    assert [(v.direction, v.start, v.end) for v in visits] == [
        ("outbound", "2022-10-12", "2022-10-16")
    ]
    assert {"Portland", "Seattle"} <= {p.name for p in visits[0].places}
