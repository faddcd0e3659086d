"""Tables a browser copies one cell a line.

Copying a page's table can give its header on one line (cells set apart by tabs, bars or spaced
slashes) and then each row as a run of lines, one cell a line, rows set apart by blank lines:

    訪問日 / 訪問者 / 対応者 / 概要
    4月12日(水曜日)
    X国Y市 副市長 ほか5名
    副市長 山田 一郎
    都市間協力について意見交換

`join_stacked` gives each such row as one line of tab-separated cells, the form the text reader
already takes for a copied table. A run is read only under a header of short labels, one of
them a date's (`日`, `日時`, `訪問日`, `Date`), and only while each row opens with a date and
has as many lines as the header has cells (or one fewer: a last cell left empty).

`join_range_tails` first mends a date range a narrow cell broke after its first date
(`平成29年7月12日` / `～7月17日`): the line opening with the range mark joins the line above.
"""

from __future__ import annotations

import re

from parsers.text.dates import find_dates
from parsers.text.normalize import normalize

__all__ = ["join_range_tails", "join_stacked", "opens_with_date"]

_SPLIT = re.compile(r"[ \u3000]*\t[ \u3000\t]*| +[/|｜／] +|[ \u3000]*[｜|][ \u3000]*")
_DATE_LABEL = re.compile(r"(?:日|日時|日程|期日|期間|年月日|Date|Dates|Period)$", re.I)
_MIN_CELLS = 3
_LABEL_MAX = 10


def _header(line: str) -> int:
    """The number of cells of a table's header line, or 0 when the line is no such header."""
    cells = [c.strip() for c in _SPLIT.split(line.strip())]
    if len(cells) < _MIN_CELLS or not all(0 < len(c) <= _LABEL_MAX for c in cells):
        return 0
    if any(ch.isdigit() for c in cells for ch in c):
        return 0
    return len(cells) if any(_DATE_LABEL.search(c) for c in cells) else 0


def opens_with_date(line: str) -> bool:
    """A line whose first words are a date that names its month (`5月20日(月) 3日間`): the first
    cell of a row of days, or a label's value however the line ends."""
    text = normalize(line.strip())
    return any(s.begin == 0 and s.start.month is not None for s in find_dates(text[:40]))


def _rows(group: list[str], width: int) -> list[str] | None:
    """A blank-separated group of lines as rows of `width` cells, or None when it is not."""
    for size in (width, width - 1):
        if len(group) % size == 0 and all(
            opens_with_date(group[i]) == (i % size == 0) for i in range(len(group))
        ):
            return [
                "\t".join(c.strip() for c in group[i : i + size])
                for i in range(0, len(group), size)
            ]
    return None


_RANGE_TAIL = re.compile(r"^[ \u3000]*[~～〜]\s*\S")


def join_range_tails(lines: list[str]) -> list[str]:
    """`lines` with each line that opens with a range mark joined to a date line above it."""
    out: list[str] = []
    for line in lines:
        if out and _RANGE_TAIL.match(line) and _ends_dated(out[-1]):
            out[-1] = out[-1].rstrip() + line.strip()
        else:
            out.append(line)
    return out


def _ends_dated(line: str) -> bool:
    text = normalize(line.rstrip())
    return any(s.stop == len(text) and s.start.day is not None for s in find_dates(text))


def join_stacked(lines: list[str]) -> list[str]:
    """`lines` with every table copied one cell a line given as tab-separated rows."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        width = _header(lines[i])
        out.append(lines[i])
        i += 1
        if not width:
            continue
        while i < len(lines):
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            k = j
            while k < len(lines) and lines[k].strip():
                k += 1
            rows = _rows(lines[j:k], width) if k > j else None
            if rows is None:
                break
            out.extend(lines[i:j])
            out.extend(rows)
            i = k
    return out
