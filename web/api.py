"""The JSON API under /api/ and the Atom feed. Bodies have the shapes of the CLI's JSON
(`records`, `changes`, `history KEY`, `status`), built by the same `to_dict()`s; a list that
goes on has its next page in a `Link: <...>; rel="next"` header (and `X-Next-Cursor`)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from citywatch import __version__
from snapshots.browse import ChangeFilter, changes_page, records_page
from web.context import dashboard, json_response
from web.events import read_event, read_events
from web.params import (
    CHANGE_PARAMS,
    PAGING_PARAMS,
    RECORD_PARAMS,
    BadQuery,
    Query,
    change_filter,
    paging,
    record_filter,
)
from web.views import describe, group_by_check, http_url

__all__ = ["API_ROUTES", "routes"]

_ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
# What XML 1.0 cannot carry at all: one stray control character would break the whole feed.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

#: (path, what it returns): the index at /api and the README's table say the same.
API_ROUTES: tuple[tuple[str, str], ...] = (
    ("/api/records", "current records (or as_of a time), filtered; `records --format json`"),
    ("/api/changes", "change events, oldest first (order=desc: newest); `changes --format json`"),
    ("/api/history/{key}", "every version of one record; `history KEY --format json`"),
    ("/api/status", "each watch's last check and the fleet; `status --format json`"),
    ("/api/events", "consolidated events (`events --format json`)"),
    ("/api/events/{id}", "one event: every version and every source (`event ID --format json`)"),
    ("/feed.atom", "the newest alerting changes as an Atom feed"),
)


def _query(request: Request, allowed: frozenset[str]) -> Query:
    return Query(list(request.query_params.multi_items()), allowed)


def _paged(request: Request, data: list[dict[str, Any]], following: str | None) -> Response:
    headers = {}
    if following is not None:
        url = request.url.include_query_params(cursor=following)
        headers = {"link": f'<{url.path}?{url.query}>; rel="next"', "x-next-cursor": following}
    return json_response(data, headers)


def _cursor_error(exc: ValueError) -> BadQuery:
    return BadQuery(f"cursor: {exc}")


async def index(request: Request) -> Response:
    _query(request, frozenset())
    return json_response(
        {
            "citywatch": __version__,
            "routes": [{"path": p, "returns": r} for p, r in API_ROUTES],
            "events": dashboard(request).has_events,
        }
    )


def records(request: Request) -> Response:
    board = dashboard(request)
    query = _query(request, RECORD_PARAMS | PAGING_PARAMS)
    where, page_of = record_filter(query, board.cities), paging(query)
    try:
        found = records_page(board.store, where, cursor=page_of.cursor, limit=page_of.limit)
    except ValueError as exc:
        raise _cursor_error(exc) from None
    return _paged(request, [r.to_dict() for r in found.records], found.next)


def changes(request: Request) -> Response:
    board = dashboard(request)
    query = _query(request, CHANGE_PARAMS | PAGING_PARAMS | {"order"})
    where, page_of = change_filter(query, board.cities), paging(query)
    newest_first = query.choice("order", ("asc", "desc")) == "desc"
    try:
        found = changes_page(
            board.store,
            where,
            cursor=page_of.cursor,
            limit=page_of.limit,
            newest_first=newest_first,
        )
    except ValueError as exc:
        raise _cursor_error(exc) from None
    return _paged(request, [e.to_dict() for e in found.events], found.next)


def history(request: Request) -> Response:
    _query(request, frozenset())
    key = request.path_params["key"]
    versions = dashboard(request).store.history(key)
    if not versions:
        raise HTTPException(404, f"no record with key {key!r}")
    return json_response({"key": key, "versions": [v.to_dict() for v in versions]})


def status(request: Request) -> Response:
    _query(request, frozenset())
    board = dashboard(request)
    if board.status is not None:
        return json_response(board.status(board.store))
    return json_response({"watches": [s.to_dict() for s in board.store.status()]})


def events(request: Request) -> Response:
    _query(request, frozenset())
    found = read_events(dashboard(request).store)
    if found is None:
        raise HTTPException(404, "this store keeps no consolidated events yet")
    return json_response(found)


def event(request: Request) -> Response:
    _query(request, frozenset())
    key = request.path_params["id"]
    found = read_event(dashboard(request).store, key)
    if found is None:
        raise HTTPException(404, f"no event with id {key!r}")
    return json_response(found)


def feed(request: Request) -> Response:
    """The newest alerting changes (baselines left out), one entry per check."""
    board = dashboard(request)
    _query(request, frozenset())
    where = ChangeFilter(include_baseline=False)
    groups = group_by_check(changes_page(board.store, where, limit=FEED_ENTRIES * 4).events)
    base = str(request.base_url).rstrip("/")
    ET.register_namespace("", _ATOM)
    root = ET.Element(f"{{{_ATOM}}}feed")

    def add(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{_ATOM}}}{tag}", attrs)
        node.text = _NOT_XML.sub("", text)
        return node

    add(root, "id", "urn:citywatch:changes")
    add(root, "title", "citywatch: changes")
    add(root, "updated", (groups[0].at if groups else _epoch()).isoformat())
    ET.SubElement(root, f"{{{_ATOM}}}link", {"rel": "self", "href": f"{base}/feed.atom"})
    author = ET.SubElement(root, f"{{{_ATOM}}}author")
    add(author, "name", "citywatch")
    for group in groups[:FEED_ENTRIES]:
        entry = ET.SubElement(root, f"{{{_ATOM}}}entry")
        add(entry, "id", f"urn:citywatch:{group.watch}:check:{group.check_id}")
        kinds = sorted({e.kind.replace("_", " ") for e in group.events})
        add(entry, "title", f"{group.watch}: {', '.join(kinds)}")
        add(entry, "updated", group.at.isoformat())
        link = f"{base}/changes?watch={group.watch}"
        ET.SubElement(entry, f"{{{_ATOM}}}link", {"rel": "alternate", "href": link})
        if http_url(group.url):
            ET.SubElement(entry, f"{{{_ATOM}}}link", {"rel": "via", "href": group.url})
        lines = [
            f"{e.kind}: {describe(e.record or e.before) or e.error or e.url}" for e in group.events
        ]
        add(entry, "content", "\n".join(lines), type="text")
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _epoch() -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC)


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok\n")


def routes() -> list[BaseRoute]:
    return [
        Route("/api", index),
        Route("/api/", index),
        Route("/api/records", records),
        Route("/api/changes", changes),
        Route("/api/history/{key}", history),
        Route("/api/status", status),
        Route("/api/events", events),
        Route("/api/events/{id}", event),
        Route("/feed.atom", feed),
        Route("/healthz", healthz),
    ]
