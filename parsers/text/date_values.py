"""Dates as values: a date known to year, month or day precision, and a date found in a text.

`parsers.text.dates` finds them; this module only says what one is and which are possible.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

__all__ = ["MAX_YEAR", "MIN_YEAR", "DateSpan", "PartialDate"]

MIN_YEAR = 1868
"""Earliest year read as a date (the first year of 明治)."""
MAX_YEAR = 2100
"""Latest year read as a date; larger four-digit numbers are ids, prices or phone numbers."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known to year, month or day precision; the year may be unknown.

    Construction rejects what no calendar has (month 13, 31 April, a day without a month,
    29 February of a common year) with ValueError, so every instance is a real date.
    """

    year: int | None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not _valid(self.year, self.month, self.day):
            raise ValueError(f"not a date: year={self.year} month={self.month} day={self.day}")

    def iso(self) -> str | None:
        """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; None while the year is unknown."""
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def with_year(self, year: int | None) -> PartialDate:
        """The same month and day in `year` (ValueError for 29 February of a common year)."""
        return PartialDate(year, self.month, self.day)

    def first_day(self) -> date | None:
        """The earliest day this date can mean, or None while the year is unknown."""
        if self.year is None:
            return None
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date | None:
        """The latest day this date can mean, or None while the year is unknown."""
        if self.year is None:
            return None
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


@dataclass(frozen=True, slots=True)
class DateSpan:
    """One date or range found in a text; `begin:stop` index the normalized text.

    A single date has `end == start`. `fiscal` marks a Japanese fiscal year (`令和4年度`:
    start 2022-04, end 2023-03) or a range of them.
    """

    start: PartialDate
    end: PartialDate
    begin: int
    stop: int
    text: str
    fiscal: bool = False

    @property
    def is_range(self) -> bool:
        """Whether the span covers more than one date as written (`6月20日~22日`)."""
        return self.end != self.start


_MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    """Whether the fields name a possible date; a day needs a month, 29 February a leap year."""
    if year is not None and not 1 <= year <= 9999:
        return False
    if month is None:
        return day is None
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    if month == 2 and day == 29 and year is not None:
        return calendar.isleap(year)
    return 1 <= day <= _MONTH_DAYS[month]
