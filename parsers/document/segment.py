"""Cutting a document into sections, each a candidate for one event.

Pages list their events under headings that carry a date (`令和2年2月`, `2012/4/25(水曜日)`, `7月:
松本代表団のリヨン訪問`), under titled items followed by numbered fields (`1 日 時 …`), or under
headings that name a visit (`リヨン市訪問団の来訪`). Those headings open sections; the other
headings inside a section (`1 本市の取組の発信`, photo captions) stay in it as lines. A
heading followed at once by a section heading introduces a group (`これまでの主な取組`, a month
heading above titled items) and is kept as context. Pages with none of these are cut at their
top-level headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.document.model import Block, Document
from parsers.document.outline import Outline
from parsers.document.stacked import opens_with_date
from parsers.document.text import (
    FIELD_LABEL,
    FIELD_PREFIX,
    is_date_line,
    is_dated_entry,
    is_field,
)
from parsers.text.cues import MEETING, Cue, inbound_words
from parsers.text.dates import find_dates

__all__ = ["Section", "is_caption", "join_labels", "split_sections"]

_FIELD_PARTS = re.compile(
    rf"^(?:\d{{1,2}}[.)、]?\s*|[(]\d{{1,2}}[)]\s*|[・○◯●■□◆◇]\s*)?(?:{FIELD_PREFIX})?(?P<label>{FIELD_LABEL})"
    r"(?:(?:および|及び|・)\S{1,6}?)?\s*[:]?\s*(?P<value>.*)$"
)
_HEADING_CUE = re.compile(
    r"訪問(?!者|先)|来日|来訪|出張|歴訪|表敬|面会|会談|visit|met with|courtesy"
)


# A diary or gallery entry's title line, dated at its end (`…を受ける市長【2024年2月28日】`).
_DATED_ENTRY = re.compile(r"【[^】]{0,8}\d{1,2}月\d{1,2}日[^】]{0,8}】\s*$")
_PHOTO = re.compile(r"^(?:写真|画像|Photo)\s*[:：]|の様子$")


def is_caption(text: str) -> bool:
    """A photo's caption (`写真:…`, `…の様子`): it illustrates a story, it opens none."""
    return bool(_PHOTO.search(text))


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
            elif label is not None and _continues(line, kind) and not _ANY_LABEL.match(line):
                found[label] = f"{found[label]} {line}"
            else:
                label = None
        return found


# A line with a label of its own, known or not (`講師:…`, `定員:30人`): no field's next value.
_ANY_LABEL = re.compile(r"^[^\s:、。()]{1,8}:\s*\S")


def _continues(line: str, kind: str) -> bool:
    """A short item or line under a field, no sentence of its own: more of that field's value
    (`2 訪問先: X国Y州` / `A市、B市`)."""
    if kind == "item":
        return len(line) <= 40
    return kind == "paragraph" and len(line) <= 30 and "。" not in line and not _dated(line)


def _opens_dated(block: Block) -> bool:
    """Whether a paragraph is a story that opens with its date (`令和5年8月22日から…`)."""
    if block.kind != "paragraph" or len(block.text) < 30:
        return False
    return any(s.start.month is not None and s.begin < 3 for s in find_dates(block.text[:40]))


def _fiscal_only(text: str) -> bool:
    spans = [s for s in find_dates(text) if s.start.month is not None]
    return bool(spans) and all(s.fiscal for s in spans)


def _dated(text: str) -> bool:
    return any(s.start.month is not None for s in find_dates(text))


class _Marks:
    """Which blocks open a section, and which introduce a group; each block's date test runs
    once (a heading is asked about as itself and as its neighbour's next)."""

    def __init__(self, blocks: list[Block], cue: Cue) -> None:
        self.blocks = blocks
        self._dated: dict[int, bool] = {}
        self._entries: dict[int, bool] = {}
        self.opens = [self._is_boundary(i, cue) for i in range(len(blocks))]
        if not any(self.opens):
            levels = [b.level for b in blocks if b.kind == "heading"]
            top = min(levels) if levels else 0
            self.opens = [b.kind == "heading" and b.level == top for b in blocks]

    def dated(self, i: int) -> bool:
        if i not in self._dated:
            self._dated[i] = _dated(self.blocks[i].text)
        return self._dated[i]

    def _entry(self, i: int) -> bool:
        if not 0 <= i < len(self.blocks) or self.blocks[i].kind != "item":
            return False
        if i not in self._entries:
            text = self.blocks[i].text
            # `・令和6年2月3日~7日` alone over the story of that entry: its title, a date
            following = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
            titled = (
                following is not None
                and following.kind == "paragraph"
                and is_date_line(text.lstrip("・･-*● "))
            )
            self._entries[i] = is_dated_entry(text) or titled
        return self._entries[i]

    def _entry_near(self, i: int) -> bool:
        """Whether another dated entry sits a few blocks before or after (a story's lines or
        an undated item may come between them)."""
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(self.blocks) and abs(j - i) <= 4:
                if self._entry(j):
                    return True
                if self.blocks[j].kind == "heading":
                    break
                j += step
        return False

    def _titles_story(self, i: int) -> bool:
        """Whether a short bulleted line titles the dated story right under it, as its
        neighbours do: each a list's item of its own."""
        blocks = self.blocks
        if len(blocks[i].text) > _ITEM_TITLE_MAX or "。" in blocks[i].text:
            return False
        if i + 1 >= len(blocks) or not _opens_dated(blocks[i + 1]):
            return False
        # another such pair two blocks before or after: a list of them
        return any(
            0 <= j < len(blocks) - 1
            and blocks[j].kind == "item"
            and len(blocks[j].text) <= _ITEM_TITLE_MAX
            and _opens_dated(blocks[j + 1])
            for j in (i - 2, i + 2)
        )

    def _is_boundary(self, i: int, cue: Cue) -> bool:
        block = self.blocks[i]
        if block.kind == "item" and self._entry(i) and self._entry_near(i):
            return True  # `・令和4年7月 X市を訪問` among others like it: a history's entry
        if block.kind == "item" and self._titles_story(i):
            return True  # `・高校生派遣` over `8月3日から…、生徒8名が…を訪問し`
        if block.kind != "heading":
            return bool(_DATED_ENTRY.search(block.text)) and "。" not in block.text
        text = block.text
        if is_caption(text):
            return False  # a photo's caption stays with the story it illustrates
        if is_date_line(text) or self.dated(i):
            return True
        if i + 1 < len(self.blocks) and is_field(self.blocks[i + 1].text) and self.dated(i + 1):
            return True
        if i + 1 < len(self.blocks) and _opens_dated(self.blocks[i + 1]):
            return True  # `(1) 現地調査` over `令和5年8月…、職員が…`: a story dated at its start
        return bool(_HEADING_CUE.search(text) or cue.search(text) or MEETING.search(text))

    def introduces(self, i: int) -> bool:
        """A heading directly followed by a section heading heads a group of sections."""
        blocks = self.blocks
        return (
            blocks[i].kind == "heading"
            and i + 1 < len(blocks)
            and self.opens[i + 1]
            and not (
                self.opens[i]
                and self.dated(i)
                and not is_date_line(blocks[i].text)
                and not _fiscal_only(blocks[i].text)  # `■令和5年度の主な交流` groups a year's
            )
        )


_ITEM_TITLE_MAX = 40

# A label standing alone on its line (`2 滞在期間`, `(1) 会場`, `日程:`): its value is
# the next line. The label is read by the field word it ends with.
_LABEL_ONLY = re.compile(
    rf"^(?P<number>\d{{1,2}}[.)、]?\s*|[(]\d{{1,2}}[)]\s*|[・○◯●■◆]\s*)?"
    rf"(?P<lead>[^\s:、。]{{0,14}}?)(?P<label>{FIELD_LABEL})\s*[:]?$"
)


def join_labels(blocks: list[Block]) -> list[Block]:
    """A field whose label and value sit on two lines becomes one field line
    (`2 滞在期間` / `令和7年…から…まで` -> `2 期間: 令和7年…から…まで`), so a labelled block
    reads like the one-line fields templates print."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        match = _LABEL_ONLY.match(block.text)
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if following is not None and (split := _split_label(block.text, following.text)):
            out.append(Block("paragraph", 0, split))  # `日` / `時:…` from a PDF's label cell
            i += 2
            continue
        after = blocks[i + 2] if i + 2 < len(blocks) else None
        split_next = (
            following is not None and after is not None and _split_label(following.text, after.text)
        )
        value = following is not None and (_value_line(following) or _dated_value(following, after))
        # (an unnumbered label right after another, `派遣先` / `派遣者`, is a header row's cell)
        before = _LABEL_ONLY.match(blocks[i - 1].text) if i > 0 else None
        header = bool(match and before and not match.group("number") and not before.group("number"))
        if match and following is not None and value and not split_next and not header:
            number = (match.group("number") or "").strip()
            label = match.group("label")
            text = f"{number} {label}: {following.text}".strip()
            out.append(Block("paragraph", 0, text))
            i += 2
            continue
        if following is not None and _aside_of(block, following):
            kind = "paragraph" if block.kind == "heading" else block.kind
            out.append(Block(kind, block.level, f"{block.text}{following.text}"))
            i += 2
            continue
        out.append(block)
        i += 1
    return out


_SPLIT_TAIL = re.compile(r"^\s*(?P<second>[\u4e00-\u9fff])\s*[:：]\s*(?P<value>\S.*)$")
_FIELD_WORD = re.compile(rf"^{FIELD_LABEL}$")


def _split_label(first: str, second: str) -> str | None:
    """A two-letter label a PDF's table cell broke over two lines (`日` then `時:3月15日`)."""
    head = first.strip()
    tail = _SPLIT_TAIL.match(second)
    if len(head) != 1 or tail is None or not _FIELD_WORD.match(head + tail.group("second")):
        return None
    return f"{head}{tail.group('second')}: {tail.group('value')}"


def _aside_of(block: Block, following: Block) -> bool:
    """A bracketed line that annotates the short line above it (`X市` / `(2011年…覚書締結)`)."""
    text = following.text.strip()
    return (
        text[:1] == "("
        and text[-1:] == ")"
        and (block.kind != "heading" or bool(re.search(r"\d年", text)))
        and len(block.text) <= 40
        and not block.text.endswith(("。", ")"))
    )


def _dated_value(block: Block, after: Block | None) -> bool:
    """A line that opens with a date is a label's value however it ends (`…9日(金) 3日間`),
    unless the next line opens with a date too: then they are the rows of a table of days."""
    return opens_with_date(block.text) and not (after is not None and opens_with_date(after.text))


def _value_line(block: Block) -> bool:
    """Whether a line can be the value of a label above it (not another label or a heading)."""
    if is_date_line(block.text):
        return True
    return (
        block.kind != "heading" and not _LABEL_ONLY.match(block.text) and not is_field(block.text)
    )


def split_sections(doc: Document, *, short: str | None = None) -> list[Section]:
    """The document's sections in order; the first holds what precedes any section heading."""
    blocks = join_labels(list(doc.blocks))
    if blocks and blocks[0].kind == "heading" and blocks[0].text == doc.title:
        blocks = blocks[1:]
    marks = _Marks(blocks, inbound_words(short))
    outline = Outline()
    depth: int | None = None  # the outline depth of the open section's heading
    body = False  # whether the open section holds more than headings (a run of numbered
    # one-line headings, `(1)日時 …` / `(2)会場 …`, is a list of facts, not sections)
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
        level = outline.meet(block.text) if block.kind == "heading" else None
        # A heading numbered as the open section's own, or as one above it, ends that section.
        ends = body and level is not None and depth is not None and level <= depth
        if not marks.opens[i] and not introduces and not ends:
            lines.append(block.text)
            kinds.append(block.kind)
            body = body or block.kind != "heading"
            continue
        close()
        lines, kinds, body = [], [], False
        if introduces:
            context = (block.text,)
            heading, depth = "", None
            continue
        heading, depth = block.text, level
    close()
    return sections
