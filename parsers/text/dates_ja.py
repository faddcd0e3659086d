"""Japanese date forms: the eras and how `parsers.text.dates` reads Japanese and numeric dates.

Era years (`令和6年`, `H25.8.31`), Western years written the Japanese way (`2008年(平成20年)`),
month and day (`6月20日(木)`, `11月7~8日`), numeric forms (`2012/4/25`, `7/27(木)`) and a day
alone (`15日`, `同月の4日`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from parsers.text.date_values import PartialDate

__all__: list[str] = []

# --- Japanese eras ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Era:
    first_year: int  # Gregorian year of 元年
    last: int  # the highest year number the era reached
    begins: date
    ends: date


_ERAS: dict[str, _Era] = {
    "令和": _Era(2019, 99, date(2019, 5, 1), date(9999, 12, 31)),
    "平成": _Era(1989, 31, date(1989, 1, 8), date(2019, 4, 30)),
    "昭和": _Era(1926, 64, date(1926, 12, 25), date(1989, 1, 7)),
    "大正": _Era(1912, 15, date(1912, 7, 30), date(1926, 12, 24)),
    "明治": _Era(1868, 45, date(1868, 1, 1), date(1912, 7, 29)),
}
_ERA_ABBREVIATIONS = {"R": "令和", "H": "平成", "S": "昭和"}


def _era_year(era: str, number: str) -> int | None:
    n = 1 if number == "元" else int(number)
    info = _ERAS[era]
    return info.first_year + n - 1 if 1 <= n <= info.last else None


def _in_era(era: str, when: PartialDate) -> bool:
    """Whether `when` overlaps the era (令和元年4月 and 平成31年5月 never existed)."""
    first, last = when.first_day(), when.last_day()
    info = _ERAS[era]
    return first is not None and last is not None and first <= info.ends and last >= info.begins


_ERA = "(?:令和|平成|昭和|大正|明治)"
_ERA_NUM = r"(?:元|\d{1,2})"
_YEAR_JA = (
    rf"(?:{_ERA} ?{_ERA_NUM}(?: ?\(\d{{4}}\))? ?年(?: ?\(\d{{4}} ?年?\))?"
    rf"|\d{{4}}(?: ?\({_ERA} ?{_ERA_NUM}\))? ?年(?: ?\({_ERA} ?{_ERA_NUM} ?年?\))?)"
)
_WD_JA = r"(?: ?\((?:[月火水木金土日祝休・,、]|曜日?){1,6}\))?"
_TILDE_DAY = r"(?=~\d{1,2}日)"
_DAY_END = "(?![間目後前以程分余超未連ぶ時本付曜あ当平毎中])"
_YEAR_IN_PARTS = re.compile(rf"({_ERA}) ?({_ERA_NUM})|(\d{{4}})")

_JA_BRANCHES = (
    # 令和6年6月20日(木), 2008年(平成20年)10月7日, 令和7年度10月, 令和4年度, 2013年
    rf"(?P<ja>(?<![\d.,/])(?P<ja_y>{_YEAR_JA})(?!代|間|前(?!半)|ぶり)(?P<ja_fy>度)?"
    rf"(?: ?(?P<ja_m>\d{{1,2}})月(?![曜額間目])"
    rf"(?:(?P<ja_d>\d{{1,2}})(?:日|{_TILDE_DAY}))?)?{_WD_JA})",
    # 2012/4/25, 2012/04/15, 2023-10-27, 2023.10.27
    r"(?P<num>(?<![\d/.\-])(?P<num_y>\d{4})(?P<num_s>[/.\-])(?P<num_m>\d{1,2})"
    rf"(?P=num_s)(?P<num_d>\d{{1,2}})(?![\d/]|[.\-]\d){_WD_JA})",
    # H25.8.31, R5.10.27
    r"(?P<ab>(?<![A-Za-z0-9])(?P<ab_e>[RHS])(?P<ab_y>\d{1,2})\.(?P<ab_m>\d{1,2})\."
    rf"(?P<ab_d>\d{{1,2}})(?!\d|\.\d){_WD_JA})",
    # 7/27(木), 7/27~7/29: a bare month/day only counts with its weekday beside it, or as the
    # first of a range of two (a fraction or a score has no such partner)
    r"(?P<sl>(?<![\d/.])(?P<sl_m>\d{1,2})/(?P<sl_d>\d{1,2})"
    r"(?= ?\([月火水木金土日]|\s?~\s?\d{1,2}/\d{1,2}(?![\d/]))" + _WD_JA + ")",
    # 6月20日(木), 11月7~8日, 3月
    rf"(?P<md>(?<![\d.,/第])(?P<md_m>\d{{1,2}})月(?![曜額間目])"
    rf"(?:(?P<md_d>\d{{1,2}})(?:日|{_TILDE_DAY}))?{_WD_JA})",
    # 15日, 同月の4日: a day alone takes its month from a range or the context
    r"(?P<dd>(?<![\d.,/第約計全延各毎数泊月])(?P<dd_same>同月の?)?(?P<dd_d>\d{1,2})"
    rf"(?:日{_DAY_END}|{_TILDE_DAY}){_WD_JA})",
)


def _ja_year(text: str) -> tuple[int | None, str | None]:
    """The year in a `_YEAR_JA` match and its era (None for a Western year).

    With both spellings (`2008年(平成20年)`) the Western digits win: they are the ones pages
    rarely get wrong.
    """
    era: str | None = None
    era_year: int | None = None
    western: int | None = None
    for m in _YEAR_IN_PARTS.finditer(text):
        if m.group(3):
            western = int(m.group(3))
        else:
            era = m.group(1)
            era_year = _era_year(m.group(1), m.group(2))
    if western is not None:
        return western, (era if era_year == western else None)
    return era_year, era
