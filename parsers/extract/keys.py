"""Stable record keys.

A key must survive re-wording and re-ordering of the page, and a small edit to a record's dates,
so that history can follow one record across versions. So the key hashes what identifies a
record rather than what describes it: the page, the type, the direction, where it happened, and
the year it started. Records that still collide (visits received all happen in the home city)
are told apart by time, never by their place on the page, which changes whenever an item is
added on top: the earliest keeps the plain key, the others add their own start date, so adding
another record of the group, before or after, moves no other key but the earliest's (and that
only when the new one is earlier still). Counting them in order of time instead would shift
every later key whenever one is added in between.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import urlsplit

from citywatch.model import Record, Visit

__all__ = ["assign_keys", "page_identity"]

_SPACE = re.compile(r"\s+")


def page_identity(url: str) -> str:
    """The page part of a key: scheme-less, without query noise or a trailing slash."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub("", text).removesuffix("市")


def _base(record: Record, page: str) -> str:
    direction = record.direction if isinstance(record, Visit) else ""
    where = sorted({(p.country or "", _fold(p.name)) for p in record.places})
    year = (record.start or "")[:4]
    return "|".join([page, record.type, direction, repr(where), year])


def assign_keys(records: Sequence[Record], url: str) -> list[Record]:
    """Return the records with their `key` set, in the order given."""
    page = page_identity(url)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        groups[_base(record, page)].append(i)
    out: list[Record] = list(records)
    for base, members in groups.items():
        ordered = sorted(members, key=lambda i: (records[i].start or "", records[i].end or "", i))
        seen: dict[str, int] = defaultdict(int)
        for n, i in enumerate(ordered):
            # The earliest is `base|0`, as a record alone in its group always was.
            tag = "0"
            if n > 0:
                start = records[i].start or ""
                tag = f"{start}|{seen[start]}"
                seen[start] += 1
            digest = hashlib.sha1(f"{base}|{tag}".encode()).hexdigest()[:16]
            out[i] = dataclasses.replace(records[i], key=f"{records[i].type[0]}-{digest}")
    return out
