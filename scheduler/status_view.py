"""What `citywatch status` shows, as values: one row per watch of the watch list (last check,
result, next due, pages, failures, last error) and the fleet when the database runs one.

Written once for the command line and the dashboard (`web/` is handed `status_json`, so it
never imports the scheduler)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from citywatch.sources import Sources

if TYPE_CHECKING:
    from scheduler.fleet.status import FleetStatus
    from snapshots import Store

__all__ = ["fleet_of", "status_json", "watch_rows"]


def watch_rows(
    store: Store, sources: Sources, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """One row per watch of `sources`, in the watch list's order."""
    from scheduler.daemon import first_run

    known = {s.watch: s for s in store.status()}
    now = now or datetime.now(UTC)
    rows = []
    for watch in sources.watches:
        s = known.get(watch.id)
        last = s.last_check_at if s else None
        due = first_run(watch.id, watch.interval, last, now)
        rows.append(
            {
                "watch": watch.id,
                "url": watch.url,
                "last_check": last.isoformat() if last else None,
                "result": s.last_outcome if s else None,
                "next_due": due.isoformat(),
                "pages": s.pages if s else 0,
                "consecutive_failures": s.consecutive_failures if s else 0,
                "last_error": s.last_error if s else None,
            }
        )
    return rows


def fleet_of(store: Store, db_url: str, sources: Sources) -> FleetStatus | None:
    """The fleet's workers, queue depth and lag, when this database runs a fleet."""
    if store.dialect != "postgresql":
        return None
    from scheduler.fleet.queue import fleet_tables_exist
    from scheduler.fleet.status import fleet_status

    if not fleet_tables_exist(db_url):
        return None
    return fleet_status(db_url, sources)


def status_json(store: Store, db_url: str, sources: Sources) -> dict[str, Any]:
    """`citywatch status --format json`."""
    rows = watch_rows(store, sources)
    fleet = fleet_of(store, db_url, sources)
    return {"watches": rows, **({"fleet": fleet.to_dict()} if fleet else {})}
