"""Cutting a document into sections, each a candidate for one event.

Pages list their events under headings that carry a date (`令和2年2月`, `2012/4/25(水曜日)`, `7月:
神戸代表団のシアトル訪問`), under titled items followed by numbered fields (`1 日 時 …`), or under
headings that name a visit (`大邱広域市訪問団の来神`). Those headings open sections; the other
headings inside a section (`1 本市の取組の発信`, photo captions) stay in it as lines. A
heading followed at once by a section heading introduces a group (`これまでの主な取組`, a month
heading above titled items) and is kept as context. Pages with none of these are cut at their
top-level headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.document.model import Block, Document
from parsers.document.text import FIELD_LABEL, is_date_line, is_field
from parsers.text.cues import MEETING, Cue, inbound_words
from parsers.text.dates import find_dates

__all__ = ["Section", "split_sections"]

_FIELD_PARTS = re.compile(
    rf"^(?:\d{{1,2}}[.)、]?\s*|[(]\d{{1,2}}[)]\s*|[・○◯●]\s*)?(?P<label>{FIELD_LABEL})"
    r"(?:(?:および|及び|・)\S{1,6}?)?\s*[:]?\s*(?P<value>.*)$"
)
_HEADING_CUE = re.compile(
    r"訪問(?!者|先)|来日|来訪|出張|歴訪|表敬|面会|会談|visit|met with|courtesy"
)


@dataclass(frozen=True, slots=True)
class Section:
    """A run of blocks under one heading.

    `context` holds the group headings above it (a month, `これまでの主な取組`); `date_only`
    says the heading is nothing but a date (an entry of a history or a diary).
    """

    heading: str
    context: tuple[str, ...]
    lines: tuple[str, ...]
    date_only: bool = False
    kinds: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def full_text(self) -> str:
        return "\n".join((self.heading, *self.lines)) if self.heading else self.text

    def fields(self) -> dict[str, str]:
        """Labelled facts (`日時`, `場所`, `出席者` …); continuation lines join their field."""
        found: dict[str, str] = {}
        label = None
        for line, kind in zip(self.lines, self.kinds or ("",) * len(self.lines), strict=False):
            match = _FIELD_PARTS.match(line) if is_field(line) else None
            if match:
                label = match.group("label")
                found[label] = (found.get(label, "") + " " + match.group("value")).strip()
            elif label is not None and kind == "item" and len(line) <= 40:
                found[label] = f"{found[label]} {line}"
            else:
                label = None
        return found


def _dated(text: str) -> bool:
    return any(s.start.month is not None for s in find_dates(text))


class _Marks:
    """Which blocks open a section, and which introduce a group; each block's date test runs
    once (a heading is asked about as itself and as its neighbour's next)."""

    def __init__(self, blocks: list[Block], cue: Cue) -> None:
        self.blocks = blocks
        self._dated: dict[int, bool] = {}
        self.opens = [self._is_boundary(i, cue) for i in range(len(blocks))]
        if not any(self.opens):
            levels = [b.level for b in blocks if b.kind == "heading"]
            top = min(levels) if levels else 0
            self.opens = [b.kind == "heading" and b.level == top for b in blocks]

    def dated(self, i: int) -> bool:
        if i not in self._dated:
            self._dated[i] = _dated(self.blocks[i].text)
        return self._dated[i]

    def _is_boundary(self, i: int, cue: Cue) -> bool:
        block = self.blocks[i]
        if block.kind != "heading":
            return False
        text = block.text
        if is_date_line(text) or self.dated(i):
            return True
        if i + 1 < len(self.blocks) and is_field(self.blocks[i + 1].text) and self.dated(i + 1):
            return True
        return bool(_HEADING_CUE.search(text) or cue.search(text) or MEETING.search(text))

    def introduces(self, i: int) -> bool:
        """A heading directly followed by a section heading heads a group of sections."""
        blocks = self.blocks
        return (
            blocks[i].kind == "heading"
            and i + 1 < len(blocks)
            and self.opens[i + 1]
            and not (self.opens[i] and self.dated(i) and not is_date_line(blocks[i].text))
        )


def split_sections(doc: Document, *, short: str | None = None) -> list[Section]:
    """The document's sections in order; the first holds what precedes any section heading."""
    blocks = list(doc.blocks)
    if blocks and blocks[0].kind == "heading" and blocks[0].text == doc.title:
        blocks = blocks[1:]
    marks = _Marks(blocks, inbound_words(short))
    sections: list[Section] = []
    heading = ""
    context: tuple[str, ...] = ()
    lines: list[str] = []
    kinds: list[str] = []

    def close() -> None:
        if heading or lines:
            sections.append(
                Section(heading, context, tuple(lines), is_date_line(heading), tuple(kinds))
            )

    for i, block in enumerate(blocks):
        introduces = marks.introduces(i)
        if not marks.opens[i] and not introduces:
            lines.append(block.text)
            kinds.append(block.kind)
            continue
        close()
        lines, kinds = [], []
        if introduces:
            context = (block.text,)
            heading = ""
            continue
        heading = block.text
    close()
    return sections
