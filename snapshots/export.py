"""The tabular shape of records, shared by every edge that writes them as CSV (the CLI's
`records --format csv` and `export`, and the dashboard's download), so the columns and the way
a list or a place becomes one cell are written once."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["RECORD_COLUMNS", "cell", "csv_text"]

#: The columns of a record row: the record's own fields, then where and when it held.
RECORD_COLUMNS = [
    "key",
    "type",
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


def cell(value: Any) -> str:
    """One value of a `to_dict()` as the text of one cell."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        if "name" in value:
            country = value.get("country")
            return f"{value['name']} ({country})" if country else str(value["name"])
        if "date" in value:
            return f"{value.get('date') or '?'} {value.get('text', '')}".strip()
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """Rows of `to_dict()` values as CSV with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return buffer.getvalue()
