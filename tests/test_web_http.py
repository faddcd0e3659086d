"""The dashboard and API at the HTTP level, on SQLite and PostgreSQL: every page and route, the
CLI's JSON shapes, filters, cursors, ETag/304, the security headers, 400s and 404s."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from citywatch.model import Evidence, Place
from citywatch.sources import Sources, sources_from_dict
from scheduler.status_view import status_json
from snapshots import Store
from tests.support.db import PageFeed, programme, visit
from web import create_app

HOSTILE = '<script>window.__pwned=1</script>"\' onmouseover="window.__pwned=2" x=\''


def _sources() -> Sources:
    return sources_from_dict(
        {
            "defaults": {},
            "watch": [
                {"id": "sai", "url": "https://example.org/a", "site": "saitama", "city": "saitama"},
                {
                    "id": "yok",
                    "url": "https://example.org/y",
                    "site": "yokohama",
                    "city": "yokohama",
                },
            ],
        }
    )


def _seed(store: Store) -> None:
    sai = PageFeed(watch_id="sai", url="https://example.org/a")
    yok = PageFeed(
        watch_id="yok",
        url="https://example.org/y",
        site="yokohama",
        clock=datetime(2024, 2, 1, tzinfo=UTC),
    )
    store.record_check(
        sai.changed(
            visit("v-kl", start="2023-08-06", places=(Place("クアラルンプール", "MY"),)),
            visit("v-wien", start="2024-07-10", end="2024-07-12", places=(Place("Wien", "AT"),)),
            programme("p-citynet"),
            baseline=True,
        )
    )
    store.record_check(
        sai.changed(
            visit(
                "v-kl",
                start="2023-08-07",
                places=(Place("クアラルンプール", "MY"),),
                evidence=Evidence(when=WORDS, where="市長がクアラルンプール市を訪問"),
            ),
            visit("v-wien", start="2024-07-10", end="2024-07-12", places=(Place("Wien", "AT"),)),
            programme("p-citynet"),
        )
    )
    store.record_check(
        yok.changed(
            visit(
                "v-in",
                start="2024-03-02",
                direction="inbound",
                places=(Place("Hanoi", "VN"),),
                title=HOSTILE,
                summary="javascript:alert(1)",
            ),
            visit("v-fr", start="2024-05", places=(Place("Paris", "FR"),), title="Paris trip"),
            baseline=True,
        )
    )


WORDS = '令和5年8月7日、市長が<b onmouseover="x">訪問</b>しました'
"""A record's evidence, with markup that must stay text."""


@pytest.fixture
def client(store_url: str) -> Iterator[TestClient]:
    with Store(store_url) as store:
        _seed(store)
        sources = _sources()
        app = create_app(
            store, sources=sources, status=lambda s: status_json(s, store_url, sources)
        )
        with TestClient(app) as test_client:
            yield test_client


PAGES = [
    "/changes",
    "/records",
    "/records/v-kl",
    "/timeline",
    "/map",
    "/watches",
    "/diff/sai",
]


@pytest.mark.parametrize("path", PAGES)
def test_each_page_answers_with_html_and_strict_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in response.text.replace('<script src="/static/app.js" defer>', "")
    assert not re.search(r"\son\w+=[\"']", response.text)  # no inline handlers anywhere


def test_the_home_page_leads_to_changes(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/changes"


def test_api_records_is_the_cli_shape(client: TestClient, store_url: str) -> None:
    with Store(store_url) as store:
        expected = {r.key: r.to_dict() for r in store.current_records()}
    got = client.get("/api/records?limit=1000").json()
    assert {r["key"]: r for r in got} == expected


def test_api_history_status_and_changes_are_the_cli_shapes(
    client: TestClient, store_url: str
) -> None:
    with Store(store_url) as store:
        history = {"key": "v-kl", "versions": [v.to_dict() for v in store.history("v-kl")]}
        changes = [e.to_dict() for e in store.changes()]
        status = status_json(store, store_url, _sources())
    assert client.get("/api/history/v-kl").json() == history
    assert client.get("/api/changes?limit=1000").json() == changes
    got = client.get("/api/status").json()
    for row in got["watches"]:
        row.pop("next_due")
    for row in status["watches"]:
        row.pop("next_due")
    assert got == status


def test_cursor_pagination_walks_every_record_once(client: TestClient) -> None:
    seen: list[str] = []
    url = "/api/records?limit=2"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [r["key"] for r in response.json()]
        link = response.headers.get("link")
        url = re.match(r"<([^>]+)>", link).group(1) if link else ""  # type: ignore[union-attr]
    assert sorted(seen) == sorted(["v-kl", "v-wien", "p-citynet", "v-in", "v-fr"])
    assert len(seen) == len(set(seen))
    assert seen[:2] == ["v-wien", "v-fr"]  # newest start first


def test_changes_cursor_and_order(client: TestClient) -> None:
    everything = client.get("/api/changes?limit=1000").json()
    newest = client.get("/api/changes?order=desc&limit=3")
    assert [e["id"] for e in newest.json()] == [e["id"] for e in everything[::-1][:3]]
    following = client.get(
        f"/api/changes?order=desc&limit=3&cursor={newest.headers['x-next-cursor']}"
    )
    assert [e["id"] for e in following.json()] == [e["id"] for e in everything[::-1][3:6]]


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("type=programme", {"p-citynet"}),
        ("direction=inbound", {"v-in"}),
        ("city=yokohama", {"v-in", "v-fr"}),
        ("watch=sai&type=visit", {"v-kl", "v-wien"}),
        ("country=at", {"v-wien"}),
        ("q=paris", {"v-fr"}),
        ("q=クアラ", {"v-kl"}),
        ("from=2024-05&to=2024-07-10", {"v-fr", "v-wien"}),
        ("from=2024-07-11", {"v-wien"}),
        ("to=2023-12-31&type=visit", {"v-kl"}),
        ("as_of=2024-01-01T00:01:30Z", {"v-kl", "v-wien", "p-citynet"}),
        ("as_of=2020-01-01", set()),
    ],
)
def test_record_filters(client: TestClient, query: str, keys: set[str]) -> None:
    got = client.get(f"/api/records?{query}").json()
    assert {r["key"] for r in got} == keys
    page = client.get(f"/records?{query}")
    assert page.status_code == 200
    assert set(re.findall(r'data-key="([^"]+)"', page.text)) == keys


def test_as_of_shows_the_version_that_stood_then(client: TestClient) -> None:
    got = client.get("/api/records?as_of=2024-01-01T00:01:30Z&type=visit&country=MY").json()
    assert [r["start"] for r in got] == ["2023-08-06"]


def test_downloads_hold_the_filtered_view(client: TestClient) -> None:
    text = client.get("/records.csv?city=saitama&type=visit").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["key"] for r in rows} == {"v-kl", "v-wien"}
    assert rows[0]["places"] == "Wien (AT)"
    data = client.get("/records.json?city=saitama&type=visit").json()
    assert {r["key"] for r in data} == {"v-kl", "v-wien"}


@pytest.mark.parametrize(
    "path",
    [
        "/records?type=trip",
        "/records?from=July",
        "/records?country=JPN",
        "/records?as_of=yesterday",
        "/records?cursor=%%%",
        "/records?bogus=1",
        "/records?type=visit&type=programme",
        "/api/records?limit=0",
        "/api/records?limit=99999",
        "/api/records?cursor=WyJ4Il0",
        "/api/changes?kind=nothing",
        "/api/changes?since=2025-01-02&until=2025-01-01",
        "/changes?baseline=maybe",
        "/diff/sai?from=abc",
        "/timeline?to=2024-13",
        "/map?direction=sideways",
        "/api/status?x=1",
    ],
)
def test_bad_parameters_are_a_one_line_400(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    body = response.text.strip()
    assert "\n" not in body and "Traceback" not in body and body
    if path.startswith("/api"):
        assert set(response.json()) == {"error"}


@pytest.mark.parametrize(
    "path", ["/records/no-such-key", "/api/history/no-such-key", "/diff/nowatch", "/nowhere"]
)
def test_unknown_keys_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "\n" not in response.text.strip()


def test_events_are_shown_now_the_store_keeps_them(client: TestClient) -> None:
    assert client.get("/events").status_code == 200
    events = client.get("/api/events")
    assert events.status_code == 200 and isinstance(events.json(), list)
    assert client.get("/api").json()["events"] is True
    assert 'href="/events"' in client.get("/records").text


# /api/status is left out: its `next_due` of an overdue watch moves with the clock, so two
# answers are rarely the same (it still carries an ETag).
@pytest.mark.parametrize("path", [*PAGES, "/api/records", "/api/changes", "/feed.atom", "/api"])
def test_every_get_has_an_etag_and_answers_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    tag = first.headers["etag"]
    again = client.get(path, headers={"if-none-match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag


def test_static_files_are_served_with_validators(client: TestClient) -> None:
    response = client.get("/static/app.js")
    assert response.status_code == 200 and "etag" in response.headers
    assert (
        client.get(
            "/static/app.js", headers={"if-none-match": response.headers["etag"]}
        ).status_code
        == 304
    )


def test_nothing_but_get_and_head(client: TestClient) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert client.request(method, "/records").status_code == 405
    head = client.head("/records")
    assert head.status_code == 200 and head.content == b""


def test_hostile_strings_are_escaped_and_never_links(client: TestClient) -> None:
    page = client.get("/records?city=yokohama").text
    assert HOSTILE not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert 'onmouseover="' not in page
    record = client.get("/records/v-in").text
    assert 'href="javascript:' not in record and "javascript:alert(1)" in record


def test_the_timeline_counts_visits_per_month_and_city(client: TestClient) -> None:
    page = client.get("/timeline").text
    months = re.findall(r'<tr data-month="([^"]+)"><td>[^<]*</td><td>([^<]*)</td>', page)
    assert ("2024-07", "saitama") in months and ("2024-03", "yokohama") in months
    assert ("2023-08", "saitama") in months and ("2024-05", "yokohama") in months
    assert 'class="bar inbound" data-month="2024-03"' in page


def test_the_map_shades_each_named_country(client: TestClient) -> None:
    page = client.get("/map").text
    shaded = set(re.findall(r'class="country shaded s\d" data-code="([A-Z]{2})"', page))
    assert shaded == {"MY", "AT", "VN", "FR"}
    assert 'href="/records?type=visit&amp;country=AT"' in page


def test_the_changes_page_groups_by_check_and_links(client: TestClient) -> None:
    page = client.get("/changes").text
    assert page.count('<section class="check"') == 3
    assert "/records/v-kl" in page and "/diff/sai?" in page
    only = client.get("/changes?kind=record_changed").text
    assert only.count('<section class="check"') == 1 and "start" in only


def test_the_record_page_shows_what_each_version_changed(client: TestClient) -> None:
    page = client.get("/records/v-kl").text
    assert "Version 2" in page and "Version 1" in page
    changed = re.findall(r'<tr class="changed">\s*<th>(\w+)</th>', page)
    assert changed == ["start"]


def test_the_diff_page_shows_the_page_text_change(client: TestClient) -> None:
    page = client.get("/diff/sai").text
    assert 'class="add"' in page and "2023-08-07" in page


def test_the_feed_is_atom_without_baselines(client: TestClient) -> None:
    response = client.get("/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert response.text.count("<entry>") == 1  # the one check after the baselines
    assert "record_changed" in response.text


def test_watches_show_the_status_rows(client: TestClient) -> None:
    page = client.get("/watches").text
    assert "sai" in page and "yok" in page and "changed" in page


def test_the_api_index_lists_the_routes(client: TestClient) -> None:
    paths = [r["path"] for r in client.get("/api").json()["routes"]]
    assert "/api/records" in paths and "/feed.atom" in paths


def test_a_token_is_asked_for_and_moves_to_a_cookie(tmp_path: Path) -> None:
    token = "s3cret-token-0123456789"
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        _seed(store)
        with TestClient(create_app(store, token=token)) as anonymous:
            assert anonymous.get("/records").status_code == 401
            assert (
                anonymous.get("/api/records", headers={"authorization": "Bearer nope"}).status_code
                == 401
            )
            assert anonymous.get("/healthz").status_code == 200
            assert (
                anonymous.get(
                    "/api/records", headers={"authorization": f"Bearer {token}"}
                ).status_code
                == 200
            )
            moved = anonymous.get(f"/records?type=visit&token={token}", follow_redirects=False)
            assert moved.status_code == 303 and moved.headers["location"] == "/records?type=visit"
            assert "HttpOnly" in moved.headers["set-cookie"]
            assert anonymous.get("/records?type=visit").status_code == 200  # by the cookie


def test_json_is_utf8_text(client: TestClient) -> None:
    raw = client.get("/api/records?country=MY").content.decode("utf-8")
    assert "クアラルンプール" in raw
    assert json.loads(raw)[0]["places"][0]["country"] == "MY"


def test_a_record_page_shows_the_pages_words_beside_each_field(client: TestClient) -> None:
    page = client.get("/records/v-kl").text
    assert "The page&#39;s words" in page or "The page's words" in page
    assert str(escape(WORDS)) in page and "<b onmouseover" not in page
    assert "市長がクアラルンプール市を訪問" in page


def test_an_event_page_shows_its_versions_and_sources(client: TestClient) -> None:
    listed = client.get("/api/events").json()
    assert listed, "the seeded records made no event"
    first = listed[0]
    detail = client.get(f"/api/events/{first['id']}").json()
    assert detail["versions"] and detail["sources"]
    page = client.get(f"/events/{first['id']}")
    assert page.status_code == 200
    for source in detail["sources"]:
        assert f"/records/{source['key']}" in page.text
    assert f'href="/events/{first["id"]}"' in client.get("/events").text
    for missing in ("/events/999999", "/events/abc", "/api/events/999999"):
        assert client.get(missing).status_code == 404
