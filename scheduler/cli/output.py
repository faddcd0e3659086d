"""Rendering for the CLI edge: JSON to stdout, tables with rich, CSV with the csv module.

Only this module and app.py turn values into text; everything else hands typed values here."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # rich is imported for tables only: JSON output starts faster without it
    from rich.console import Console

__all__ = ["dump_json", "print_csv", "print_table", "stdout_console"]


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
    from rich.console import Console

    return Console(soft_wrap=False, highlight=False)


def _cell(value: Any) -> str:
    from snapshots.export import cell  # the shape is shared; `parse` needs no database

    return cell(value)


def print_table(
    rows: Iterable[dict[str, Any]], columns: Sequence[str], *, title: str | None = None
) -> None:
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    stdout_console().print(table)


def print_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
    from snapshots.export import csv_text

    sys.stdout.write(csv_text(rows, columns))
