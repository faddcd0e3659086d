"""The tabular shape of records, shared by every edge that writes them as CSV (the CLI's
`records --format csv` and `export`, and the dashboard's download), so the columns and the way
a list or a place becomes one cell are written once."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from citywatch.cells import cell

__all__ = ["RECORD_COLUMNS", "cell", "csv_text"]

#: The columns of a record row: the record's own fields (whose it is: `city`, the local
#: government's slug, and `city_name`, its Japanese name; empty for records stored before
#: records carried them), then where and when it held.
RECORD_COLUMNS = [
    "key",
    "type",
    "city",
    "city_name",
    "direction",
    "start",
    "end",
    "places",
    "participants",
    "counterparts",
    "partners",
    "milestones",
    "title",
    "summary",
    "watch",
    "url",
    "valid_from",
    "valid_to",
    "version",
]


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """Rows of `to_dict()` values as CSV with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return buffer.getvalue()
