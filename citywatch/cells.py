"""One value of a record's `to_dict()` as the text of one cell, written once for the CLI's
tables, the CSV exports and the dashboard: a list joins with commas, a place shows its country,
a milestone its date. Times can be given a form of their own (the CLI's tables show UTC to the
minute); elsewhere they stay as stored."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

__all__ = ["cell"]

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")


def cell(value: Any, *, when: Callable[[datetime], str] | None = None) -> str:
    """`value` as text; with `when`, datetimes and ISO timestamps are written by it."""
    if value is None:
        return ""
    if when is not None:
        if isinstance(value, datetime):
            return when(value)
        if isinstance(value, str) and _TIMESTAMP.match(value):
            return when(datetime.fromisoformat(value.replace("Z", "+00:00")))
    if isinstance(value, list | tuple):
        return ", ".join(cell(v, when=when) for v in value)
    if isinstance(value, Mapping):
        if "name" in value:
            country = value.get("country")
            return f"{value['name']} ({country})" if country else str(value["name"])
        if "date" in value:
            return f"{value.get('date') or '?'} {value.get('text', '')}".strip()
        return json.dumps(value, ensure_ascii=False)
    return str(value)
