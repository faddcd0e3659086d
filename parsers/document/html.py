"""HTML into the document model.

lxml reads the whole page (`parsers.document.region`): the site's main-region selector picks the
content, the page's facts are read wherever the template prints them, and the drop selectors
remove furniture inside the region (contact boxes, related links). BeautifulSoup then reads the
region alone and a walk over it emits blocks in reading order. When a site's selectors miss (a
redesign, a page from another template) the region falls back to `<main>`, `<article>` or
`<body>`, so a template change degrades extraction instead of stopping it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from parsers.document.meta import facts_from_lines, is_meta_line
from parsers.document.model import Block, Document
from parsers.document.region import REGION_MARK, HtmlProfile, cut_page, edges
from parsers.document.text import blocks_from_lines, clean_line, is_footer_start, is_furniture

__all__ = ["HtmlProfile", "html_document"]

_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "form",
        "iframe",
        "button",
        "select",
        "input",
        "textarea",
        "nav",
        "object",
        "embed",
        "canvas",
        "map",
        "audio",
        "video",
        "head",
        "title",
        "meta",
        "link",
    ]
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "header",
        "footer",
        "blockquote",
        "pre",
        "address",
        "figure",
        "figcaption",
        "dl",
        "dt",
        "dd",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "center",
        "hr",
        "fieldset",
        "details",
        "summary",
        "body",
        "html",
    ]
)
# Where the walk ends a line; blank text beside them changes nothing and is left out.
_BREAKS = _BLOCKS | frozenset(_HEADINGS)
_LINE = "\n"
_SPACES = re.compile(r"\s+")
_NESTED = ["p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"]


def _text_of(tag: Tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


class _Walker:
    """Collects (kind, level, text) in reading order; `<br>` splits lines."""

    def __init__(self) -> None:
        self.raw: list[tuple[str, int, str]] = []
        self._inline: list[str] = []
        self._context: list[tuple[str, int]] = [("paragraph", 0)]

    def flush(self) -> None:
        text = "".join(self._inline)
        self._inline = []
        kind, level = self._context[-1]
        for line in text.split(_LINE):
            if line.strip():
                self.raw.append((kind, level, line))

    def _within(self, tag: Tag, kind: str, level: int) -> None:
        self.flush()
        self._context.append((kind, level))
        self.walk(tag)
        self.flush()
        self._context.pop()

    def walk(self, node: Tag) -> None:
        for child in node.contents:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment):
                    self._inline.append(_SPACES.sub(" ", child))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP:
                continue
            name = child.name
            if name == "br":
                self._inline.append(_LINE)
            elif name in _HEADINGS:
                self.flush()
                self.raw.append(("heading", _HEADINGS[name], _text_of(child)))
            elif name in ("li", "dt", "dd"):
                depth = sum(1 for kind, _ in self._context if kind == "item") + 1
                self._within(child, "item", depth)
            elif name == "tr":
                self._row(child)
            elif name in _BLOCKS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def _row(self, tr: Tag) -> None:
        cells = tr.find_all(["td", "th"], recursive=False)
        if any(c.find(_NESTED) for c in cells):
            # A layout table: its cells hold running content, not values.
            for cell in cells:
                self.flush()
                self.walk(cell)
                self.flush()
            return
        self.flush()
        texts = [t for t in (_text_of(c) for c in cells) if t]
        if texts:
            self.raw.append(("row", 0, " | ".join(texts)))


def _iter_clean(raw: list[tuple[str, int, str]]) -> Iterator[tuple[str, int, str]]:
    for kind, level, text in raw:
        line = clean_line(text)
        if line:
            yield kind, level, line


def html_document(html: str, *, url: str = "", profile: HtmlProfile | None = None) -> Document:
    """Build a document from decoded HTML."""
    cut = cut_page(html, url, profile or HtmlProfile(), breaks=_BREAKS)
    if cut is None:
        return Document(url=url)
    soup = BeautifulSoup(cut.region, "lxml")
    region = soup.find(None, {REGION_MARK: True})
    if not isinstance(region, Tag):
        region = soup
    walker = _Walker()
    walker.walk(region)
    walker.flush()
    kinds = list(_iter_clean(walker.raw))
    kinds = [k for k in kinds if not is_furniture(k[2])]
    if cut.fallback:
        floor = max(len(kinds) // 3, 1)
        cut_at = next(
            (i for i, k in enumerate(kinds) if i >= floor and is_footer_start(k[2])), None
        )
        kinds = kinds[:cut_at]
    facts = facts_from_lines([*cut.meta_lines, *edges([t for _, _, t in kinds])])
    facts = facts.merged(cut.facts)
    if facts.updated is None or facts.page_number is None:
        # Templates often print these outside the main region (`p.page_number`, `#tmp_update`).
        whole = (clean_line(t) for t in cut.whole_lines() if len(t) < 300)
        facts = facts.merged(facts_from_lines(t for t in whole if t and len(t) < 200))
    kinds = [k for k in kinds if not is_meta_line(k[2])]
    blocks = _classify(kinds)
    return Document(
        title=cut.title,
        published=facts.published,
        updated=facts.updated,
        page_number=facts.page_number,
        url=url,
        blocks=tuple(blocks),
        links=cut.links,
    )


def _classify(kinds: list[tuple[str, int, str]]) -> list[Block]:
    """Markup headings stay headings; bare paragraphs get the text rules (dates, fields)."""
    texts = [t for _, _, t in kinds]
    guessed = blocks_from_lines(texts)
    blocks: list[Block] = []
    for (kind, level, text), guess in zip(kinds, guessed, strict=True):
        if is_footer_start(text) and kind == "heading":
            break
        if kind == "heading":
            blocks.append(Block("heading", level, text))
        elif kind == "paragraph":
            blocks.append(guess)
        elif kind == "item":
            blocks.append(Block("item", level, text))
        else:
            blocks.append(Block("row", 0, text))
    return blocks
