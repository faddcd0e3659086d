"""The one error tree. Context travels as keyword arguments so the CLI can say what went wrong
without parsing messages, and logs can carry structured fields."""

from __future__ import annotations

from typing import Any

__all__ = [
    "CitywatchError",
    "ConfigError",
    "FetchError",
    "NotFoundError",
    "ParseError",
    "StorageError",
]


class CitywatchError(Exception):
    """Base of every error citywatch raises on purpose."""

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def __str__(self) -> str:
        return self.one_line()

    def one_line(self, *, omit: tuple[str, ...] = ()) -> str:
        """The message plus its context, on one line, for status tables and the CLI.

        `omit` leaves out context the reader already sees beside the message (such as the URL
        in a row that names it)."""
        skip = {"cause", "attempts", *omit}  # a message says "after N tries" itself
        bits = [f"{k}={v}" for k, v in self.context.items() if v is not None and k not in skip]
        text = self.message if not bits else f"{self.message} ({', '.join(bits)})"
        return " ".join(text.split())


class ConfigError(CitywatchError):
    """A bad sources file, setting or command-line value."""


class NotFoundError(CitywatchError):
    """A thing asked for (a record key, a page, a check) is not in the history (exit 1)."""


class FetchError(CitywatchError):
    """A page could not be fetched: network, HTTP status, limits or policy."""


class ParseError(CitywatchError):
    """A page could not be turned into a document or records."""


class StorageError(CitywatchError):
    """The database could not be opened, migrated, read or written."""
