"""CSS selectors on an lxml tree: compiled once, skipped where the page cannot match them.

Site profiles name regions and furniture in CSS; lxml evaluates XPath. cssselect translates a
selector once (cached for the process). Each selector costs a pass over the tree, and most of
a profile's selectors name an id or a class the page does not use (the generic profile names
thirty), so the page's ids and classes are gathered first, in two passes, and a selector that
needs one the page lacks is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from cssselect import HTMLTranslator, SelectorError
from lxml import etree
from lxml.etree import _Element

__all__ = ["PageSelector"]

_TRANSLATOR = HTMLTranslator()
_IDS = etree.XPath("//@id", smart_strings=False)
_CLASSES = etree.XPath("//@class", smart_strings=False)
_ID = re.compile(r"#([\w-]+)")
_CLASS = re.compile(r"\.([\w-]+)")
_BRACKETS = re.compile(r"\[[^\]]*\]")


@lru_cache(maxsize=512)
def _compiled(selector: str) -> Callable[[_Element], list[_Element]] | None:
    """A selector as a compiled XPath from the document node (so that text after a stray
    `</html>`, which lands in a second top-level element, is searched too); None when it is
    malformed: a profile's typo must not stop the page."""
    try:
        return etree.XPath(_TRANSLATOR.css_to_xpath(selector, prefix="//"))
    except (SelectorError, etree.XPathError):
        return None


@lru_cache(maxsize=512)
def _needs(selector: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...] | None:
    """For each part of a selector list, the ids and classes it needs; None when that cannot
    be read off plainly (pseudo-classes such as `:not(.x)` need nothing)."""
    if ":" in selector:
        return None
    needs = []
    for part in selector.split(","):
        bare = _BRACKETS.sub(" ", part)
        needs.append((frozenset(_ID.findall(bare)), frozenset(_CLASS.findall(bare))))
    return tuple(needs)


class PageSelector:
    """Selectors evaluated on one page."""

    def __init__(self, root: _Element) -> None:
        self.root = root
        self._ids = set(_IDS(root))
        self._classes = set(" ".join(_CLASSES(root)).split())

    def possible(self, selector: str) -> bool:
        """False when the selector needs an id or a class the page does not use."""
        needs = _needs(selector)
        return needs is None or any(
            ids <= self._ids and classes <= self._classes for ids, classes in needs
        )

    def select(self, selector: str) -> list[_Element]:
        """The elements matching `selector`, in document order."""
        compiled = _compiled(selector)
        if compiled is None or not self.possible(selector):
            return []
        return compiled(self.root)

    def select_any(self, selectors: Sequence[str]) -> list[_Element]:
        """The elements matching any of `selectors`: one pass for all, one each only when
        some selector is malformed."""
        selectors = [s for s in selectors if self.possible(s)]
        if not selectors:
            return []
        together = _compiled(", ".join(selectors))
        if together is not None:
            return together(self.root)
        return [tag for selector in selectors for tag in self.select(selector)]
