"""`create_app`: the dashboard as one ASGI app over one open `Store`.

Why Starlette, Jinja2 and uvicorn: each is small, widely used and kept up to date; Starlette
gives routing, static files and a test client without a framework's worth of magic; Jinja2
autoescapes everything it renders; uvicorn runs in the daemon's own event loop as easily as on
its own. No Node build step: the one vendored asset (the world's boundaries) is a pinned file."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from citywatch.errors import StorageError
from citywatch.sources import Sources
from snapshots import Store
from web import api, pages
from web.context import Dashboard, StatusReader
from web.guard import Guard
from web.params import BadQuery

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"


def _problem(request: Request, status: int, message: str) -> Response:
    """One line, never a traceback: JSON under /api/, plain text elsewhere."""
    line = " ".join(message.split())
    if request.url.path.startswith("/api"):
        return JSONResponse({"error": line}, status_code=status)
    return PlainTextResponse(line + "\n", status_code=status)


async def _bad_query(request: Request, exc: Exception) -> Response:
    return _problem(request, 400, str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _problem(request, exc.status_code, str(exc.detail))


async def _storage_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StorageError)
    return _problem(request, 503, f"the history cannot be read now: {exc.message}")


async def _unexpected(request: Request, exc: Exception) -> Response:
    return _problem(request, 500, "internal error (see the server's log)")


def create_app(
    store: Store,
    *,
    sources: Sources | None = None,
    status: StatusReader | None = None,
    token: str | None = None,
) -> Guard:
    """The dashboard over `store`. `sources` gives cities to filter by and the watch list;
    `status` reads `/api/status` (the CLI's shape); `token`, when set, is asked of every
    request but /healthz."""
    cities = {w.id: w.city for w in sources.watches} if sources is not None else {}
    app = Starlette(
        routes=[
            *pages.routes(),
            *api.routes(),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        exception_handlers={
            BadQuery: _bad_query,
            HTTPException: _http_error,
            StorageError: _storage_error,
            Exception: _unexpected,
        },
    )
    app.state.dashboard = Dashboard(store, sources, status, cities)
    return Guard(app, token=token)
