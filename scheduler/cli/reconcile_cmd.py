"""`citywatch reconcile`: the register against the cities' own pages, programme by programme.

Read only: the comparison itself lives in `snapshots/reconcile.py` (the dashboard's event page
shows the same). A disagreement is printed with both values and both URLs, never resolved."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from citywatch.settings import Settings
from scheduler.cli.output import dump_json, print_table

if TYPE_CHECKING:
    from snapshots import Reconciliation, Statement

__all__ = ["HANDLERS", "add_subcommands"]

Handler = Callable[[argparse.Namespace, Settings], int]
COLUMNS = ["event", "city", "partner", "status", "register", "city pages", "disagreement"]


def _city_slug(city: str) -> str:
    """A slug or a Japanese name (さいたま市) as the slug records carry; the list of local
    governments loads only here, when the command runs."""
    from parsers.extract.localgov import resolve

    return resolve(city).slug


def _stated(statements: Sequence[Statement]) -> str:
    return "\n".join(f"{s.start or '?'} {s.url}" for s in statements)


def _row(r: Reconciliation) -> dict[str, Any]:
    said = [
        f"{d.field}: register says {d.register} ({d.register_url}), "
        f"city page says {d.city} ({d.city_url})"
        for d in r.disagreements
    ]
    return {
        "event": r.event_id,
        "city": f"{r.city_name} ({r.city})" if r.city_name else r.city,
        "partner": r.partner,
        "status": r.status,
        "register": _stated(r.register),
        "city pages": _stated(r.city_pages),
        "disagreement": "\n".join(said),
    }


def cmd_reconcile(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.service import open_store

    city = _city_slug(args.city) if args.city else None
    with open_store(settings, existing=True) as store:
        found = store.reconcile(city=city)
    if args.format == "json":
        dump_json([r.to_dict() for r in found])
    else:
        print_table([_row(r) for r in found], COLUMNS, title="register and city pages")
    return 0


HANDLERS: dict[str, Handler] = {"reconcile": cmd_reconcile}


def add_subcommands(sub: Any) -> None:
    p = sub.add_parser(
        "reconcile",
        help="programmes: do the register and the city's own pages agree, disagree, or only "
        "one of them know it",
    )
    p.add_argument("--db", help="database URL (default: $CITYWATCH_DB or sqlite:///citywatch.db)")
    p.add_argument("--city", help="one local government: its slug (yokohama) or name (横浜市)")
    p.add_argument("--format", choices=("json", "table"), default="table")
