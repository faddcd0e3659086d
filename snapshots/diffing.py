"""Comparing what a page said before with what it says now: records field by field (on their
`to_dict()` form, so what is compared is exactly what is shown) and page texts line by line.

A record's `evidence` (the page's words behind it) is shown and stored but never compared: a
reworded sentence that says the same thing is no change, and versions stored before evidence
existed do not all change at once when it appears."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ADDED_LATER",
    "NOT_COMPARED",
    "RecordDiff",
    "changed_fields",
    "diff_records",
    "text_diff",
]

NOT_COMPARED = frozenset({"evidence"})
"""Record fields that explain a record and so never make it changed."""
ADDED_LATER = frozenset({"city", "city_name"})
"""Record fields newer than some stored versions: their first appearance is no change, so the
store does not see every record change at once when parsers start to give them."""


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    """Names of the fields whose values differ, in the record's own field order."""
    names = list(after) + [name for name in before if name not in after]
    return tuple(
        name
        for name in names
        if name not in NOT_COMPARED
        and not (name in ADDED_LATER and name not in before)
        and before.get(name) != after.get(name)
    )


@dataclass(frozen=True, slots=True)
class RecordDiff:
    """How the set of records on a page moved between two checks (keys in page order)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[tuple[str, tuple[str, ...]], ...]


def diff_records(
    before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]]
) -> RecordDiff:
    """Compare two key -> record-dict maps."""
    added = tuple(key for key in after if key not in before)
    removed = tuple(key for key in before if key not in after)
    changed = []
    for key, now in after.items():
        if key in before:
            fields = changed_fields(before[key], now)
            if fields:
                changed.append((key, fields))
    return RecordDiff(added, removed, tuple(changed))


def text_diff(before: str, after: str, *, from_label: str, to_label: str) -> str:
    """A unified diff of two page texts; empty when they are equal."""
    lines = list(
        difflib.unified_diff(
            before.splitlines(),
            after.splitlines(),
            fromfile=from_label,
            tofile=to_label,
            lineterm="",
        )
    )
    return "\n".join(lines) + "\n" if lines else ""
