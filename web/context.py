"""What every route is handed: the store, the watch list (when known), how to read the status,
and the templates (autoescaped, with the few filters the pages need)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from citywatch.cells import cell
from citywatch.sources import Sources
from snapshots import Store
from web.views import describe, http_url

__all__ = ["Dashboard", "StatusReader", "dashboard", "json_response", "templates"]

TEMPLATES = Path(__file__).parent / "templates"

#: Reads `citywatch status --format json` from the store (the scheduler hands one in).
StatusReader = Callable[[Store], dict[str, Any]]


@dataclass(frozen=True)
class Dashboard:
    store: Store
    sources: Sources | None = None
    status: StatusReader | None = None
    cities: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def has_events(self) -> bool:
        """Whether the store keeps consolidated events (see web/events.py)."""
        return callable(getattr(self.store, "events", None))

    def city_names(self) -> list[str]:
        return sorted({c for c in self.cities.values() if c})

    def watch_ids(self) -> list[str]:
        if self.sources is not None:
            return [w.id for w in self.sources.watches]
        return [s.watch for s in self.store.status()]


def json_response(data: Any, headers: Mapping[str, str] | None = None) -> Response:
    """JSON as the CLI prints it (UTF-8 text, not \\u escapes)."""
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    return Response(body, media_type="application/json", headers=headers)


def dashboard(request: Request) -> Dashboard:
    found: Dashboard = request.app.state.dashboard
    return found


def _when(value: Any) -> str:
    """A UTC time to the minute, as people read it."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            return _when(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _query(values: Mapping[str, Any], **changes: Any) -> str:
    """`values` with `changes` applied (None removes) as a query string with its '?'."""
    merged = {**values, **changes}
    kept = [(k, str(v)) for k, v in merged.items() if v not in (None, "")]
    return "?" + urlencode(kept) if kept else ""


def _places(places: Any) -> str:
    if not places:
        return ""
    shown = []
    for place in places:
        name = place.get("name") if isinstance(place, Mapping) else getattr(place, "name", "")
        code = place.get("country") if isinstance(place, Mapping) else getattr(place, "country", "")
        shown.append(f"{name} ({code})" if code else str(name))
    return ", ".join(shown)


def _value(value: Any) -> str:
    return cell(value) or "—"


def templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        http_url=http_url, describe=describe, when=_when, places=_places, value=_value
    )
    env.globals.update(query=_query)
    return Jinja2Templates(env=env)
