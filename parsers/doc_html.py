"""HTML into the document model.

BeautifulSoup with the lxml parser reads the page once; the site's main-region selector picks
the content, its drop selectors remove furniture inside it (contact boxes, related links), and
a walk over the region emits blocks in reading order. When a site's selectors miss (a redesign,
a page from another template) the builder falls back to `<main>`, `<article>` or `<body>`, so
a template change degrades extraction instead of stopping it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, ResultSet, Tag

from parsers.doc_meta import PageFacts, clean_title, facts_from_lines, is_meta_line, iso_date
from parsers.doc_model import Block, Document
from parsers.doc_text import blocks_from_lines, clean_line, is_footer_start, is_furniture

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
_FALLBACK_MAIN = ("main", "article", "[role=main]", "#main", "#content", "#contents", "body")
_FALLBACK_DROP = ("header", "footer", "aside", ".breadcrumb", "#breadcrumb", ".pankuzu")
_LINE = "\n"
_NESTED = ["p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"]


@dataclass(frozen=True, slots=True)
class HtmlProfile:
    """Where a template keeps its content, title, and furniture to drop."""

    main: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    meta: tuple[str, ...] = ()


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
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self._inline.append(re.sub(r"\s+", " ", str(child)))
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


_EDGE_LINES = 400


def _edges(lines: list[str]) -> list[str]:
    """The head and the tail of a long page: where templates print a page's own facts."""
    if len(lines) <= 2 * _EDGE_LINES:
        return lines
    return [*lines[:_EDGE_LINES], *lines[-_EDGE_LINES:]]


_SELECTOR_IDS = re.compile(r"#([\w-]+)")
_SELECTOR_CLASSES = re.compile(r"\.([\w-]+)")
_SELECTOR_TAGS = re.compile(r"(?:^|[\s>+~])([a-z][a-z0-9]*)")


class _Present:
    """The ids, classes and tag names a page uses, gathered in one pass.

    A selector naming one the page lacks cannot match, so it is skipped without walking the
    tree: on a 5 MB page each walk costs seconds, and most of a profile's selectors miss."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.ids: set[str] = set()
        self.classes: set[str] = set()
        self.tags: set[str] = set()
        for tag in soup.find_all(True):
            self.tags.add(tag.name)
            if isinstance(ident := tag.get("id"), str):
                self.ids.add(ident)
            self.classes.update(tag.get("class") or ())

    def possible(self, selector: str) -> bool:
        return any(self._part(part) for part in selector.split(","))

    def _part(self, part: str) -> bool:
        bare = re.sub(r"\[[^\]]*\]", " ", part)
        return (
            set(_SELECTOR_IDS.findall(bare)) <= self.ids
            and set(_SELECTOR_CLASSES.findall(bare)) <= self.classes
            and set(_SELECTOR_TAGS.findall(bare)) <= self.tags
        )


def _drop(region: Tag, selectors: Sequence[str], present: _Present) -> None:
    """Remove furniture; one pass over the tree for all selectors (a 5 MB page has 400k
    elements), one pass each only when some selector is malformed."""
    selectors = [s for s in selectors if present.possible(s)]
    if not selectors:
        return
    try:
        found = region.select(", ".join(selectors))
    except Exception:  # a malformed selector in a profile must not stop the page
        found = ResultSet(None)
        for selector in selectors:
            try:
                found += region.select(selector)
            except Exception:
                continue
    for tag in found:
        if not tag.decomposed:
            tag.decompose()


def _select_first(soup: BeautifulSoup, selectors: Sequence[str], present: _Present) -> Tag | None:
    for selector in selectors:
        if not present.possible(selector):
            continue
        try:
            found = soup.select_one(selector)
        except Exception:  # a malformed selector in a profile must not stop the page
            continue
        if found is not None and next(found.stripped_strings, None) is not None:
            return found
    return None


def _json_ld_dates(soup: BeautifulSoup) -> PageFacts:
    published = updated = None
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            for graph in [item, *(g for g in item.get("@graph", []) if isinstance(g, dict))]:
                published = published or _iso_attr(graph.get("datePublished"))
                updated = updated or _iso_attr(graph.get("dateModified"))
    return PageFacts(published, updated)


def _iso_attr(value: object) -> str | None:
    """An ISO date from a machine-readable attribute (`2024-06-25T10:00:00+09:00`)."""
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        return "-".join(match.groups())
    return iso_date(clean_line(value))


def _metas(soup: BeautifulSoup) -> dict[str, str]:
    """`<meta>` contents by lower-cased property or name, read in one pass."""
    found: dict[str, str] = {}
    head = soup.head or soup
    for tag in head.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        value = tag.get("content")
        if isinstance(key, str) and isinstance(value, str):
            found.setdefault(key.strip().lower(), value)
    return found


def _first(metas: dict[str, str], *names: str) -> str | None:
    return next((metas[n] for n in names if metas.get(n, "").strip()), None)


def _machine_facts(
    soup: BeautifulSoup, region: Tag, metas: dict[str, str], present: _Present
) -> PageFacts:
    published = _iso_attr(
        _first(metas, "article:published_time", "og:published_time", "date", "pubdate")
    )
    updated = _iso_attr(_first(metas, "article:modified_time", "og:updated_time"))
    facts = PageFacts(published, updated)
    if "script" in present.tags:
        facts = facts.merged(_json_ld_dates(soup))
    times = (region.find_all("time") or soup.find_all("time")) if "time" in present.tags else []
    for tag in times:
        value = tag.get("datetime")
        iso = _iso_attr(value) if isinstance(value, str) else None
        if iso is None:
            continue
        classes = " ".join(tag.get("class") or [])
        if "updated" in classes or "modified" in classes:
            facts = facts.merged(PageFacts(updated=iso))
        else:
            facts = facts.merged(PageFacts(published=iso))
    return facts


def _links(region: Tag, base: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for a in region.find_all("a", href=True):
        href = str(a["href"]).strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        url = urljoin(base, href) if base else href
        if urlsplit(url).scheme in ("http", "https", "") and url not in seen:
            seen[url] = None
    return tuple(seen)


def _title(
    soup: BeautifulSoup, profile: HtmlProfile, metas: dict[str, str], present: _Present
) -> str:
    tag = _select_first(soup, profile.title, present) if profile.title else None
    if tag is not None:
        return clean_line(_text_of(tag))
    og = _first(metas, "og:title")
    if og and og.strip():
        return clean_line(clean_title(og))
    if soup.title and soup.title.string:
        return clean_line(clean_title(str(soup.title.string)))
    h1 = soup.find("h1")
    return clean_line(_text_of(h1)) if isinstance(h1, Tag) else ""


def _iter_clean(raw: list[tuple[str, int, str]]) -> Iterator[tuple[str, int, str]]:
    for kind, level, text in raw:
        line = clean_line(text)
        if line:
            yield kind, level, line


def html_document(html: str, *, url: str = "", profile: HtmlProfile | None = None) -> Document:
    """Build a document from decoded HTML."""
    profile = profile or HtmlProfile()
    soup = BeautifulSoup(html, "lxml")
    base = url
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        base = urljoin(url, str(base_tag["href"]))
    present = _Present(soup)
    region = _select_first(soup, profile.main, present) if profile.main else None
    fallback = region is None
    if region is None:
        region = _select_first(soup, _FALLBACK_MAIN, present) or soup
    meta_lines: list[str] = []
    for selector in profile.meta:
        if not present.possible(selector):
            continue
        try:
            meta_lines.extend(clean_line(_text_of(t)) for t in soup.select(selector))
        except Exception:  # a malformed selector in a profile must not stop the page
            continue
    # Before drops: templates print page facts in furniture (`p.pageid`, `#tmp_update`).
    whole_lines = _edges([t for t in soup.get_text("\n").splitlines() if t.strip()])
    metas = _metas(soup)
    title = _title(soup, profile, metas, present)
    facts = _machine_facts(soup, region, metas, present)
    _drop(region, (*profile.drop, *(_FALLBACK_DROP if fallback else ())), present)
    links = _links(region, base)
    walker = _Walker()
    walker.walk(region)
    walker.flush()
    kinds = list(_iter_clean(walker.raw))
    kinds = [k for k in kinds if not is_furniture(k[2])]
    if fallback:
        floor = max(len(kinds) // 3, 1)
        cut = next((i for i, k in enumerate(kinds) if i >= floor and is_footer_start(k[2])), None)
        kinds = kinds[:cut]
    facts = facts_from_lines([*meta_lines, *_edges([t for _, _, t in kinds])]).merged(facts)
    if facts.updated is None or facts.page_number is None:
        # Templates often print these outside the main region (`p.page_number`, `#tmp_update`).
        whole = (clean_line(t) for t in whole_lines if len(t) < 300)
        facts = facts.merged(facts_from_lines(t for t in whole if t and len(t) < 200))
    kinds = [k for k in kinds if not is_meta_line(k[2])]
    blocks = _classify(kinds)
    return Document(
        title=title,
        published=facts.published,
        updated=facts.updated,
        page_number=facts.page_number,
        url=url,
        blocks=tuple(blocks),
        links=links,
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
