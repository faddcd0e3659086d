"""The local copy of the watched sites (tests/sites/): its manifest, a watch list for it, a server,
and the page edits that end-to-end tests and `citywatch demo` make between two crawls.

Pages live under their real host and path, so one local server makes URLs that look real. The
edits change the page's HTML text in place, in the template's own markup, and leave every other
byte alone, so that a test's "before" and "after" differ only by the change it means to make.
This module must not import pytest: the demo uses it outside the tests.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import threading
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

__all__ = [
    "MANIFEST",
    "SEEDS_DIR",
    "SITES_DIR",
    "SitePage",
    "add_link",
    "add_visit",
    "copy_sites",
    "edit_text",
    "find_page",
    "load_manifest",
    "relative_href",
    "remove_section",
    "serve",
    "sources_toml",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
SITES_DIR = REPO_ROOT / "tests" / "sites"
MANIFEST = SITES_DIR / "manifest.toml"
# The seeds are shared material beside the repository, never part of it.
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"

_KINDS = ("content", "index", "listing")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
_HEADING = re.compile(r"^h([1-6])$")
_MONTH = re.compile(r"^\s*(.+?月)")


@dataclass(frozen=True)
class SitePage:
    """One file of the copy, as manifest.toml describes it."""

    path: str
    id: str
    kind: str
    site: str
    content_type: str
    title: str
    city: str | None = None
    seed: str | None = None
    linked_from: str | None = None
    follow: str | list[str] | None = None

    def levels(self) -> list[str]:
        """The follow selectors, one per level (an index may lead through listings)."""
        if self.follow is None:
            return []
        return [self.follow] if isinstance(self.follow, str) else list(self.follow)

    @property
    def file(self) -> Path:
        return SITES_DIR / self.path

    @property
    def real_url(self) -> str:
        """Where the page lives on the real site (the path's first part is the host)."""
        return "https://" + self.path

    @property
    def seed_file(self) -> Path | None:
        return None if self.seed is None else SEEDS_DIR / self.seed

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + "/" + quote(self.path)


def load_manifest(path: Path = MANIFEST) -> list[SitePage]:
    """Every page of the copy, in manifest order. A malformed entry raises ValueError."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    pages: list[SitePage] = []
    for i, raw in enumerate(data.get("page", [])):
        unknown = set(raw) - {f.name for f in fields(SitePage)}
        if unknown:
            raise ValueError(f"{path}: page #{i + 1}: unknown field {sorted(unknown)[0]!r}")
        try:
            page = SitePage(**raw)
        except TypeError as exc:
            raise ValueError(f"{path}: page #{i + 1}: {exc}") from None
        if page.kind not in _KINDS:
            raise ValueError(f"{path}: page {page.id!r}: kind must be one of {_KINDS}")
        if (page.kind != "content") != (page.follow is not None):
            raise ValueError(
                f"{path}: page {page.id!r}: index and listing pages, and only they, have follow"
            )
        pages.append(page)
    return pages


def find_page(key: str, pages: Sequence[SitePage] | None = None) -> SitePage:
    """The manifest page with this id or path."""
    for page in pages if pages is not None else load_manifest():
        if key in (page.id, page.path):
            return page
    raise KeyError(key)


def copy_sites(dst: Path) -> Path:
    """Copy the served tree (pages, robots.txt, manifest) to dst, for tests that change pages."""
    shutil.copytree(
        SITES_DIR,
        dst,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.pyc"),
    )
    return dst


# --- the watch list ---------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # A JSON string without ensure_ascii is a valid TOML basic string.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to sources.toml")


def _table(values: Mapping[str, Any]) -> list[str]:
    return [f"{key} = {_toml_value(value)}" for key, value in values.items() if value is not None]


def _followed(index: SitePage, pages: Sequence[SitePage]) -> set[str]:
    """Paths of the pages the index's follow selectors reach, level by level, through its
    listing pages (in the pristine copy); the listings reached are included."""
    known = {page.path for page in pages}
    reached: set[str] = set()
    level = [index.path]
    for selector in index.levels():
        found: set[str] = set()
        for path in level:
            soup = BeautifulSoup((SITES_DIR / path).read_bytes(), "lxml")
            for a in soup.select(selector):
                href = a.get("href")
                if isinstance(href, str):
                    target = unquote(urlsplit(urljoin("http://copy/" + path, href)).path)
                    if target.lstrip("/") in known:
                        found.add(target.lstrip("/"))
        reached |= found
        level = sorted(found)
    return reached


def sources_toml(
    base_url: str,
    *,
    interval: str = "1h",
    follow: bool = False,
    extra_defaults: Mapping[str, Any] | None = None,
    alerts: Sequence[str] | None = None,
) -> str:
    """A sources.toml that watches the copy served at base_url.

    Without follow, one watch per content page. With follow, one watch per index page (its
    follow selectors find its pages, through listing pages where it has levels) plus a direct
    watch for each content page that no index of its own site reaches, such as the PDF that
    only its HTML wrapper links to. Listing pages are never watches of their own.
    """
    pages = load_manifest()
    defaults = {"interval": interval, "per_host_delay": "0s", "allow_private": True}
    defaults.update(extra_defaults or {})
    watches: list[SitePage] = []
    if follow:
        covered: set[str] = set()
        for index in (p for p in pages if p.kind == "index"):
            watches.append(index)
            site_pages = [p for p in pages if p.site == index.site]
            covered |= _followed(index, site_pages)
        watches += [p for p in pages if p.kind == "content" and p.path not in covered]
    else:
        watches = [p for p in pages if p.kind == "content"]
    out = ["# The local copy of the watched sites (written by tests/support/sitecopy.py).", ""]
    out += ["[defaults]", *_table(defaults)]
    for page in watches:
        fields = {
            "id": page.id,
            "url": page.url(base_url),
            "site": page.site,
            "city": page.city,
            "follow": page.follow if follow else None,
        }
        out += ["", "[[watch]]", *_table(fields)]
    if alerts:
        out += ["", "[alerts]", *_table({"urls": list(alerts)})]
    return "\n".join(out) + "\n"


# --- serving ----------------------------------------------------------------------------------


class _Handler(SimpleHTTPRequestHandler):
    """Static files with the charset the pages declare, and no request log on stderr."""

    extensions_map = {  # noqa: RUF012 - the base class declares it as a plain class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".toml": "text/plain; charset=utf-8",
        ".pdf": "application/pdf",
        "": "text/html; charset=utf-8",  # the register's detail pages have no extension
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(root: Path = SITES_DIR, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve root over HTTP on a free port of host; yields the base URL (no trailing slash)."""
    server = ThreadingHTTPServer((host, 0), partial(_Handler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="sitecopy-serve", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- page edits -------------------------------------------------------------------------------


@dataclass
class _Node:
    """An element with the exact character offsets of its tags in the source."""

    tag: str
    attrs: dict[str, str | None]
    start: int
    open_end: int
    close_start: int = -1
    end: int = -1
    parent: _Node | None = None

    def __post_init__(self) -> None:
        self.children: list[_Node] = []

    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in self.children:
            yield from child.walk()


class _Spans(HTMLParser):
    """Parses a page into _Nodes with offsets, so that edits can splice the original text."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.root = _Node("#document", {}, 0, 0)
        self.stack = [self.root]
        self.feed(source)
        self.close()
        for node in self.stack[1:]:
            node.close_start = node.end = len(source)
        self.root.close_start = self.root.end = len(source)

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        node = _Node(tag, dict(attrs), start, start + len(text), parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag in _VOID:
            node.close_start = node.end = node.open_end
        else:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self.stack[-1].tag == tag and tag not in _VOID:
            node = self.stack.pop()
            node.close_start = node.end = node.open_end

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        if not any(node.tag == tag for node in self.stack[1:]):
            return
        end = self.source.index(">", start) + 1
        while True:
            node = self.stack.pop()
            if node.tag == tag:
                node.close_start, node.end = start, end
                return
            node.close_start = node.end = start  # closed implicitly by an outer end tag


def _read(root: Path, page_path: str) -> tuple[Path, str]:
    file = root / page_path
    try:
        return file, file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{page_path}: not an HTML page") from None


def _write(file: Path, text: str) -> None:
    """Write an edit and move the file's mtime on by at least a whole second.

    Last-Modified and If-Modified-Since count whole seconds, so two edits within one second
    would otherwise look unchanged to a client revalidating against a static file server.
    """
    before = file.stat().st_mtime
    file.write_text(text, encoding="utf-8")
    when = max(time.time(), math.floor(before) + 1.0)
    os.utime(file, (when, when))


def _text(source: str, node: _Node) -> str:
    inner = re.sub(r"<[^>]*>", "", source[node.open_end : node.close_start])
    return " ".join(html.unescape(inner).split())


def _indent(source: str, pos: int) -> str:
    line_start = source.rfind("\n", 0, pos) + 1
    lead = source[line_start:pos]
    return lead if lead.strip() == "" else ""


def _body_area(spans: _Spans, page_path: str) -> _Node:
    for node in spans.root.walk():
        if node.tag == "div" and "wysiwyg_area" in node.classes():
            return node
    raise ValueError(f"{page_path}: no div.wysiwyg_area: not a Saitama-template page")


def _level(node: _Node) -> int | None:
    match = _HEADING.match(node.tag)
    return int(match.group(1)) if match else None


def add_visit(
    root: Path,
    page_path: str,
    *,
    heading: str,
    date_text: str,
    place_text: str,
    people_text: str,
    body_text: str = "",
    people_label: str = "出 席 者",
) -> None:
    """Put a new dated visit at the top of a Saitama-template page's body.

    It is written the way the history page writes one: a month heading taken from date_text
    (`令和6年7月10日(水曜日)` gives `令和6年7月`), the visit's title, the numbered fields
    `1 日 時`, `2 出 席 者` (or people_label, such as `訪 問 者`) and `3 場 所`, then body_text.
    """
    month = _MONTH.match(date_text)
    if not month:
        raise ValueError(f"date_text {date_text!r} names no month (such as 令和6年7月10日)")
    file, source = _read(root, page_path)
    area = _body_area(_Spans(source), page_path)
    at = area.children[0].start if area.children else area.close_start
    indent = _indent(source, at)
    e = partial(html.escape, quote=False)
    fields = (
        f"<p>1\u3000日\u3000\u3000\u3000時\u3000{e(date_text)}<br>\n"
        f"{indent}2\u3000{e(people_label)}\u3000{e(people_text)}<br>\n"
        f"{indent}3\u3000場\u3000\u3000\u3000所\u3000{e(place_text)}</p>"
    )
    parts = [f"<h2>{e(month.group(1))}</h2>", f"<h3>{e(heading)}</h3>", fields]
    if body_text:
        parts.append(f"<p>{e(body_text)}</p>")
    markup = "".join(part + "\n" + indent for part in parts)
    _write(file, source[:at] + markup + source[at:])


def remove_section(root: Path, page_path: str, heading: str) -> None:
    """Remove the body section under this heading, and its month heading if that is left empty.

    A section runs from its heading to the next heading of the same or a higher rank. After
    add_visit, removing its heading gives back the page byte for byte.
    """
    file, source = _read(root, page_path)
    area = _body_area(_Spans(source), page_path)
    wanted = " ".join(heading.split())
    items = area.children
    i = next(
        (k for k, n in enumerate(items) if _level(n) and _text(source, n) == wanted),
        None,
    )
    if i is None:
        raise ValueError(f"{page_path}: no heading {heading!r} in the body")
    level = _level(items[i]) or 0
    j = next((k for k in range(i + 1, len(items)) if (_level(items[k]) or 7) <= level), None)
    first = i
    prev_level = _level(items[i - 1]) if i > 0 else None
    next_level = _level(items[j]) if j is not None else None
    under_it = prev_level is not None and prev_level < level
    if under_it and (next_level is None or next_level <= (prev_level or 0)):
        first = i - 1  # the month heading would be left with nothing under it
    if j is not None:
        cut_from, cut_to = items[first].start, items[j].start
    else:
        cut_from = items[first - 1].end if first > 0 else area.open_end
        cut_to = items[-1].end
    _write(file, source[:cut_from] + source[cut_to:])


def edit_text(root: Path, page_path: str, old: str, new: str) -> int:
    """Replace every occurrence of old (raw page text, markup included); returns how many."""
    file, source = _read(root, page_path)
    count = source.count(old)
    if not old or count == 0:
        raise ValueError(f"{page_path}: {old!r} does not occur")
    _write(file, source.replace(old, new))
    return count


def add_link(root: Path, index_path: str, href: str, text: str) -> None:
    """List a new link first on an index or listing page, where its (first) follow selector
    finds it."""
    manifest = root / "manifest.toml"
    index = find_page(index_path, load_manifest(manifest if manifest.is_file() else MANIFEST))
    if index.follow is None:
        raise ValueError(f"{index_path}: not an index or listing page")
    selector = index.levels()[0]
    file, source = _read(root, index_path)
    first = BeautifulSoup(source, "lxml").select_one(selector)
    first_href = first.get("href") if first is not None else None
    if not isinstance(first_href, str):
        raise ValueError(f"{index_path}: {selector!r} finds no link to insert before")
    spans = _Spans(source)
    anchor = next(
        n for n in spans.root.walk() if n.tag == "a" and n.attrs.get("href") == first_href
    )
    item: _Node | None = anchor
    while item is not None and item.tag != "li":
        item = item.parent
    if item is None:
        raise ValueError(f"{index_path}: the listed links are not list items")
    at = item.start
    markup = f'<li><a href="{html.escape(href)}">{html.escape(text, quote=False)}</a></li>'
    _write(file, source[:at] + markup + "\n" + _indent(source, at) + source[at:])


def relative_href(from_path: str, to_path: str) -> str:
    """The relative link from one page of the copy to another, as add_link wants it."""
    here = PurePosixPath(from_path).parent.parts
    there = PurePosixPath(to_path).parts
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + list(there[common:]))
