"""English date forms: month and weekday names and how `parsers.text.dates` reads them.

`Wednesday, October 17, 2007`, `17 Oct. 2007`, `15th November 2023`, `November 2023` (or
`November of 2023`), the
first day of `13th to 15th November`, and `FY2023`.
"""

from __future__ import annotations

__all__: list[str] = []

_Y4 = r"(?:1[89]\d\d|20\d\d|2100)"
_MONTH_NAMES = {
    "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
    "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
    "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
_MONTHS_EN = {**_MONTH_NAMES, **{k.upper(): v for k, v in _MONTH_NAMES.items()}}
_MONTH_EN = r"\b(?:" + "|".join(sorted(_MONTHS_EN, key=len, reverse=True)) + r")\b\.?"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WD_NAMES = [*_WEEKDAYS, *(w[:3] for w in _WEEKDAYS), "Tues", "Thur", "Thurs"]
_WD_EN = (
    r"(?:\b(?:"
    + "|".join(sorted({*_WD_NAMES, *(w.upper() for w in _WD_NAMES)}, key=len, reverse=True))
    + r")\b\.?,? )?"
)
_ORD = r"(?:st|nd|rd|th)?"
_EN_LINK = r"(?: ?[-‐‑‒–—―−~] ?| (?:to|and|until|till|through) )"


def _named_month(name: str) -> str:
    return rf"(?P<{name}>{_MONTH_EN})"


_EN_BRANCHES = (
    # Wednesday, October 17, 2007; July 4; August 23
    rf"(?P<emd>{_WD_EN}{_named_month('emd_mn')} (?P<emd_d>\d{{1,2}}){_ORD}\b(?!:\d)"
    rf"(?:,? ?(?P<emd_y>{_Y4})(?!\d))?)",
    # 17 Oct. 2007; On 7 September; 15th November 2023
    rf"(?P<edm>{_WD_EN}(?<![\d.,])(?P<edm_d>\d{{1,2}}){_ORD}(?: of)? "
    rf"{_named_month('edm_mn')}(?:,? ?(?P<edm_y>{_Y4})(?!\d))?)",
    # the 13th of `13th to 15th November`: a day that starts a range
    rf"(?P<ed>(?<![\d.,])(?P<ed_d>\d{{1,2}}){_ORD}"
    rf"(?={_EN_LINK}(?:the )?\d{{1,2}}{_ORD}(?: of)? {_MONTH_EN}))",
    # November 2023; July of 2008
    rf"(?P<emy>{_named_month('emy_mn')},? (?:of )?(?P<emy_y>{_Y4})(?!\d))",
    # FY2023: the Japanese fiscal year, April 2023 to March 2024
    rf"(?P<fy>FY ?(?P<fy_y>{_Y4})(?!\d))",
)


def _english_month(name: str) -> int:
    return _MONTHS_EN[name.rstrip(".")]
