"""Text from pages is data, never markup: it is escaped in HTML alert bodies and in the Atom
feed, so a page cannot put a script, an image or a link into an alert reader's screen."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from defusedxml.ElementTree import parse as safe_parse

from scheduler.alerts import compose
from scheduler.feed import FeedEntry, append_entries
from snapshots import ChangeEvent
from tests.support import sitecopy
from tests.support.faults import run_measured, sources_text
from tests.support.httpserver import TestServer
from tests.support.webhook import Webhook

MARKUP = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:x">y</a>'
URL = 'http://www.city.example.jp/p.html?a=1&b="><script>alert(3)</script>'
AT = datetime(2024, 7, 1, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


def _event(kind: str, **fields: object) -> ChangeEvent:
    base: dict[str, object] = {
        "id": 1,
        "at": AT,
        "kind": kind,
        "watch": "w",
        "url": URL,
        "record": None,
        "before": None,
        "fields": (),
        "baseline": False,
        "check_id": 7,
        "error": None,
    }
    base.update(fields)
    return ChangeEvent(**base)  # type: ignore[arg-type]


def _visit(tag: str) -> dict[str, object]:
    return {
        "key": "v-1",
        "type": "visit",
        "direction": "inbound",
        "start": "2024-07-01",
        "end": None,
        "places": [{"name": f"{tag}ウィーン", "country": "AT"}],
        "participants": [f"{tag}市長"],
        "counterparts": [f"{tag}代表団"],
        "title": f"{tag}訪問",
        "summary": tag,
    }


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _tags(body: str) -> _Tags:
    parser = _Tags()
    parser.feed(body)
    parser.close()
    return parser


EVENTS = [
    _event("record_added", record=_visit(MARKUP)),
    _event(
        "record_changed",
        record=_visit(MARKUP),
        before=_visit("<b>old</b>"),
        fields=("participants",),
    ),
    _event("record_removed", record=_visit(MARKUP)),
    _event("page_failed", error=f"HTTP 500 {MARKUP}"),
    _event("layout_changed"),
]


@pytest.mark.parametrize("event", EVENTS, ids=[e.kind for e in EVENTS])
def test_the_html_alert_body_shows_page_text_as_text(event: ChangeEvent) -> None:
    body = compose([event], home="さいたま市").html
    parsed = _tags(body)
    assert {tag for tag, _ in parsed.tags} <= {"ul", "li", "p", "a"}, parsed.tags
    for tag, attrs in parsed.tags:
        assert [name for name, _ in attrs] == (["href"] if tag == "a" else []), (tag, attrs)
        if tag == "a":
            assert attrs[0][1] == URL
    if event.kind != "layout_changed":
        assert "<script>alert(1)</script>" in "".join(parsed.text), "page text lost"


def test_the_atom_feed_keeps_page_text_as_text(tmp_path: Path) -> None:
    feed = tmp_path / "changes.atom"
    text = f"{MARKUP} ]]> &amp; \x00\x1b end"
    entry = FeedEntry(
        id=FeedEntry.entry_id("w", 7),
        title=f"title {MARKUP}",
        updated=AT,
        link=URL,
        text=text,
        watch="w",
    )
    assert append_entries(feed, [entry]) == 1
    root = safe_parse(str(feed)).getroot()
    [node] = root.findall(f"{ATOM}entry")
    content, title, link = (node.find(f"{ATOM}{t}") for t in ("content", "title", "link"))
    assert content is not None and title is not None and link is not None
    assert content.get("type", "text") == "text" and title.get("type", "text") == "text"
    assert list(content) == [] and list(title) == [], "page text became XML elements"
    assert content.text == f"{MARKUP} ]]> &amp; \x1b end".replace("\x1b", "")
    assert title.text == f"title {MARKUP}"
    assert link.get("href") == URL
    raw = feed.read_text(encoding="utf-8")
    assert "<script>" not in raw and "&lt;script&gt;" in raw


def test_an_html_channel_receives_escaped_page_text(tmp_path: Path) -> None:
    """End to end: a visit on a real page whose people text holds markup, alerted (baseline,
    --alert-initial) to a webhook that takes HTML."""
    root = sitecopy.copy_sites(tmp_path / "sites")
    page = sitecopy.find_page("saitama-history")
    sitecopy.add_visit(
        root,
        page.path,
        heading="国際会議への出席",
        date_text="令和6年7月10日(水曜日)",
        place_text="オーストリア・ウィーン市",
        people_text="清水勇人 さいたま市長 <b>bold</b>",
        body_text="<script>alert(1)</script>本市の取組を紹介しました。",
    )
    with TestServer(docroot=root) as server, Webhook() as hook:
        watch = {
            "id": "history",
            "url": page.url(server.base_url),
            "site": page.site,
            "city": page.city,
            "alert_on": ["record_added"],  # the record's own line carries its people text
        }
        sources = tmp_path / "sources.toml"
        sources.write_text(
            sources_text(
                [watch],
                defaults={"allow_private": True, "per_host_delay": "0s"},
                alerts=[hook.apprise_url + "?format=html"],
            ),
            encoding="utf-8",
        )
        done = run_measured(
            "crawl",
            "--sources",
            str(sources),
            "--db",
            f"sqlite:///{tmp_path / 'cw.db'}",
            "--alert-initial",
            env={"CITYWATCH_FEED": str(tmp_path / "feed.atom")},
        )
        assert done.returncode == 0, done.stderr[-2000:]
        bodies = [r.json()["message"] for r in hook.accepted]
    assert bodies, "nothing was alerted"
    body = "\n".join(bodies)
    assert "<b>bold</b>" not in body and "<script>" not in body
    assert html.escape("<b>bold</b>") in body, "the marked-up name never reached the alert"
