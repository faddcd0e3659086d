"""What a crawl reports: one outcome per page, and the counts and changes of a whole crawl.

A followed page the watch's `recheck` says is fresh is not fetched at all: it is "skipped", an
outcome of its own, so that a resumed first crawl neither counts it as failed nor as checked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from snapshots import ChangeEvent, PageState

__all__ = ["CrawlReport", "PageOutcome", "Progress", "fresh"]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What one page check came to."""

    watch: str
    url: str
    outcome: str  # changed | unchanged | failed | skipped (fresh: not fetched)
    events: tuple[ChangeEvent, ...] = ()
    error: str | None = None
    records: int = 0


@dataclass(frozen=True, slots=True)
class CrawlReport:
    outcomes: tuple[PageOutcome, ...] = ()
    started_at: datetime = field(default_factory=_now)
    finished_at: datetime = field(default_factory=_now)

    def _count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def checked(self) -> int:
        """Pages fetched (or tried): skipped ones are not."""
        return len(self.outcomes) - self.skipped

    @property
    def skipped(self) -> int:
        return self._count("skipped")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def changes(self) -> list[ChangeEvent]:
        return [e for o in self.outcomes for e in o.events]

    def to_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "unchanged": self._count("unchanged"),
            "changed": self._count("changed"),
            "failed": self.failed,
            "skipped": self.skipped,
            "changes": [e.to_dict() for e in self.changes],
            "errors": [
                {"watch": o.watch, "url": o.url, "error": o.error}
                for o in self.outcomes
                if o.outcome == "failed"
            ],
        }


Progress = Callable[[PageOutcome], None]


def fresh(state: PageState | None, recheck: float | None, now: datetime) -> bool:
    """Whether a followed page was checked successfully less than `recheck` seconds ago, so
    that fetching it again can wait (a resumed crawl, DeltaFetch-style). A page whose last
    check failed is never fresh."""
    if not recheck or state is None or state.last_checked_at is None:
        return False
    if state.last_outcome not in ("changed", "unchanged"):
        return False
    return now - state.last_checked_at < timedelta(seconds=recheck)
