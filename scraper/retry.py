"""When to try again, and how long to wait first.

Backoff doubles per try with "equal jitter" (half fixed, half random) so clients that failed
together do not come back together. A server's Retry-After is honoured, but capped, because a
hostile or broken server must not park a crawl for hours."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from citywatch import defaults

__all__ = ["backoff", "retry_after", "should_retry_status"]


def should_retry_status(status: int) -> bool:
    """429 and every 5xx are worth another try; other 4xx are the page's final answer."""
    return status == 429 or 500 <= status <= 599


def backoff(
    attempt: int,
    *,
    base: float = defaults.RETRY_BACKOFF,
    cap: float = defaults.RETRY_AFTER_CAP,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait after failed try number `attempt` (1-based)."""
    full = min(cap, base * 2 ** max(0, attempt - 1))
    return full / 2 + (rng or random).uniform(0, full / 2)


def retry_after(
    value: str | None, *, now: datetime | None = None, cap: float = defaults.RETRY_AFTER_CAP
) -> float | None:
    """A Retry-After header (delta seconds or an HTTP date) in seconds, capped; None if absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    seconds: float
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(cap, max(0.0, seconds))
