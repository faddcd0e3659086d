"""`citywatch parse PAGE --explain`: each record's fields beside the page's words they came from,
so an analyst checks a record in seconds and a developer sees why a rule fired."""

from __future__ import annotations

from collections.abc import Sequence

from citywatch.model import Record, Visit
from scheduler.cli.output import print_table

__all__ = ["explain_rows", "print_explanation"]


def _places(record: Record) -> str:
    return ", ".join(f"{p.name} ({p.country})" if p.country else p.name for p in record.places)


def _dates(record: Record) -> str:
    if not record.start:
        return ""
    return (
        record.start
        if not record.end or record.end == record.start
        else (f"{record.start} – {record.end}")
    )


def explain_rows(record: Record) -> list[dict[str, str]]:
    """One row per explained field: its name, its value, and the text it was read from."""
    evidence = record.evidence
    rows = [{"field": "start/end", "value": _dates(record), "from the page": evidence.when}]
    rows.append({"field": "places", "value": _places(record), "from the page": evidence.where})
    if isinstance(record, Visit):
        rows.append(
            {"field": "direction", "value": record.direction, "from the page": evidence.direction}
        )
    else:
        partners = ", ".join(record.partners)
        rows.append({"field": "partners", "value": partners, "from the page": evidence.partners})
    return rows


def print_explanation(records: Sequence[Record]) -> None:
    """A table per record, titled by its type, key and title."""
    for record in records:
        title = f"{record.type} {record.key}: {record.title}".strip()
        print_table(explain_rows(record), ["field", "value", "from the page"], title=title)
