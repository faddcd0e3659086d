"""Plain text into blocks, and the line rules HTML and PDF text share.

Text copies of pages, PDF text and HTML paragraphs all arrive as lines. Which line is a heading,
which is a field (`1 日 時 …`), which is screen-reader furniture and where the footer starts are
decided here, once, so that every format yields the same blocks for the same page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import islice

from parsers.document.columns import join_columns
from parsers.document.meta import is_meta_line
from parsers.document.model import Block
from parsers.document.stacked import join_range_tails, join_stacked
from parsers.text.normalize import normalize, squeeze_spaced

__all__ = [
    "FIELD_LABEL",
    "FIELD_PREFIX",
    "blocks_from_lines",
    "clean_line",
    "drop_furniture",
    "heading_level",
    "is_breadcrumb",
    "is_date_line",
    "is_dated_entry",
    "is_field",
    "is_footer_start",
    "is_furniture",
    "text_blocks",
]

# Labels of the numbered or colon fields municipal templates use for an event's facts.
FIELD_LABEL = (
    r"(?:日時|日程|期間|主な日程|期日|開催日|出席者|訪問者|参加者|来訪者|来庁者|出張者|場所|会場|"
    r"訪問先|出張先|派遣先|渡航先|視察先|調査先|用務先|訪問地|調査地|開催地|派遣者|研修員|受入者|"
    r"会議|内容|目的|概要|主催|共催|"
    r"協力|後援|形式|授与式|調印式|行程|"
    r"Date|Dates|Period|Venue|Place|Participants?)"
)
# What a date label may open with (`派遣期間`, `訪問日程`, `滞在期間`): the label is still its date.
FIELD_PREFIX = r"(?:派遣|訪問|滞在|出張|渡航|開催|視察|来日|来訪|活動|実施)"
_FIELD = re.compile(
    rf"^(?:\d{{1,2}}[.)、]?\s*|[(]\d{{1,2}}[)]\s*|[・○◯●■□◆◇]\s*)?{FIELD_PREFIX}?{FIELD_LABEL}"
    r"(?:(?:および|及び|・)\S{1,6}?)?\s*(?:[:]\s*|\s+)\S"
)
_NUMBERED = re.compile(
    r"^(?:\d{1,2}(?:[.)、]\s*|\s+)|[(]\d{1,2}[)]\s*|第\d{1,2}[章節部]\s*"
    r"|[\u2460-\u2473\u2474-\u2487\u2160-\u216b\u3251-\u325f]\s*|[ア-ン]\s+|[(][ア-ン][)]\s*)\S"
)
_MARKED = re.compile(r"^[◆◇■□●○◎★☆▼▽▶►【]")
_ERA = r"(?:令和|平成|昭和|大正|明治)"
_WEEKDAY = r"(?:\s*(?:\([^)]{1,6}\)|[月火水木金土日]曜日?))?"
_JYEAR = rf"(?:{_ERA}(?:\d{{1,2}}|元)|\d{{4}})(?:\(\S{{1,6}}\))?年(?:度)?(?:\(\S{{1,8}}\))?"
_JDATE = rf"(?:{_JYEAR})?\d{{1,2}}月(?:\d{{1,2}}日)?{_WEEKDAY}"
_SDATE = rf"(?:\d{{4}}/)?\d{{1,2}}/\d{{1,2}}{_WEEKDAY}(?:\s*=\S+)?"
# `2024.5.20(月)`, `2024-05-20`, `R6.5.20(月)`: numeric dates with the year first.
_NDATE = rf"(?:[RHS]\d{{1,2}}\.|\d{{4}}[./-])\d{{1,2}}[./-]\d{{1,2}}{_WEEKDAY}"
# (a day alone, `26日(水)`, heads a diary's entry under its month's heading)
_DDATE = rf"\d{{1,2}}日{_WEEKDAY}"
_DATE_LINE = re.compile(
    rf"^(?:{_JDATE}|{_NDATE}|{_SDATE}|{_JYEAR}|{_DDATE})"
    rf"(?:\s*[~から]+\s*(?:{_JDATE}|{_NDATE}|{_SDATE}|{_JYEAR}|\d{{1,2}}日{_WEEKDAY}))?(?:まで)?$"
)
# `令和5年8月 市長がリヨン市を訪問`: a date, then the title of what happened.
_DATED_TITLE = re.compile(
    rf"^(?:{_JDATE}|{_NDATE}|{_SDATE})"
    rf"(?:\s*[~から]+\s*(?:{_JDATE}|{_NDATE}|{_SDATE}|\d{{1,2}}日{_WEEKDAY}))?(?:まで)?\s+\S"
)
# The signer under a letter's closing date (`令和5年12月22日` / `X区長 山田太郎`): that date
# signs the letter, it heads nothing. (No one signs with an honorific: `X市長 山田太郎氏` under a
# date is the guest an entry is about.)
_SIGNATURE = re.compile(
    r"^\S{0,12}(?:市長|区長|町長|村長|知事|議長)\s*\S{2,4}(?:\s\S{1,4})?(?<![氏様])$"
)
_CAPTION = re.compile(r"[)）]$|様子|写真|^↑")
_FURNITURE = re.compile(
    r"^(?:ページの先頭です。?|このページの先頭です。?|ページの本文です。?|ページ本文|ここから本文です。?|"
    r"本文へ(?:ジャンプ|移動|スキップ).*|メインメニューへ移動.*|メインメニューをスキップ.*|"
    r"このページを印刷する|印刷(?:する)?|印刷大きな文字で印刷|大きな文字で印刷|"
    r"(?:X|Twitter|ツイッター)でポスト|(?:X|Twitter)でシェア|フェイスブックでシェア|"
    r"(?:ライン|LINE)でシェア|ツイート|シェア|ページトップ|ページの先頭へ(?:戻る)?|"
    r"ページの先頭に戻る|ページのトップへ(?:戻る)?|前のページに戻る|"
    r"(?:-\s*)?topmenu|トップメニュー|Here's the text\.?|The text is from here\.?|"
    r"Return to the previous page|Back to (?:the )?top|Skip to (?:main )?content|"
    r"Print(?: this page)?|Share|Tweet|表示モード\s*:.*|すべての画像|フッターへ移動(?:します)?)$",
    re.I,
)
_FOOTER = re.compile(
    r"^(?:この(?:記事|ページ)(?:について|に関する)の?(?:お)?問(?:い)?合(?:わ)?せ.*|"
    r"(?:お)?問(?:い)?合(?:わ)?せ(?:先|窓口)?(?:\s*[:]?)?|関連リンク|関連情報|関連記事|"
    r"このプレスリリースには、メディア関係者向けの情報があります|会社概要|"
    r"Past photo diar(?:y|ies)|Related (?:links|articles|posts)|Contact(?: us)?)$",
    re.I,
)
_BREADCRUMB = re.compile(r"\S\s*[>＞»]\s*\S.*[>＞»]")
_SENTENCE_END = re.compile(r"[。.!?！？」]$")


# Bullet glyphs from symbol fonts land in the private-use area; they carry no text.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# Cells of a copied table: tabs between them, or a bar with or without spaces around it.
_TABS = re.compile(r"[ \u3000]*\t+[ \u3000\t]*")
_BAR = re.compile(r"(?<=\S) *\| *(?=\S)")
_SPACED_LABEL = re.compile(r"(?<![^\s\d.)])((?:[\u4e00-\u9fff] ){1,4}[\u4e00-\u9fff])(?=\s*:)")


def clean_line(text: str) -> str:
    """One spelling for digits, spaces and range marks, and spaced letters joined; a table row
    copied as text (cells set apart by tabs, bars or spaced slashes) keeps its cells apart as
    ` | `."""
    if "\t" in text.strip():
        text = _TABS.sub(" | ", text.strip())
    text = squeeze_spaced(normalize(_PRIVATE_USE.sub("", text)))
    if text.count(" / ") >= 2:  # `X市 / 国 / 1957年`: cells set apart by spaced slashes
        text = text.replace(" / ", " | ")
    if "|" in text:
        text = _pair(_BAR.sub(" | ", text))
    if ":" in text:
        text = _SPACED_LABEL.sub(lambda m: m.group(1).replace(" ", ""), text)
    return text.strip()


def _pair(row: str) -> str:
    """A row of two cells whose first is a field's label is that field (`期間 | 令和6年…` is
    `期間: 令和6年…`); other rows stay rows."""
    cells = [c for c in row.split(" | ") if c != "-"]  # (`-`: a cell a text copy left empty)
    if len(cells) >= 3 and all(_ONE_KANJI.fullmatch(c) for c in cells[:2]):
        cells = [cells[0] + cells[1], *cells[2:]]  # `期 | 間 | …`: a label spaced out to its cell
    if len(cells) == 2 and all(cells) and is_field(f"{cells[0]}: {cells[1]}"):
        return f"{cells[0]}: {cells[1]}"
    return row


_ONE_KANJI = re.compile(r"[\u4e00-\u9fff]")


def is_field(line: str) -> bool:
    """A labelled fact of an event: `1 日 時 令和2年2月28日`, `日 時:…`, `Venue: …`."""
    return bool(_FIELD.match(line))


def is_date_line(line: str) -> bool:
    """A line that is nothing but a date or a date range: a diary or history heading."""
    return bool(_DATE_LINE.match(line.strip()))


_BULLET = re.compile(r"^(?:[・\-*●○◯◆◇■□]\s*)")


def is_dated_entry(line: str) -> bool:
    """A list item that opens with its date and then says what happened (`・令和5年8月 X市長が
    来庁`): one entry of a history or a diary, whatever its length."""
    text = _BULLET.sub("", line.strip(), count=1)
    entry = _DATED_TITLE.match(text) or _YEAR_TITLE.match(text)
    if entry is None or len(text) > 200:
        return False
    return not _CLOCK.match(text, entry.end() - 1)  # `2024年10月3日 15時00分`: a timestamp


_TIMED = re.compile(
    r"^(?:午前|午後)?\d{1,2}(?::\d{2}|時(?:\d{1,2}分)?)(?:\s*[~-]\s*\d{1,2}(?::\d{2}|時)?)?\s"
)
_CLOCK = re.compile(r"(?:午前|午後)?\d{1,2}(?:時|:)(?:\d{1,2}分?)?(?:\s*[~-]\s*\S*)?$")


# `・平成5年 研修生の受入れを開始`: a history may date an entry by its year alone.
_YEAR_TITLE = re.compile(rf"^{_JYEAR}(?:\s*[~から]+\s*{_JYEAR})?(?:まで)?\s+\S")


def is_furniture(line: str) -> bool:
    """Skip links, print and share buttons: template furniture, never content.

    Text copies often run several of them into one line, so a line made only of furniture
    phrases counts too."""
    line = line.strip()
    if _FURNITURE.match(line):
        return True
    parts = line.split(" ")
    return len(parts) > 1 and all(_FURNITURE.match(p) for p in parts if p)


def is_footer_start(line: str) -> bool:
    """Where the contact box, related links or a site's company profile begins."""
    return bool(_FOOTER.match(line.strip()))


def is_breadcrumb(line: str) -> bool:
    return bool(_BREADCRUMB.search(line))


def heading_level(
    line: str, following: str = "", previous: str = "", *, by_length: bool = True
) -> int:
    """The heading level a bare line deserves (0: not a heading).

    Dates alone head diary and history entries (2); numbered and marked lines head sections
    (3); a short line followed by a field list or a long paragraph heads an item (4).
    """
    return _level(_Line(line), _Line(following), _Line(previous), by_length)


class _Line:
    """A line with its field and date tests, each run at most once: every line is asked
    about as itself, as its neighbour's previous and as its neighbour's following."""

    __slots__ = ("_date", "_field", "raw", "text")

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = raw.strip()
        self._field: bool | None = None
        self._date: bool | None = None

    @property
    def field(self) -> bool:
        """`is_field` of the line as given (fields match from its very start)."""
        if self._field is None:
            self._field = is_field(self.raw)
        return self._field

    @property
    def date(self) -> bool:
        if self._date is None:
            self._date = is_date_line(self.raw)
        return self._date


def _level(line: _Line, following: _Line, previous: _Line, by_length: bool) -> int:
    text = line.text
    if not text or len(text) > 90:
        return 0
    if line.field if text == line.raw else is_field(text):
        return 0
    if _TIMED.match(text):
        return 0  # `15:30 部長会議`: an entry of a day's schedule, never a heading
    if line.date:
        return 0 if _SIGNATURE.match(following.text) else 2
    short = len(text) <= 60
    if _MARKED.match(text) and short:
        return 3
    if _NUMBERED.match(text) and short and not _SENTENCE_END.search(text):
        return 3
    if not short or _SENTENCE_END.search(text) or text.startswith(("・", "※", "-", "↑")):
        return 0
    if previous.raw and previous.field:
        return 0  # the continuation of a multi-line field
    if following.raw and following.field:
        return 4  # the title of an item whose facts follow as fields
    if previous.raw and previous.date:
        return 0  # the text of a dated entry
    if _DATED_TITLE.match(text) and len(text) <= 60:
        return 3
    if following.raw and following.date and not _CAPTION.search(text):
        return 4  # heads a dated list (これまでの主な取組)
    if by_length and len(following.raw) >= 40 and len(text) * 3 <= len(following.raw) * 2:
        return 4
    return 0


def drop_furniture(lines: Iterable[str], *, cut_footer: bool = True) -> list[str]:
    """Lines without template furniture, and without everything after the footer starts.

    A footer marker counts only past the first third of the page, so that a contact line near
    the top of a short page does not swallow its body.
    """
    kept = [line for line in lines if line and not is_furniture(line)]
    if cut_footer:
        floor = len(kept) // 3
        for i, line in enumerate(kept):
            if i >= max(floor, 1) and is_footer_start(line):
                return kept[:i]
    return kept


def blocks_from_lines(lines: Sequence[str], *, by_length: bool = True) -> list[Block]:
    """Classify cleaned lines into blocks; bullets become items, fields stay items too."""
    blocks: list[Block] = []
    tested = [_Line(line) for line in lines]
    blank = _Line("")
    last_field = False  # whether the last block is a field item (or a field's next value)
    for i, line in enumerate(lines):
        following = tested[i + 1] if i + 1 < len(lines) else blank
        level = _level(tested[i], following, tested[i - 1] if i else blank, by_length)
        if " | " in line and level:
            level = 0  # a table's row, even one opening with a date, stays a row
        if level:
            blocks.append(Block("heading", level, line))
            last_field = False
        elif " | " in line and not line.startswith(("・", "- ", "* ", "●")):
            blocks.append(Block("row", 0, line))  # a table's row, even one with a label first
            last_field = False
        elif line.startswith(("・", "- ", "* ", "●")) or tested[i].field:
            blocks.append(Block("item", 1, line))
            last_field = tested[i].field
        elif last_field and len(line) <= 40 and not _SENTENCE_END.search(line):
            # A short unpunctuated line under a field is the field's next value (a second
            # visitor).
            blocks.append(Block("item", 2, line))
        elif " | " in line:
            blocks.append(Block("row", 0, line))
            last_field = False
        else:
            blocks.append(Block("paragraph", 0, line))
            last_field = False
    return blocks


def text_blocks(text: str) -> tuple[str, list[Block]]:
    """The title and blocks of a plain-text page.

    The title is a breadcrumb's last step when the page starts with one, else its first line;
    the line after the breadcrumb wins when it spells that step out (`Visits Himeji C` over
    `Visits Himeji City`, `知事の日程` over `知事の日程(令和6年10月21日~10月27日)`) or when the
    step is only the section the page sits in (`News`).
    """
    raw_lines = text.splitlines()
    joined = join_stacked(join_range_tails(join_columns(_carry_days(raw_lines))))
    lines = drop_furniture(clean_line(raw) for raw in joined)
    title = _letterhead_title(raw_lines)
    for i, line in enumerate(lines[:12]):
        if is_breadcrumb(line):
            title = re.split(r"\s*[>＞»]\s*", line)[-1].strip()
            following = (x for x in lines[i + 1 :] if not is_breadcrumb(x) and not is_meta_line(x))
            title = _spelled_out(title, next(following, ""))
            break
    body = [line for line in lines if not is_breadcrumb(line) and not is_meta_line(line)]
    if not title and body:
        title = body[0]
    return title, blocks_from_lines(body)


def _carry_days(lines: list[str]) -> list[str]:
    """A copied diary table leaves a day's later rows without the day (`\t16:00\t…` under
    `9月2日(月)\t9:30\t…`): each takes the day of the row above it."""
    if not any(line.startswith("\t") for line in lines):
        return lines
    out: list[str] = []
    day = ""
    for line in lines:
        if not line.strip():
            day = ""
        elif "\t" in line and not line.startswith("\t"):
            first = line.split("\t", 1)[0].strip()
            day = first if is_date_line(clean_line(first)) else ""
        elif line.startswith("\t") and day and line.strip():
            line = day + line
        out.append(line)
    return out


_ADDRESSEE = re.compile(r"(?:様|殿|御中)$")
_CELL_GAP = re.compile(r"[ \u3000]{2,}")
_RIGHT = 36  # a line indented this far is set to the right: a date, a sender, a file mark


def _letterhead_title(raw_lines: list[str]) -> str:
    """A report's title under its letterhead: the first line that is no date, addressee or
    line set to the right (`令和6年11月20日`, `X議会議長 様`, `国際交流課`, `資料2`), when the
    report opens with such lines; '' when it does not."""
    skipped = False
    for raw in islice((line for line in raw_lines if line.strip()), 12):
        line = clean_line(raw)
        indent = len(raw) - len(raw.lstrip(" \u3000"))
        cells = _CELL_GAP.split(raw.strip())
        dated = len(cells) > 1 and any(is_date_line(clean_line(c)) for c in cells)
        if indent >= _RIGHT or is_date_line(line) or _ADDRESSEE.search(line) or dated:
            skipped = True
            continue
        return line if skipped else ""
    return ""


_SECTION_NAME = re.compile(r"[A-Za-z&]+(?: [A-Za-z&]+){0,2}|[^\x00-\x7f]{1,6}")


def _spelled_out(step: str, line: str) -> str:
    """The page's title given a breadcrumb's last step and the line after the breadcrumb."""
    line = line.strip()
    if not 10 <= len(line) <= 100 or len(line) <= len(step) or is_date_line(line):
        return step
    if _SENTENCE_END.search(line) and not line.endswith("」"):
        return step
    cut = step.rstrip("….").strip()
    if cut and cut in line:
        return line
    return line if _SECTION_NAME.fullmatch(step) else step
