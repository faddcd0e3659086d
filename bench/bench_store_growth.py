"""How much the database grows when nothing changes.

Target (issue 6): 100 checks with nothing changed add no body and grow the database by less than
1 KB per watch per check. Each watch gets a baseline (a ~60 KB page with 20 visits), then
`--checks` unchanged checks carrying the validators a real 200-with-same-hash or 304 brings.

    python -m bench.bench_store_growth [--watches 20] [--checks 100] [--pg URL]

SQLite growth is the file size after a WAL checkpoint; PostgreSQL growth (with --pg, e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/test) is the summed table and index size, dead row
versions included (no VACUUM in between), in a scratch schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from citywatch.model import PageInfo, ParseResult, Place, Visit
from snapshots import CheckInput, Store
from snapshots.schema import blobs

TARGET_BYTES = 1024
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _page(watch: int) -> tuple[bytes, ParseResult, str]:
    url = f"https://www.city.example.lg.jp/{watch}/index.html"
    visits = tuple(
        Visit(
            direction="outbound",
            start=f"2023-{n % 12 + 1:02d}-{n % 27 + 1:02d}",
            places=(Place("クアラルンプール", "MY"),),
            participants=("清水勇人市長",),
            title=f"市長の海外出張 {watch}-{n}",
            summary="友好都市との交流事業について意見交換を行いました。" * 3,
            key=f"v-{watch}-{n}",
        )
        for n in range(20)
    )
    text = "\n".join(f"{v.title} {v.summary}" for v in visits)
    body = ("<html><body>" + "<p>" + text + "</p>" * 40 + "</body></html>").encode()
    return body, ParseResult(PageInfo(url, "saitama"), visits, text), url


def _run(url: str, watches: int, checks: int, size: Callable[[], int]) -> None:
    with Store(url) as store:
        for w in range(watches):
            body, result, page_url = _page(w)
            store.record_check(
                CheckInput(
                    watch_id=f"watch-{w}",
                    url=page_url,
                    site="saitama",
                    started_at=T0,
                    finished_at=T0 + timedelta(seconds=1),
                    outcome="changed",
                    http_status=200,
                    body=body,
                    content_type="text/html",
                    encoding="utf-8",
                    etag=f'W/"{hashlib.sha256(body).hexdigest()[:16]}"',
                    last_modified="Mon, 01 Jan 2024 00:00:00 GMT",
                    sha256=hashlib.sha256(body).hexdigest(),
                    result=result,
                    baseline=True,
                    channels=("json://127.0.0.1:8080/hook",),
                )
            )
        before, bodies_before = size(), _bodies(url)
        started = time.perf_counter()
        for n in range(1, checks + 1):
            for w in range(watches):
                page = store.page_state(f"watch-{w}", _page(w)[2])
                assert page is not None
                at = T0 + timedelta(hours=6 * n, seconds=w)
                store.record_check(
                    CheckInput(
                        watch_id=f"watch-{w}",
                        url=page.url,
                        site="saitama",
                        started_at=at,
                        finished_at=at + timedelta(milliseconds=350),
                        outcome="unchanged",
                        http_status=304,
                        etag=page.etag,
                        last_modified=page.last_modified,
                        sha256=page.sha256,
                        channels=("json://127.0.0.1:8080/hook",),
                    )
                )
        elapsed = time.perf_counter() - started
        after, bodies_after = size(), _bodies(url)
    total = watches * checks
    per_check = (after - before) / total
    verdict = "OK" if per_check < TARGET_BYTES and bodies_after == bodies_before else "OVER"
    print(f"  watches={watches} unchanged checks per watch={checks}")
    print(f"  size before={before:,} B after={after:,} B growth={after - before:,} B")
    print(f"  bodies stored before={bodies_before} after={bodies_after}")
    print(f"  growth per watch per check={per_check:,.0f} B (target < {TARGET_BYTES} B) {verdict}")
    print(f"  time per unchanged check={elapsed / total * 1000:.2f} ms (page_state + record_check)")


def _bodies(url: str) -> int:
    """Bodies and texts held in the blob table."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            query = sa.select(sa.func.count()).select_from(blobs).where(blobs.c.data.is_not(None))
            return int(connection.execute(query).scalar_one())
    finally:
        engine.dispose()


def _sqlite(watches: int, checks: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"

        def size() -> int:
            connection = sqlite3.connect(path)
            try:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                connection.close()
            return path.stat().st_size

        print("SQLite")
        _run(f"sqlite:///{path}", watches, checks, size)


def _postgres(url: str, watches: int, checks: int) -> None:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.schema.CreateSchema(schema))
    scoped = sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})

    def size() -> int:
        query = sa.text(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relkind = 'r'"
        )
        with admin.connect() as connection:
            return int(connection.execute(query, {"schema": schema}).scalar_one())

    try:
        print("PostgreSQL")
        _run(scoped.render_as_string(hide_password=False), watches, checks, size)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.schema.DropSchema(schema, cascade=True))
        admin.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watches", type=int, default=20)
    parser.add_argument("--checks", type=int, default=100)
    parser.add_argument("--pg", help="also measure on this PostgreSQL URL")
    args = parser.parse_args(argv)
    _sqlite(args.watches, args.checks)
    if args.pg:
        _postgres(args.pg, args.watches, args.checks)


if __name__ == "__main__":
    main()
