"""`Store`: the one door to the history. It opens the database, migrates it, and runs each call in
its own transaction; database errors leave it as `StorageError`s naming the database."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, TypeVar

import sqlalchemy as sa

from citywatch import defaults
from citywatch.errors import NotFoundError, StorageError
from citywatch.holders import this_process
from snapshots import event_queries, outbox, queries, reconcile
from snapshots.blobs import get_blob
from snapshots.diffing import text_diff
from snapshots.engine import open_engine, safe_url, storage_errors, writing
from snapshots.event_types import EventDetail, StoredEvent
from snapshots.gc import collect_bodies
from snapshots.migrate import current_revision, head_revision, upgrade
from snapshots.reconcile import Reconciliation
from snapshots.recording import validate_check, write_check
from snapshots.schema import checks, pages
from snapshots.types import (
    ChangeEvent,
    CheckInput,
    CheckOutcome,
    CheckRow,
    Delivery,
    GcReport,
    PageIndex,
    PageState,
    RecordVersion,
    StoredRecord,
    WatchStatus,
)

__all__ = ["Store"]

T = TypeVar("T")


class Store:
    """The versioned history on SQLite (default) or PostgreSQL (`postgresql+psycopg://`)."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = safe_url(url)
        self._engine = open_engine(url)
        try:
            with storage_errors("cannot open database", url=self.url):
                self._engine.connect().close()
            at, head = current_revision(self._engine), head_revision()
            if migrate and at != head:
                upgrade(self._engine)
            elif at != head:
                raise StorageError(
                    "database schema is not current", url=self.url, revision=at, head=head
                )
        except BaseException:
            self._engine.dispose()
            raise

    # --- plumbing -------------------------------------------------------------------------

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._engine.dialect.name

    def revision(self) -> str | None:
        return current_revision(self._engine)

    @contextmanager
    def _reading(self, action: str, **context: Any) -> Iterator[sa.Connection]:
        with (
            storage_errors(action, db=self.url, **context),
            self._engine.connect() as connection,
            connection.begin(),
        ):
            yield connection

    def _read(self, action: str, work: Callable[[sa.Connection], T], **context: Any) -> T:
        with self._reading(action, **context) as connection:
            return work(connection)

    def _write(self, action: str, work: Callable[[sa.Connection], T], **context: Any) -> T:
        with storage_errors(action, db=self.url, **context), writing(self._engine) as connection:
            return work(connection)

    # --- what the fetcher needs -----------------------------------------------------------

    def page_state(self, watch_id: str, url: str) -> PageState | None:
        return self._read(
            "cannot read page state",
            lambda c: queries.page_state(c, watch_id, url),
            watch=watch_id,
            url=url,
        )

    def pages(self, watch_id: str) -> list[PageState]:
        """The watch's own page first, then the pages discovered from it."""
        return self._read(
            "cannot read pages", lambda c: queries.page_states(c, watch_id), watch=watch_id
        )

    def has_baseline(self, watch_id: str) -> bool:
        """Whether any check of this watch succeeded (so its next check is not a baseline)."""
        return self._read(
            "cannot read checks", lambda c: queries.has_baseline(c, watch_id), watch=watch_id
        )

    def page_index(self) -> PageIndex:
        """Every page state and every watch's baseline, in one read (a crawl's start)."""

        def read(connection: sa.Connection) -> PageIndex:
            states = {(p.watch_id, p.url): p for p in queries.all_page_states(connection)}
            return PageIndex(states, frozenset(queries.watches_with_baseline(connection)))

        return self._read("cannot read page states", read)

    # --- writing checks -------------------------------------------------------------------

    def record_check(self, check: CheckInput) -> CheckOutcome:
        """Store one check whole (body, check row, versions, events, outbox) or not at all."""
        validate_check(check)
        return self._write(
            "cannot record check",
            lambda c: write_check(c, check),
            watch=check.watch_id,
            url=check.url,
        )

    def record_checks(self, batch: Sequence[CheckInput]) -> list[CheckOutcome | StorageError]:
        """Store several checks in one transaction (one commit instead of one each), each
        whole; the answer for each check is its outcome or why it was not stored.

        When the shared transaction fails, each check is tried again on its own, so one bad
        check never costs the others their row."""
        answers: dict[int, CheckOutcome | StorageError] = {}
        valid: list[tuple[int, CheckInput]] = []
        for at, check in enumerate(batch):
            try:
                validate_check(check)
            except StorageError as exc:
                answers[at] = exc
            else:
                valid.append((at, check))
        written: list[CheckOutcome] | None = None
        if len(valid) > 1:
            with contextlib.suppress(StorageError):
                written = self._write(
                    "cannot record checks",
                    lambda c: [write_check(c, check) for _, check in valid],
                    checks=len(valid),
                )
        if written is not None:
            answers.update((at, outcome) for (at, _), outcome in zip(valid, written, strict=True))
        else:
            for at, check in valid:
                try:
                    answers[at] = self.record_check(check)
                except StorageError as exc:
                    answers[at] = exc
        return [answers[at] for at in range(len(batch))]

    # --- queries --------------------------------------------------------------------------

    def changes(
        self,
        *,
        since: datetime | None = None,
        watch: str | None = None,
        include_baseline: bool = True,
    ) -> list[ChangeEvent]:
        """Change events at or after `since`, oldest first."""
        return self._read(
            "cannot read changes",
            lambda c: queries.change_events(
                c, since=since, watch=watch, include_baseline=include_baseline
            ),
        )

    def current_records(
        self, *, type: str | None = None, watch: str | None = None
    ) -> list[StoredRecord]:
        return self._read(
            "cannot read records", lambda c: queries.current_records(c, type=type, watch=watch)
        )

    def records_as_of(
        self, at: datetime, *, type: str | None = None, watch: str | None = None
    ) -> list[StoredRecord]:
        """The records as they stood at `at` (each page as of its last check at or before it)."""
        return self._read(
            "cannot read records",
            lambda c: queries.records_as_of(c, at, type=type, watch=watch),
        )

    def events(
        self, *, type: str | None = None, as_of: datetime | None = None
    ) -> list[StoredEvent]:
        """Real-world events now, or as they stood at `as_of`, oldest first."""
        return self._read(
            "cannot read events", lambda c: event_queries.events_as_of(c, as_of, type=type)
        )

    def events_by_id(self, ids: Sequence[int]) -> list[StoredEvent]:
        """These events as they stand now; a removed one keeps its last fields, no sources."""
        return self._read("cannot read events", lambda c: event_queries.events_by_id(c, ids))

    def event(self, event_id: int) -> EventDetail | None:
        """One event with its versions and every stay of every source; None if unknown."""
        return self._read(
            "cannot read event", lambda c: event_queries.event_detail(c, event_id), event=event_id
        )

    def reconcile(
        self, *, city: str | None = None, event_id: int | None = None
    ) -> list[Reconciliation]:
        """Each programme event the register or a city's own pages tell of: whether the two
        agree, disagree (both values kept) or only one knows it; `city` is a slug."""
        return self._read(
            "cannot reconcile", lambda c: reconcile.reconcile(c, city=city, event_id=event_id)
        )

    def history(self, key: str) -> list[RecordVersion]:
        """Every version of the record `key`, oldest first; a gap means it was off the page."""
        return self._read("cannot read history", lambda c: queries.record_history(c, key), key=key)

    def checks(
        self, watch_id: str, *, url: str | None = None, limit: int | None = None
    ) -> list[CheckRow]:
        """The watch's checks (or one page's), newest first."""
        return self._read(
            "cannot read checks",
            lambda c: queries.check_rows(c, watch_id, url=url, limit=limit),
            watch=watch_id,
        )

    def body(self, sha256: str) -> bytes | None:
        """A stored body or page text by hash; None when unknown or dropped by `gc`."""
        return self._read("cannot read body", lambda c: get_blob(c, sha256), sha256=sha256)

    def page_text_diff(
        self,
        watch_id: str,
        *,
        url: str | None = None,
        from_check: int | None = None,
        to_check: int | None = None,
    ) -> str:
        """Unified diff of a page's main text between two checks.

        A check that fetched nothing new stands for the text it confirmed. Defaults: the
        watch's own page (or the page of the given checks) and its last two texts.
        """
        with self._reading("cannot diff page text", watch=watch_id, url=url) as connection:
            page_id = self._diff_page(connection, watch_id, url, from_check or to_check)
            texts = connection.execute(
                sa.select(checks.c.id, checks.c.text_sha256, checks.c.finished_at)
                .where(checks.c.page_id == page_id, checks.c.text_sha256.is_not(None))
                .order_by(checks.c.id.desc())
            ).all()

            def at_or_before(check_id: int) -> sa.Row:
                for row in texts:
                    if row.id <= check_id:
                        return row
                raise NotFoundError("no page text at or before check", check=check_id)

            if to_check is not None:
                newer = at_or_before(to_check)
            elif texts:
                newer = texts[0]
            else:
                raise NotFoundError("no page text stored yet", watch=watch_id, url=url)
            if from_check is not None:
                older = at_or_before(from_check)
            else:
                earlier = [row for row in texts if row.id < newer.id]
                # A page whose text never changed has no difference to show: not an error.
                older = earlier[0] if earlier else newer
            before = get_blob(connection, older.text_sha256) or b""
            after = get_blob(connection, newer.text_sha256) or b""
        return text_diff(
            before.decode("utf-8"),
            after.decode("utf-8"),
            from_label=f"check {older.id} ({older.finished_at.isoformat()})",
            to_label=f"check {newer.id} ({newer.finished_at.isoformat()})",
        )

    @staticmethod
    def _diff_page(
        connection: sa.Connection, watch_id: str, url: str | None, check_id: int | None
    ) -> int:
        query = sa.select(pages.c.id).where(pages.c.watch_id == watch_id)
        if url is not None:
            query = query.where(pages.c.url == url)
        elif check_id is not None:
            query = query.join(checks, checks.c.page_id == pages.c.id).where(
                checks.c.id == check_id
            )
        else:
            query = query.order_by(pages.c.found_on.is_not(None), pages.c.id).limit(1)
        page_id = connection.execute(query).scalar()
        if page_id is None:
            raise NotFoundError("no such page or check", watch=watch_id, url=url, check=check_id)
        return page_id

    def gc(self, *, keep: int) -> GcReport:
        """Drop bodies beyond each page's newest `keep`, never one the history stands on."""
        return self._write("cannot collect bodies", lambda c: collect_bodies(c, keep=keep))

    def status(self) -> list[WatchStatus]:
        return self._read("cannot read status", queries.watch_status)

    # --- outbox ---------------------------------------------------------------------------

    def pending_deliveries(
        self, *, now: datetime, limit: int = 100, lease: timedelta | None = None
    ) -> list[Delivery]:
        """Claim due deliveries for `lease` (default: one base retry delay)."""
        lease = lease if lease is not None else timedelta(seconds=defaults.DELIVERY_LEASE)
        holder = this_process()
        return self._write(
            "cannot claim deliveries",
            lambda c: outbox.claim_due(c, now=now, limit=limit, lease=lease, holder=holder),
        )

    def deliveries(
        self, *, check_id: int | None = None, pending_only: bool = False
    ) -> list[Delivery]:
        """Outbox rows, without claiming them."""
        return self._read(
            "cannot read deliveries",
            lambda c: outbox.list_deliveries(c, check_id=check_id, pending_only=pending_only),
        )

    def mark_delivered(self, *delivery_ids: int, at: datetime | None = None) -> None:
        """Mark one or more deliveries sent, in one transaction."""
        when = at or datetime.now(UTC)
        self._write(
            "cannot mark delivery",
            lambda c: outbox.mark_delivered(c, delivery_ids, at=when),
            delivery=delivery_ids[0] if len(delivery_ids) == 1 else None,
        )

    def mark_failed(self, delivery_id: int, *, error: str, retry_at: datetime) -> None:
        self._write(
            "cannot mark delivery",
            lambda c: outbox.mark_failed(c, delivery_id, error=error, retry_at=retry_at),
            delivery=delivery_id,
        )
