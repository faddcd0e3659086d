"""Rendering for the CLI edge: JSON to stdout, tables with rich, CSV with the csv module.

Only this module and app.py turn values into text; everything else hands typed values here."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from citywatch.cells import cell

if TYPE_CHECKING:  # rich is imported for tables only: JSON output starts faster without it
    from rich.console import Console

__all__ = ["dump_json", "print_csv", "print_table", "stdout_console", "when"]

#: A width no table reaches: piped output is never folded.
_UNLIMITED = 1_000_000


def _default(value: Any) -> Any:
    iso = getattr(value, "isoformat", None)
    if iso is not None:
        return iso()
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dump_json(data: Any, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    json.dump(data, stream, ensure_ascii=False, indent=2, default=_default)
    stream.write("\n")


def stdout_console() -> Console:
    """On a terminal, its width; piped, no width at all, so no cell or line is ever folded."""
    from rich.console import Console

    width = None if sys.stdout.isatty() else _UNLIMITED
    return Console(soft_wrap=False, highlight=False, width=width)


def when(value: datetime) -> str:
    """Every time the tables show, in one form: UTC, to the minute."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _cell(value: Any) -> str:
    return cell(value, when=when)


def print_table(
    rows: Iterable[dict[str, Any]], columns: Sequence[str], *, title: str | None = None
) -> None:
    from rich.table import Table

    piped = not sys.stdout.isatty()
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="ignore" if piped else "fold", no_wrap=piped)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    stdout_console().print(table)


def print_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], *, bom: bool = False) -> None:
    """CSV to stdout in the shape the dashboard exports; `bom` starts it with U+FEFF, which
    Excel takes as "this is UTF-8" (without it Excel on Japanese Windows reads Shift_JIS)."""
    from snapshots.export import csv_text

    sys.stdout.write(("\ufeff" if bom else "") + csv_text(rows, columns))
