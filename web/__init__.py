"""The read-only dashboard and JSON API (`citywatch serve`, `citywatch daemon --serve`).

Reads the history only through `snapshots/`; imports neither `scraper/` nor `parsers/`."""

from web.app import create_app

__all__ = ["create_app"]
