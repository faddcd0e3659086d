"""The lxml pass over a whole HTML page: its own facts, and its main region cut out.

BeautifulSoup costs about twenty times what lxml does to build a tree, so the whole page is read
by lxml only: the main region is found with the site's selectors (compiled once to XPath), the
page's facts are read where the template prints them (title, `<base>`, meta tags, JSON-LD,
`time[datetime]`, the meta selectors, the text of the whole page), the furniture inside the
region is dropped, and only the region, serialised, goes on to BeautifulSoup for the walk.

Text is gathered as BeautifulSoup's `get_text` would: comments and the strings of `script`,
`style`, `template`, `rt` and `rp` do not count.

Depth: by default libxml2 stops reading a page at 256 levels, and old templates that never close
a `<font>` or a `<div>` get there; `huge_tree` raises the limit to 2048. Deeper than that
libxml2 stops, so a hostile 100,000-deep page costs milliseconds; the walk over the region
turns anything past Python's recursion limit into a ParseError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.etree import _Element

from parsers.document.css import PageSelector
from parsers.document.meta import PageFacts, clean_title, iso_date
from parsers.document.text import clean_line

__all__ = ["REGION_MARK", "HtmlProfile", "PageCut", "cut_page", "edges", "text_of"]

REGION_MARK = "data-citywatch-region"
"""The attribute that marks the region in the serialised markup, so it can be found again."""

_FALLBACK_MAIN = ("main", "article", "[role=main]", "#main", "#content", "#contents", "body")
_FALLBACK_DROP = ("header", "footer", "aside", ".breadcrumb", "#breadcrumb", ".pankuzu")
# lxml.etree's HTML parser, not lxml.html's: the same tree, but lxml.html looks up a Python
# element class for every element touched, a sixth of cutting a page.
_PARSER = etree.HTMLParser(encoding="utf-8", huge_tree=True)
# The strings BeautifulSoup's get_text leaves out (it files them as Script, Stylesheet, ...).
_VISIBLE = (
    "text()[not(ancestor::script or ancestor::style or ancestor::template"
    " or ancestor::rt or ancestor::rp)]"
)
_STRINGS = etree.XPath(f".//{_VISIBLE}", smart_strings=False)
# Absolute paths: text after a stray `</html>` lands in a second top-level element, which
# BeautifulSoup keeps too; paths from the document node see both.
_ALL_STRINGS = etree.XPath(f"//{_VISIBLE}", smart_strings=False)
_HIDDEN = frozenset(["script", "style", "template", "rt", "rp"])
_JSON_LD = etree.XPath("//script[@type='application/ld+json']")
_BASE = etree.XPath("(//base[@href])[1]/@href", smart_strings=False)
_HEAD = etree.XPath("(//head)[1]")
_ALL_META = etree.XPath("//meta")
_TITLE = etree.XPath("(//title)[1]")
_H1 = etree.XPath("(//h1)[1]")
_TIME = etree.XPath("//time")
_DROP_MARK = "data-citywatch-drop"
_DROPPED = etree.XPath(f".//*[@{_DROP_MARK}]")
_HREFS = etree.XPath(".//a/@href", smart_strings=False)
_BLANKS = etree.XPath(".//text()[normalize-space() = '']")


@dataclass(frozen=True, slots=True)
class HtmlProfile:
    """Where a template keeps its content, title, and furniture to drop."""

    main: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    meta: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PageCut:
    """What the lxml pass learnt, and the region's markup for BeautifulSoup.

    `region` is a small HTML document whose element marked `REGION_MARK` is the main region
    (furniture already dropped; no mark: the whole page is the region), `links` the absolute
    links in it; `fallback` says the site's selectors missed."""

    title: str
    facts: PageFacts
    meta_lines: tuple[str, ...]
    region: str
    links: tuple[str, ...]
    fallback: bool
    root: _Element

    def whole_lines(self) -> list[str]:
        """The non-blank text lines of the whole page, furniture included, head and tail only:
        templates print page facts there (`p.pageid`, `#tmp_update`). Read on demand, as most
        pages state their facts in the region or the meta selectors."""
        whole = "\n".join(_ALL_STRINGS(self.root)).splitlines()
        return edges([line for line in whole if line.strip()])


def _strings(element: _Element) -> list[str]:
    found: list[str] = _STRINGS(element)
    return found


def _shown(node: _Element) -> bool:
    """Whether text directly inside `node` counts (no script, style, template, rt, rp around)."""
    return node.tag not in _HIDDEN and not any(a.tag in _HIDDEN for a in node.iterancestors())


def _has_text(element: _Element) -> bool:
    """Whether the element holds any text; a walk that stops at the first, where the XPath
    above would gather every string of the region first."""
    for node in element.iter():
        text = node.text if isinstance(node.tag, str) else None  # a comment's text is no text
        if text and not text.isspace() and _shown(node):
            return True
        tail = node.tail if node is not element else None
        if tail and not tail.isspace() and _shown(node.getparent()):
            return True
    return False


def text_of(element: _Element) -> str:
    """The element's text on one line, as `get_text(" ", strip=True)` with spaces collapsed."""
    return " ".join(" ".join(_strings(element)).split())


def _first(page: PageSelector, selectors: Sequence[str]) -> _Element | None:
    """The first match of the first selector whose first match has text."""
    for selector in selectors:
        found = page.select(selector)
        if found and _has_text(found[0]):
            return found[0]
    return None


def _iso_attr(value: object) -> str | None:
    """An ISO date from a machine-readable attribute (`2024-06-25T10:00:00+09:00`)."""
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        return "-".join(match.groups())
    return iso_date(clean_line(value))


def _metas(root: _Element) -> dict[str, str]:
    """`<meta>` contents by lower-cased property or name."""
    found: dict[str, str] = {}
    head = _HEAD(root)
    for tag in head[0].iter("meta") if head else _ALL_META(root):
        key = tag.get("property") or tag.get("name")
        value = tag.get("content")
        if key is not None and value is not None:
            found.setdefault(key.strip().lower(), value)
    return found


def _meta(metas: dict[str, str], *names: str) -> str | None:
    return next((metas[n] for n in names if metas.get(n, "").strip()), None)


def _json_ld_dates(root: _Element) -> PageFacts:
    published = updated = None
    for script in _JSON_LD(root):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            for graph in [item, *(g for g in item.get("@graph", []) if isinstance(g, dict))]:
                published = published or _iso_attr(graph.get("datePublished"))
                updated = updated or _iso_attr(graph.get("dateModified"))
    return PageFacts(published, updated)


def _machine_facts(root: _Element, region: _Element | None, metas: dict[str, str]) -> PageFacts:
    published = _iso_attr(
        _meta(metas, "article:published_time", "og:published_time", "date", "pubdate")
    )
    updated = _iso_attr(_meta(metas, "article:modified_time", "og:updated_time"))
    facts = PageFacts(published, updated).merged(_json_ld_dates(root))
    times: list[_Element] = list(region.iterdescendants("time")) if region is not None else []
    times = times or _TIME(root)
    for tag in times:
        iso = _iso_attr(tag.get("datetime"))
        if iso is None:
            continue
        classes = tag.get("class") or ""
        if "updated" in classes or "modified" in classes:
            facts = facts.merged(PageFacts(updated=iso))
        else:
            facts = facts.merged(PageFacts(published=iso))
    return facts


def _title(page: PageSelector, profile: HtmlProfile, metas: dict[str, str]) -> str:
    root = page.root
    tag = _first(page, profile.title) if profile.title else None
    if tag is not None:
        return clean_line(text_of(tag))
    og = _meta(metas, "og:title")
    if og and og.strip():
        return clean_line(clean_title(og))
    title = _TITLE(root)
    if title and len(title[0]) == 0 and title[0].text:
        return clean_line(clean_title(title[0].text))
    h1 = _H1(root)
    return clean_line(text_of(h1[0])) if h1 else ""


def _doomed(
    page: PageSelector, region: _Element | None, selectors: Sequence[str]
) -> list[_Element]:
    """The furniture inside the region (None: the whole page)."""
    found = page.select_any(selectors)
    if region is None:
        return found
    return [tag for tag in found if any(a is region for a in tag.iterancestors())]


def _copy_without(element: _Element, doomed: list[_Element]) -> _Element:
    """A copy of `element` without the doomed elements, each replaced by an empty comment so
    that the strings around it stay apart (as BeautifulSoup's decompose leaves them). The page
    itself stays whole for `PageCut.whole_lines`."""
    for tag in doomed:
        tag.set(_DROP_MARK, "")
    copy = deepcopy(element)
    for tag in _DROPPED(copy):
        parent = tag.getparent()
        if parent is None:
            continue
        mark = etree.Comment("")
        mark.tail = tag.tail
        parent.replace(tag, mark)
    return copy


def _region_copies(
    root: _Element, region: _Element | None, doomed: list[_Element], breaks: frozenset[str]
) -> list[_Element]:
    """Copies of the region (None: of every top-level element) without the furniture."""
    if region is None:
        tops = [root, *(e for e in root.itersiblings() if isinstance(e.tag, str))]
        copies = [_copy_without(top, doomed) for top in tops]
    else:
        copies = [_copy_without(region, doomed)]
        copies[0].set(REGION_MARK, "")
    if breaks:
        for copy in copies:
            _trim(copy, breaks)
    return copies


def _trim(element: _Element, breaks: frozenset[str]) -> None:
    """Leave out blank text inside or after the elements the walk breaks lines at: it would
    only start a line that is then stripped, and each string costs BeautifulSoup as much as a
    tag (a template's newlines between paragraphs are a third of a page's strings)."""
    for blank in _BLANKS(element):
        owner = blank.getparent()
        if owner is None or owner.tag not in breaks:
            continue
        if blank.is_tail:
            owner.tail = None
        else:
            owner.text = None


def _markup(copies: list[_Element]) -> str:
    """The copies as markup; libxml2 reads an element alone as it read it in place (a `td`
    keeps its tag outside its table)."""
    for copy in copies:
        for item in copy.iter("li"):
            if not item.text and len(item) == 0:
                item.text = ""  # libxml2 writes an empty `<li>` without `</li>`
    return "".join(lxml.html.tostring(c, encoding="unicode", with_tail=False) for c in copies)


def _links(copies: list[_Element], base: str) -> tuple[str, ...]:
    """The absolute links of the region, in order, once each."""
    seen: dict[str, None] = {}
    for element in copies:
        for found in _HREFS(element):
            href = found.strip()
            if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
                continue
            url = urljoin(base, href) if base else href
            if urlsplit(url).scheme in ("http", "https", "") and url not in seen:
                seen[url] = None
    return tuple(seen)


def edges(lines: list[str], edge: int = 400) -> list[str]:
    """The head and the tail of a long page: where templates print a page's own facts."""
    return lines if len(lines) <= 2 * edge else [*lines[:edge], *lines[-edge:]]


def cut_page(
    html: str, url: str, profile: HtmlProfile, *, breaks: frozenset[str] = frozenset()
) -> PageCut | None:
    """The page's facts and its main region; None when the markup holds no element at all.

    `breaks` names the tags the walk over the region breaks lines at (blocks, headings):
    blank text beside them is left out of the region's markup."""
    root = etree.fromstring(html.encode("utf-8", "replace"), _PARSER)
    if root is None:
        return None
    base = url
    if found := _BASE(root):
        base = urljoin(url, found[0])
    page = PageSelector(root)
    region = _first(page, profile.main) if profile.main else None
    fallback = region is None
    if region is None:
        region = _first(page, _FALLBACK_MAIN)
    meta_lines = tuple(clean_line(text_of(t)) for s in profile.meta for t in page.select(s))
    metas = _metas(root)
    doomed = _doomed(page, region, (*profile.drop, *(_FALLBACK_DROP if fallback else ())))
    copies = _region_copies(root, region, doomed, breaks)
    return PageCut(
        title=_title(page, profile, metas),
        facts=_machine_facts(root, region, metas),
        meta_lines=meta_lines,
        region=_markup(copies),
        links=_links(copies, base),
        fallback=fallback,
        root=root,
    )
