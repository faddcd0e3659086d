"""The numbering of a page's headings, read as an outline.

Reports number their parts in nested styles (`Ⅱ`, `2`, `(1)`, `①`), one style per depth.
A heading numbered in the style of a section's own heading, or of one above it, is that
section's sibling or an ancestor's: the section has ended there, whatever the heading says.
"""

from __future__ import annotations

import re

__all__ = ["Outline", "numbering"]

_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(r"^第\s*[\d一二三四五六七八九十]{1,3}\s*[章節部編]")),
    ("roman", re.compile(r"^[\u2160-\u216b]|^[IVX]{1,4}[.)]\s")),
    ("circled", re.compile(r"^[\u2460-\u2473\u3251-\u325f]")),
    ("paren", re.compile(r"^(?:[(]\d{1,2}[)]|[\u2474-\u2487])")),
    ("kana", re.compile(r"^(?:[(][ア-ン][)]|[ア-ン][.)、]\s*|[ア-ン]\s)")),
    ("digit", re.compile(r"^\d{1,2}(?:[.)、]\s*|\s+)(?!\d)")),
    ("mark", re.compile(r"^[◆◇■□●○◎★☆▼▽▶►]")),
)


def numbering(text: str) -> str | None:
    """The numbering style a heading opens with (`(2) …` -> "paren"), or None."""
    text = text.strip()
    for name, pattern in _STYLES:
        if pattern.match(text):
            return name + (text[0] if name == "mark" else "")
    return None


class Outline:
    """The styles of the numbered headings met so far, outermost first."""

    def __init__(self) -> None:
        self._depths: list[str] = []

    def meet(self, text: str) -> int | None:
        """Note a heading and return its depth (None when it is not numbered)."""
        style = numbering(text)
        if style is None:
            return None
        if style in self._depths:
            del self._depths[self._depths.index(style) + 1 :]
        else:
            self._depths.append(style)
        return self._depths.index(style)
