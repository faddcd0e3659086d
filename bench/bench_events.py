"""What linking a stored record to its event costs with 100,000 events in the store.

Target (issue 16): under 1 ms at the median, which only an indexed lookup gives. The store is
filled in bulk with events spread over 50 cities, both directions, 30 countries and twenty
years; then, many times over, one page's new record is linked inside a write transaction that
is rolled back afterwards (so the store stays the same size): half the records tell of a known
event (a source joins it), half of nothing known (a new event). The time is `link_page` alone,
its lookups and writes; the check row and record version it stands on are written beforehand.

    python -m bench.bench_events [--events 100000] [--runs 400] [--pg URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from citywatch.model import PageInfo, ParseResult, Place, Visit
from snapshots import CheckInput, Store
from snapshots.engine import writing
from snapshots.events import link_page, lookup
from snapshots.linking import facts_of
from snapshots.schema import (
    checks,
    pages,
    real_event_links,
    real_event_sources,
    real_event_versions,
    real_events,
    versions,
)

TARGET_MS = 1.0
T0 = datetime(2024, 1, 1, tzinfo=UTC)
CITIES = [f"city{n:02d}" for n in range(50)]
COUNTRIES = ["TH", "MY", "KR", "CN", "DE", "FR", "US", "VN", "PH", "ID"] + [
    f"X{n}" for n in range(20)
]
FIRST_DAY = date(2005, 1, 1).toordinal()


def _event_spec(rng: random.Random) -> tuple[str, str, str, int, int]:
    """Trips start on every fifth day and last at most four, so two trips of one city to one
    country never overlap: the filled store is what the rules would have made of it."""
    day = FIRST_DAY + 5 * rng.randrange(20 * 73)
    return (
        rng.choice(CITIES),
        rng.choice(("outbound", "inbound")),
        rng.choice(COUNTRIES),
        day,
        day + rng.randrange(4),
    )


def _visit(key: str, spec: tuple[str, str, str, int, int]) -> Visit:
    _, direction, country, lo, hi = spec
    return Visit(
        key=key,
        direction=direction,  # type: ignore[arg-type]
        start=date.fromordinal(lo).isoformat(),
        end=date.fromordinal(hi).isoformat(),
        places=(Place(country, country),),
        counterparts=(f"mayor of {country}",),
        title=f"visit {key}",
    )


def fill(store_url: str, n: int, rng: random.Random) -> list[tuple[str, str, str, int, int]]:
    """`n` one-source events, written in bulk; returns their specs."""
    unique: dict[tuple[str, str, str, int], tuple[str, str, str, int, int]] = {}
    while len(unique) < n:
        spec = _event_spec(rng)
        unique.setdefault(spec[:4], spec)
    specs = list(unique.values())
    engine = sa.create_engine(store_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as c:
        # five events a page, as a city's history page tells of several trips
        c.execute(
            sa.insert(pages),
            [
                {"id": p, "watch_id": "fill", "url": f"https://fill.example/{p}"}
                | {"site": "generic", "consecutive_failures": 0}
                for p in range(1, n // 5 + 2)
            ],
        )
        page_id = 1
        check_id = c.execute(
            sa.insert(checks)
            .values(page_id=page_id, started_at=T0, finished_at=T0, outcome="changed")
            .values(attempts=1, baseline=True)
            .returning(checks.c.id)
        ).scalar_one()
        for at in range(0, n, 10_000):
            chunk = list(enumerate(specs[at : at + 10_000], start=at + 1))
            c.execute(
                sa.insert(real_events),
                [
                    {"id": i, "type": "visit", "created_check": check_id, "created_at": T0}
                    for i, _ in chunk
                ],
            )
            rows, links, vers = [], [], []
            for i, spec in chunk:
                record = _visit(f"fill-{i}", spec)
                facts = facts_of(record, city=spec[0], published=None)
                data = record.to_dict()
                vers.append(
                    {
                        "event_id": i,
                        "version": 1,
                        "data": data,
                        "valid_from_check": check_id,
                        "valid_from_at": T0,
                    }
                )
                rows.append(
                    {
                        "id": i,
                        "event_id": i,
                        "key": record.key,
                        "page_id": i // 5 + 1,
                        "record": data,
                        "facts": facts.to_dict(),
                        "first_seen_at": T0,
                        "last_seen_at": T0,
                        "joined_check": check_id,
                        "joined_at": T0,
                    }
                )
                links.append(
                    {"source_id": i, "country": spec[2], "block": facts.block}
                    | {"lo": facts.lo, "hi": facts.hi, "published": None}
                )
            c.execute(sa.insert(real_event_versions), vers)
            c.execute(sa.insert(real_event_sources), rows)
            c.execute(sa.insert(real_event_links), links)
        if engine.dialect.name == "postgresql":
            c.exec_driver_sql("ANALYZE")
            for table in (real_events, real_event_sources, pages):
                top = sa.select(sa.func.max(table.c.id)).scalar_subquery()
                serial = sa.func.pg_get_serial_sequence(table.name, "id")
                c.execute(sa.select(sa.func.setval(serial, top)))
        else:
            c.exec_driver_sql("ANALYZE")
    engine.dispose()
    return specs


def measure(store: Store, specs: list, runs: int, rng: random.Random) -> dict[str, list[float]]:
    engine = store._engine  # the store's own engine: its connection settings, its dialect
    with engine.begin() as c:
        page_id = c.execute(
            sa.insert(pages)
            .values(watch_id="bench", url="https://bench.example/", site="generic")
            .values(consecutive_failures=0)
            .returning(pages.c.id)
        ).scalar_one()
    out: dict[str, list[float]] = {"joins": [], "new": [], "lookup": []}
    for run in range(runs):
        kind = "joins" if run % 2 == 0 else "new"
        spec = rng.choice(specs) if kind == "joins" else _event_spec(rng)
        if kind == "new":  # a country no stored event has: nothing to join
            spec = (spec[0], spec[1], "ZZ", spec[3], spec[4])
        record = _visit(f"bench-{uuid.uuid4().hex[:12]}", spec)
        at = T0 + timedelta(days=1, seconds=run)
        info = PageInfo(url="https://bench.example/", site="generic")
        check = CheckInput(
            watch_id="bench",
            url="https://bench.example/",
            site="generic",
            started_at=at,
            finished_at=at,
            outcome="changed",
            body=b"x",
            result=ParseResult(info=info, records=(record,)),
            city=spec[0],
        )
        with writing(engine) as c:
            check_id = c.execute(
                sa.insert(checks)
                .values(page_id=page_id, started_at=at, finished_at=at, outcome="changed")
                .values(attempts=1, baseline=False)
                .returning(checks.c.id)
            ).scalar_one()
            c.execute(
                sa.insert(versions).values(
                    page_id=page_id,
                    key=record.key,
                    version=1,
                    type="visit",
                    data=record.to_dict(),
                    valid_from_check=check_id,
                    valid_from_at=at,
                )
            )
            started = time.perf_counter()
            found = lookup(c, facts_of(record, city=spec[0], published=None))
            out["lookup"].append((time.perf_counter() - started) * 1000)
            assert any(
                record.key in keys and len(keys) == (2 if kind == "joins" else 1) for keys in found
            )
            started = time.perf_counter()
            changes = link_page(c, page_id, check, check_id)
            out[kind].append((time.perf_counter() - started) * 1000)
            want = "event_source_added" if kind == "joins" else "event_added"
            assert [x.kind for x in changes] == [want], (kind, changes)
            c.rollback()
    return out


def _report(name: str, timings: dict[str, list[float]]) -> bool:
    ok = True
    for kind, values in timings.items():
        values = values[10:]  # warm-up
        median = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1]
        ok &= median < TARGET_MS
        what = "lookup (find the event, read only)" if kind == "lookup" else f"link ({kind})"
        print(f"{name}: {what}: median {median:.3f} ms, p90 {p90:.3f} ms, n={len(values)}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--pg", help="also on PostgreSQL (a scratch schema, dropped afterwards)")
    args = parser.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/events.db"
        Store(url).close()
        specs = fill(url, args.events, random.Random(16))
        with Store(url) as store:
            ok &= _report(
                f"sqlite, {args.events} events", measure(store, specs, args.runs, random.Random(1))
            )
    if args.pg:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(args.pg)
        with admin.begin() as c:
            c.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = sa.make_url(args.pg).update_query_dict({"options": f"-csearch_path={schema}"})
        shown = url.render_as_string(hide_password=False)
        try:
            Store(shown).close()
            specs = fill(shown, args.events, random.Random(16))
            with Store(shown) as store:
                ok &= _report(
                    f"postgresql, {args.events} events",
                    measure(store, specs, args.runs, random.Random(1)),
                )
        finally:
            with admin.begin() as c:
                c.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            admin.dispose()
    print("target: full link median under 1 ms:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
