"""Tables a PDF's text gives as columns of spaces.

Text taken from a PDF (or a report typed to look like one) lays a table out as columns set
apart by runs of spaces, and a cell too long for its column wraps onto the next lines, alone
at its column's place:

     番号  期  日                 訪 問 者              内  容
      1    令和5年5月15日~         X市 青少年訪問団       ホームステイ
           5月18日                (中学生12名)          ...

`join_columns` finds such a run of lines, reads where its columns start (by display width, a
full-width letter counting two), and gives each row as one line of tab-separated cells, the
form the rest of the text reader already takes for a copied table. A line that starts no new
row (nothing in the first column, and the second only carrying on a range such as `5月18日`)
is the wrapped rest of the row above; a row that leaves the first column empty under a filled
one (a day's later entries in a diary) takes that cell from the row above.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["join_columns"]

# Two spaces or more (or a full-width space run) part two cells; one space is inside a cell.
_GAP = re.compile(r"(?: {2,}|\u3000{2,}|[ \u3000]{3,})")
_TOLERANCE = 3  # typed or extracted columns wander by a letter or two
_MIN_ROWS = 3
_RANGE_OPEN = re.compile(r"(?:[~～〜\-－]|から)\s*$")
_CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")


@dataclass(frozen=True, slots=True)
class _Cell:
    start: int  # display column where the cell begins
    text: str


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cells(line: str) -> list[_Cell]:
    cells: list[_Cell] = []
    pos = 0
    for part in _GAP.split(line.rstrip()):
        at = line.index(part, pos) if part else pos
        if part.strip():
            lead = len(part) - len(part.lstrip(" \u3000"))
            cells.append(_Cell(_width(line[: at + lead]), part.strip(" \u3000")))
        pos = at + len(part)
    return cells


def _tabular(cells: list[_Cell]) -> bool:
    return len(cells) >= 3


def _region_end(rows: list[list[_Cell]], lines: list[str], begin: int) -> int:
    """Where a run of table lines that starts at `begin` ends (exclusive)."""
    end = begin
    while end < len(lines):
        if not lines[end].strip():
            resume = _resumes(rows, lines, begin, end)
            if resume is None:
                break
            end = resume
        cells = rows[end]
        indented = bool(cells) and cells[0].start >= 4
        if not (_tabular(cells) or (indented and end > begin)):
            break
        end += 1
    # wrapped lines after the last row belong to it only where they sit in its columns
    tabular = end
    while tabular > begin and not _tabular(rows[tabular - 1]):
        tabular -= 1
    columns = _columns(rows[begin:tabular])
    while tabular < end and _aligned(rows[tabular], columns[1:]):
        tabular += 1
    return tabular


def _resumes(rows: list[list[_Cell]], lines: list[str], begin: int, blank: int) -> int | None:
    """Where a table set apart by blank lines between its rows goes on after the blank at
    `blank`: the next line, when it is a row whose cells mostly start where the table's do."""
    after = blank
    while after < len(lines) and not lines[after].strip():
        after += 1
    if after >= len(lines) or blank == begin or not _tabular(rows[after]):
        return None
    starts = {cell.start for cells in rows[begin:blank] for cell in cells}
    near = sum(any(abs(c.start - s) <= _TOLERANCE for s in starts) for c in rows[after])
    return after if near * 3 >= len(rows[after]) * 2 else None


def _aligned(cells: list[_Cell], columns: list[int]) -> bool:
    return bool(cells) and all(
        any(abs(cell.start - c) <= _TOLERANCE for c in columns) for cell in cells
    )


def _columns(rows: list[list[_Cell]]) -> list[int]:
    """Column starts: cell starts that recur on two lines or more, near ones taken as one."""
    counts: dict[int, int] = {}
    for cells in rows:
        for cell in cells:
            counts[cell.start] = counts.get(cell.start, 0) + 1
    starts: list[int] = []
    support: list[int] = []
    last = -_TOLERANCE - 1
    for start in sorted(counts):
        if starts and start - last <= _TOLERANCE:
            support[-1] += counts[start]
        else:
            starts.append(start)
            support.append(counts[start])
        last = start
    return [s for s, n in zip(starts, support, strict=True) if n >= 2]


def _column_of(cell: _Cell, columns: list[int]) -> int:
    index = 0
    for i, start in enumerate(columns):
        if start <= cell.start + _TOLERANCE:
            index = i
    return index


def _join(a: str, b: str, *, full: bool = True) -> str:
    """A cell's text and its next line: Japanese runs on where the line ran out of room, and
    a line that stopped short (`ポーランド` over `ルブリン市`) ended a phrase."""
    if not a:
        return b
    if _RANGE_OPEN.search(a):
        return a + b  # `5月15日~` over `5月18日`: one range
    if full and _CJK.match(b[:1]) and _CJK.match(a[-1:]):
        return a + b
    return f"{a} {b}"


def _full(cell: _Cell, col: int, columns: list[int], ends: list[int]) -> bool:
    """Whether a cell's line ran up to the end of its column (so its text wrapped)."""
    end = cell.start + _width(cell.text)
    if col + 1 < len(columns):
        return end >= columns[col + 1] - 2 - _TOLERANCE  # two spaces before the next column
    return end >= ends[col] - 1  # the last column is as wide as its longest line


def _table(rows: list[list[_Cell]]) -> list[str]:
    columns = _columns(rows)
    if len(columns) < 2:
        return []
    key = 2 if len(columns) >= 3 else 1  # columns whose cell starts a row
    ends = [0] * len(columns)  # where each column's text reaches on its longest line
    for cells in rows:
        for cell in cells:
            col = _column_of(cell, columns)
            ends[col] = max(ends[col], cell.start + _width(cell.text))
    out: list[list[str]] = []
    full: dict[int, bool] = {}  # whether each cell's last line ran out of room
    for cells in rows:
        placed: dict[int, str] = {}
        fulls: dict[int, bool] = {}
        for cell in cells:
            col = _column_of(cell, columns)
            placed[col] = _join(placed.get(col, ""), cell.text)
            fulls[col] = _full(cell, col, columns, ends)
        first = min(placed)
        prev = out[-1] if out else None
        carries = prev is not None and _RANGE_OPEN.search(prev[first])
        # A line that skips a column its row above filled (a name under a role, beside no
        # date of its own) is that row's wrapped rest, not a later entry.
        skips = (
            prev is not None
            and first > 0
            and any(c not in placed and prev[c] for c in range(first, max(placed)))
        )
        if prev is None or (first < key and not carries and not skips):
            row = [placed.get(i, "") for i in range(len(columns))]
            if prev is not None and not row[0] and first > 0:
                row[0] = prev[0]  # a day's later entry under the day's first
            out.append(row)
            full = fulls
            continue
        for col, text in placed.items():
            prev[col] = _join(prev[col], text, full=full.get(col, True))
        full.update(fulls)
    return ["\t".join(c or "-" for c in row) for row in out]


def _dated(lines: list[str]) -> bool:
    """Whether a run of lines is a table of dates or counts: a line in three carries a digit
    (a row's wrapped lines may carry none). A grid of names (`団 長   森下 洋平   副団長
    高岡 美紀`) is a roster, read as text."""
    return sum(1 for line in lines if _DIGIT.search(line)) * 3 >= len(lines)


_DIGIT = re.compile(r"[0-9０-９]")


def join_columns(lines: list[str]) -> list[str]:
    """`lines` with each table laid out in columns of spaces given as tab-separated rows."""
    if not any(_GAP.search(line.strip()) for line in lines):
        return lines
    rows = [_cells(line) for line in lines]
    out: list[str] = []
    i = 0
    while i < len(lines):
        end = _region_end(rows, lines, i) if _tabular(rows[i]) else i
        region = [r for r in rows[i:end] if r]
        if (
            sum(_tabular(r) for r in region) >= _MIN_ROWS - 1
            and len(region) >= _MIN_ROWS
            and _dated([line for line in lines[i:end] if line.strip()])
        ):
            table = _table(region)
            if table:
                out += table
                i = end
                continue
        out.append(lines[i])
        i += 1
    return out
