"""The HTML pages: server-rendered, complete without JavaScript. Each handler parses its query
(400 on anything malformed), reads through `snapshots/` and hands values to a template."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from citywatch.errors import NotFoundError, StorageError
from snapshots import EVENT_KINDS
from snapshots.browse import RecordFilter, changes_page, record_months, records_all, records_page
from snapshots.export import RECORD_COLUMNS, csv_text
from web.context import dashboard, json_response, templates
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
from web.views import country_counts, group_by_check, timeline, version_views
from web.worldmap import HEIGHT, WIDTH, countries, shade

__all__ = ["routes"]

_templates = templates()


def _render(request: Request, name: str, **context: Any) -> Response:
    board = dashboard(request)
    context.update(
        nav=request.url.path.split("/")[1] or "changes",
        has_events=board.has_events,
        cities=board.city_names(),
        watches=board.watch_ids(),
    )
    return _templates.TemplateResponse(request, name, context)


def _query(request: Request, allowed: frozenset[str]) -> Query:
    return Query(list(request.query_params.multi_items()), allowed)


async def home(request: Request) -> Response:
    return RedirectResponse("/changes", status_code=303)


def changes(request: Request) -> Response:
    board = dashboard(request)
    query = _query(request, CHANGE_PARAMS | PAGING_PARAMS)
    where = change_filter(query, board.cities)
    page_of = paging(query)
    found = _cursor(lambda: changes_page(board.store, where, cursor=page_of.cursor))
    return _render(
        request,
        "changes.html",
        groups=group_by_check(found.events),
        next=found.next,
        params=query.used(),
        kinds=EVENT_KINDS,
    )


def records(request: Request) -> Response:
    board = dashboard(request)
    query = _query(request, RECORD_PARAMS | PAGING_PARAMS)
    where = record_filter(query, board.cities)
    page_of = paging(query)
    found = _cursor(
        lambda: records_page(board.store, where, cursor=page_of.cursor, limit=page_of.limit)
    )
    return _render(
        request,
        "records.html",
        records=found.records,
        total=found.total,
        next=found.next,
        params=query.used(),
        city_of=board.cities,
    )


def records_csv(request: Request) -> Response:
    board = dashboard(request)
    where = record_filter(_query(request, RECORD_PARAMS), board.cities)
    text = csv_text((r.to_dict() for r in records_all(board.store, where)), RECORD_COLUMNS)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="citywatch-records.csv"'},
    )


def records_json(request: Request) -> Response:
    board = dashboard(request)
    where = record_filter(_query(request, RECORD_PARAMS), board.cities)
    return json_response([r.to_dict() for r in records_all(board.store, where)])


def record(request: Request) -> Response:
    board = dashboard(request)
    _query(request, frozenset())
    key = request.path_params["key"]
    history = board.store.history(key)
    if not history:
        raise HTTPException(404, f"no record with key {key!r}")
    return _render(request, "record.html", key=key, views=list(reversed(version_views(history))))


def timeline_page(request: Request) -> Response:
    board = dashboard(request)
    query = _query(request, RECORD_PARAMS)
    where = record_filter(query, board.cities)
    visits = record_months(board.store, _with(where, type="visit"))
    programmes = (
        [] if where.type == "visit" else records_all(board.store, _with(where, "programme"))
    )
    view = timeline(visits if where.type != "programme" else [], programmes, board.cities)
    return _render(request, "timeline.html", timeline=view, params=query.used())


def map_page(request: Request) -> Response:
    board = dashboard(request)
    query = _query(request, RECORD_PARAMS)
    where = record_filter(query, board.cities)
    if where.type is None:
        where = _with(where, type="visit")
    counts = country_counts(records_all(board.store, where))
    shapes = [(c, counts.get(c.code or "", 0)) for c in countries()]
    known = {c.code for c in countries()}
    return _render(
        request,
        "map.html",
        shapes=[(c, n, shade(n)) for c, n in shapes],
        unmapped=sorted((code, n) for code, n in counts.items() if code not in known),
        ranking=sorted(counts.items(), key=lambda item: (-item[1], item[0])),
        width=WIDTH,
        height=HEIGHT,
        params={**query.used(), "type": where.type},
    )


def watches(request: Request) -> Response:
    board = dashboard(request)
    _query(request, frozenset())
    if board.status is not None:
        status = board.status(board.store)
    else:
        status = {"watches": [s.to_dict() for s in board.store.status()]}
    return _render(request, "watches.html", status=status)


def diff(request: Request) -> Response:
    board = dashboard(request)
    query = _query(request, frozenset({"url", "from", "to"}))
    checks: dict[str, int | None] = {}
    for name in ("from", "to"):
        value = query.get(name)
        if value is not None and not (value.isascii() and value.isdigit() and len(value) < 12):
            raise BadQuery(f"{name} must be a check number")
        checks[name] = int(value) if value is not None else None
    watch = request.path_params["watch"]
    try:
        text = board.store.page_text_diff(
            watch, url=query.get("url"), from_check=checks["from"], to_check=checks["to"]
        )
        problem = None
    except NotFoundError:
        raise HTTPException(404, f"no page of watch {watch!r} with that address") from None
    except StorageError as exc:
        if "no such page" in exc.message:
            raise HTTPException(404, f"no page of watch {watch!r} with that address") from None
        text, problem = "", exc.message
    return _render(
        request, "diff.html", watch=watch, url=query.get("url"), text=text, problem=problem
    )


def events(request: Request) -> Response:
    board = dashboard(request)
    _query(request, frozenset())
    found = read_events(board.store)
    if found is None:
        raise HTTPException(404, "this store keeps no consolidated events yet")
    return _render(request, "events.html", events=found)


def event(request: Request) -> Response:
    board = dashboard(request)
    _query(request, frozenset())
    key = request.path_params["id"]
    found = read_event(board.store, key)
    if found is None:
        raise HTTPException(404, f"no event with id {key!r}")
    versions = list(reversed(found["versions"]))
    changes = []
    for i, version in enumerate(versions):
        older = versions[i + 1]["data"] if i + 1 < len(versions) else None
        data = version["data"]
        names = [n for n in data if n not in ("sources",)]
        changed = {n for n in names if older is not None and older.get(n) != data.get(n)}
        changes.append((version, [(n, data.get(n), (older or {}).get(n)) for n in names], changed))
    return _render(
        request,
        "event.html",
        event=found["event"],
        versions=changes,
        sources=found["sources"],
        reconciliation=found.get("reconciliation"),
    )


def _with(where: RecordFilter, type: str) -> RecordFilter:
    return replace(where, type=type)


def _cursor(read: Any) -> Any:
    """A cursor the store refuses is the client's mistake (400), not ours."""
    try:
        return read()
    except ValueError as exc:
        raise BadQuery(f"cursor: {exc}") from None


def routes() -> list[BaseRoute]:
    return [
        Route("/", home),
        Route("/changes", changes),
        Route("/records", records),
        Route("/records.csv", records_csv),
        Route("/records.json", records_json),
        Route("/records/{key}", record),
        Route("/events", events),
        Route("/events/{id}", event),
        Route("/timeline", timeline_page),
        Route("/map", map_page),
        Route("/watches", watches),
        Route("/diff/{watch}", diff),
    ]
