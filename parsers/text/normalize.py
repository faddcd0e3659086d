"""Text normalisation for extraction, shared by every site parser.

Pages write the same date many ways: full-width digits, PDF text with a space between every
letter, four different range marks. `normalize` maps them onto one spelling so the extractors
in `parsers.text.dates` and friends need one pattern per form, not one per typography. It is
deliberate rather than NFKC: NFKC would also rewrite ①, ㈱, ², ™ and friends, which carry
meaning, while we only want what changes how dates and numbers read.

`normalize` is idempotent, keeps line breaks (headings and items are line-based) and keeps
Japanese kana and kanji as they are, except that half-width katakana becomes full-width and an
era date in kanji numerals gets digits (`令和六年六月` -> `令和6年6月`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from parsers.text.memo import text_memo

__all__ = ["RANGE_MARK", "normalize", "squeeze_spaced"]

RANGE_MARK = "~"
"""The one range mark `normalize` leaves between the two ends of a date range."""

_ERAS = "令和|平成|昭和|大正|明治"


def _translation() -> dict[int, str]:
    table: dict[int, str] = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
    # The full-width equals sign joins the halves of a place's name (バーデン＝バーデン) and plays
    # no part in dates or numbers: it stays as the page writes it.
    del table[0xFF1D]
    # Range marks: full-width tilde, wave dash (pdfminer's rendering of ～), swung dash, tilde
    # operator. The katakana prolonged mark ー is a letter, never a range mark.
    for c in (0xFF5E, 0x301C, 0x2053, 0x223C, 0x02DC):
        table[c] = RANGE_MARK
    # Every horizontal space becomes an ASCII space; runs are collapsed later.
    for c in (0x3000, 0x00A0, 0x1680, 0x202F, 0x205F, 0x0009, 0x000B, 0x000C):
        table[c] = " "
    for c in range(0x2000, 0x200B):
        table[c] = " "
    for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD):
        table[c] = ""
    for c in (0x2028, 0x2029, 0x0085):
        table[c] = "\n"
    # Era ligatures (㍻ and friends) spell out to their two letters.
    table.update({0x32FF: "令和", 0x337B: "平成", 0x337C: "昭和", 0x337D: "大正", 0x337E: "明治"})
    return table


_TABLE = _translation()
# Translating only the runs that need it is several times faster than str.translate on a page.
_MAPPED = re.compile("[" + re.escape("".join(map(chr, _TABLE))) + "]+")
_HALFWIDTH = re.compile(r"[\uff61-\uff9f]")
_HALFWIDTH_KANA = re.compile(r"[\u3041-\u30ff]?[\uff61-\uff9f]+")
_SPACES = re.compile(r" {2,}")

# Spaced-out dates, as PDF text extraction writes them: 令 和 ６ 年 ６ 月 2 5 日. Every pattern
# starts with a plain character (no lookbehind first) so the regex engine can skip ahead fast.
_SPACED_ERA = re.compile(r"(令|平|昭|大|明) (和|成|正|治)(?= ?(?:\d|元))")
_ERA_GAP = re.compile(rf"({_ERAS}) (?=\d|元)")
_GANNEN_GAP = re.compile(rf"({_ERAS})元 年")
_SPACED_DIGITS = re.compile(r"\d(?<!\d\d)(?<!\d \d)(?: \d)+(?= ?[年月日])")
# A space between a number and its unit, except the field label `1 日 時` (日時, 日程 ...).
_DIGIT_UNIT_GAP = re.compile(r"(\d) (?=[年月]|日(?! ?[時程本付中]))")
_UNIT_DIGIT_GAP = re.compile(r"((?:\d|元)[年月]|\d年度) (?=\d{1,2} ?[月日])")
_FISCAL_GAP = re.compile(r"(\d年) 度")
# Dashes between two dates are range marks; elsewhere (phone numbers, ISO dates, names) they
# stay. "Between dates" means: after 年/月/日 or a weekday in brackets, before a date.
_DATE_END = r"(\d[年月日]|[月火水木金土日祝休曜]\))"
_DATE_START = rf"(?=(?:{_ERAS}|同[年月])?\d{{1,4}} ?[年月日/])"
_DATE_DASH = re.compile(rf"{_DATE_END} ?[-‐‑‒–—―−﹣] ?{_DATE_START}")
_TILDE_GAP = re.compile(rf"(\d[年月日]?|[月火水木金土日祝休曜]\))(?: ~ ?|~ ){_DATE_START}")
# Formal notices write era dates in kanji numerals (令和六年六月二十五日); only such a date,
# era first, is rewritten, so words that merely contain a numeral (一月寺, 十日町) stay.
_KANJI_DIGITS = "〇一二三四五六七八九"
_KANJI_NUMBER = f"[{_KANJI_DIGITS}十]{{1,4}}"
_KANJI_DATE = re.compile(
    rf"({_ERAS})(元|{_KANJI_NUMBER})年(度)?(?:({_KANJI_NUMBER})月(?:({_KANJI_NUMBER})日)?)?"
)
_KANJI_HINT = re.compile(rf"[和成正治][元{_KANJI_DIGITS}十]")
_K = f"[{_KANJI_DIGITS}十]"
_SPACED_KANJI_DATE = re.compile(
    rf"(?:令 ?和|平 ?成|昭 ?和|大 ?正|明 ?治) ?(?:元|{_K}(?: ?{_K})*) ?年(?: ?度)?"
    rf"(?: ?{_K}(?: ?{_K})* ?月(?: ?{_K}(?: ?{_K})* ?日)?)?"
)
_SPACED_KANJI_HINT = re.compile(
    rf"[令平昭大明和成正治元年月{_KANJI_DIGITS}十] [和成正治元年月日度{_KANJI_DIGITS}十]"
)
# Cheap tests for lines that need the rules above; a page has few, and most pages none.
# (`1 日 時`, a field label, is no date: _DIGIT_UNIT_GAP leaves it, so it needs no look.)
_SPACED_DATE_HINT = re.compile(
    r"[\d令平昭大明和成正治元年月度] (?:[\d和成正治元年月度]|日(?! ?[時程本付中]))"
)
_DATE_DASH_HINT = re.compile(r"[年月日)] ?[-‐‑‒–—―−﹣]")


def _fold_kana(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def _map(match: re.Match[str]) -> str:
    return match.group().translate(_TABLE)


def _kanji_number(text: str) -> str:
    """`二十五` -> `25`, `十` -> `10`, `二〇二四` -> `2024` (positional when there is no 十)."""
    if "十" not in text:
        return "".join(str(_KANJI_DIGITS.index(c)) for c in text)
    tens, _, ones = text.partition("十")
    value = (_KANJI_DIGITS.index(tens) if tens else 1) * 10
    return str(value + (_KANJI_DIGITS.index(ones) if ones else 0))


def _kanji_date(match: re.Match[str]) -> str:
    era, year, fiscal, month, day = match.groups()
    try:
        parts = [era, year if year == "元" else _kanji_number(year), "年", fiscal or ""]
        if month:
            parts += (_kanji_number(month), "月")
        if day:
            parts += (_kanji_number(day), "日")
    except ValueError:  # 十 twice, or a digit before 十 that is not one (十十, 〇十): not a number
        return match.group()
    return "".join(parts)


def _join_digits(match: re.Match[str]) -> str:
    digits = match.group().replace(" ", "")
    unit = match.string[match.end() : match.end() + 2].strip()[:1]
    limit = 4 if unit == "年" else 2
    return digits if len(digits) <= limit else match.group()


@text_memo(2048)
def normalize(text: str) -> str:
    """Return `text` with one spelling for digits, spaces and range marks (idempotent).

    Remembered: a page's lines are normalised as lines, then again inside the sentences and
    sections the extractors date."""
    if "\r" in text:  # before the mapping, which makes a \x85 after a \r another \n
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _MAPPED.sub(_map, text)
    if _HALFWIDTH.search(text):
        text = _HALFWIDTH_KANA.sub(_fold_kana, text)
    if " " in text:
        if "  " in text:
            text = _SPACES.sub(" ", text)
        text = text.replace(" \n", "\n").replace("\n ", "\n").strip(" ")
        text = _on_lines(text, _SPACED_KANJI_HINT, _squeeze_kanji_date)
    if _KANJI_HINT.search(text):
        text = _KANJI_DATE.sub(_kanji_date, text)
    if " " in text:
        text = _on_lines(text, _SPACED_DATE_HINT, _join_spaced_date)
        if " ~" in text or "~ " in text:
            text = _TILDE_GAP.sub(rf"\1{RANGE_MARK}", text)
    return _on_lines(text, _DATE_DASH_HINT, _dash_to_range)


def _squeeze_kanji_date(line: str) -> str:
    return _SPACED_KANJI_DATE.sub(lambda m: m.group().replace(" ", ""), line)


def _join_spaced_date(line: str) -> str:
    line = _SPACED_ERA.sub(r"\1\2", line)
    line = _ERA_GAP.sub(r"\1", line)
    line = _GANNEN_GAP.sub(r"\1元年", line)
    line = _SPACED_DIGITS.sub(_join_digits, line)
    line = _DIGIT_UNIT_GAP.sub(r"\1", line)
    line = _UNIT_DIGIT_GAP.sub(r"\1", line)
    return _FISCAL_GAP.sub(r"\1度", line)


def _dash_to_range(line: str) -> str:
    return _DATE_DASH.sub(rf"\1{RANGE_MARK}", line)


def _on_lines(text: str, hint: re.Pattern[str], fix: Callable[[str], str]) -> str:
    """Apply `fix` to the lines where `hint` matches; none of the rules crosses a line."""
    pieces: list[str] = []
    done = 0
    for m in hint.finditer(text):
        if m.start() < done:
            continue
        begin = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        pieces += (text[done:begin], fix(text[begin:end]))
        done = end
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


_CJK = r"[\u3005\u3041-\u3096\u30a1-\u30fa\u30fc\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_SPACED_WORD = re.compile(rf"(?<!\S){_CJK}(?:[ \u3000]+{_CJK})+(?!\S)")
_GAPS = re.compile(r"[ \u3000]+")


def squeeze_spaced(text: str) -> str:
    """Join single Japanese letters written with spaces between them (`出 席 者` -> `出席者`).

    Titles and field labels in PDFs and old templates are spaced out for looks; joined, they
    match the words a parser looks for. Only runs of two or more one-letter words are joined,
    so ordinary spaced text (`山中 竹春`) is left alone.
    """
    if " " not in text and "\u3000" not in text:
        return text
    return _SPACED_WORD.sub(_join_letters, text)


def _join_letters(match: re.Match[str]) -> str:
    return _GAPS.sub("", match.group())
