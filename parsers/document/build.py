"""One document model for HTML, PDF and plain text, and the one way in: `build_document`.

A fetched page may arrive without a media type or charset (a saved file, a lying server), so
the builder sniffs the format (`%PDF-`, markup, else text) and decodes bytes itself (BOM, the
page's own meta charset, then charset-normalizer). Input that is not a page at all (empty,
binary junk, an unreadable PDF) is a ParseError with a plain reason; nothing else escapes.
"""

from __future__ import annotations

import codecs
import re

from citywatch.errors import ParseError
from citywatch.model import Page
from parsers.document.html import HtmlProfile, html_document
from parsers.document.meta import facts_from_lines
from parsers.document.model import Block, BlockKind, Document
from parsers.document.text import clean_line, text_blocks

__all__ = [
    "Block",
    "BlockKind",
    "Document",
    "HtmlProfile",
    "build_document",
    "decode",
    "from_html",
    "from_pdf",
    "from_text",
    "sniff",
]

_PDF_MAGIC = b"%PDF-"
_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|p|div|span|table|br|h[1-6]|article|main|"
    rb"section|ul|li|a\s)[\s>/]",
    re.I,
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_BYTES = 4096
_DETECT_BYTES = 256 * 1024
# Many Japanese pages declare Shift_JIS but use Microsoft's superset (①, ㈱, IBM kanji).
_SUPERSETS = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-jp": "euc_jis_2004",
    "iso-2022-jp": "iso2022_jp_ext",
}


def sniff(page: Page) -> str:
    """'pdf', 'html' or 'text': the declared type, corrected by the bytes where they disagree."""
    head = page.body[:1024]
    if _PDF_MAGIC in head:
        return "pdf"
    declared = (page.content_type or "").split(";")[0].strip().lower()
    if declared == "application/pdf":
        return "pdf"
    if declared in ("text/html", "application/xhtml+xml"):
        return "html"
    if declared.startswith("text/") and declared != "text/html":
        return "text"
    return "html" if _MARKUP.search(page.body[:_SNIFF_BYTES]) else "text"


def _codec(name: str) -> str | None:
    name = name.strip().lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(body: bytes, declared: str | None = None, *, markup: bool = False) -> str:
    """Bytes to text: BOM, then the declared charset, the page's own, a strict UTF-8 try and
    charset-normalizer's guess, in that order. Undecodable bytes become U+FFFD."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace")
    candidates: list[str] = []
    if declared:
        candidates.append(declared)
    if markup:
        head = body[:_SNIFF_BYTES]
        for pattern in (_META_CHARSET, _XML_ENCODING):
            if found := pattern.search(head):
                candidates.append(found.group(1).decode("ascii", "ignore"))
    for name in candidates:
        codec = _codec(name)
        if codec is None:
            continue
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only for bodies no label, BOM or UTF-8 explains

    best = charset_normalizer.from_bytes(body[:_DETECT_BYTES]).best()
    guess = _codec(best.encoding) if best is not None else None
    # Short Japanese pages fool statistical detection (Shift_JIS read as EUC-KR): a Japanese
    # encoding that decodes cleanly and yields kana is the better bet for these sites.
    scored = []
    for codec in dict.fromkeys(c for c in (guess, "cp932", "euc_jis_2004") if c):
        try:
            text = body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((_kana_share(text), codec == guess, text))
    if scored:
        return max(scored, key=lambda s: (s[0] >= 0.1, s[1], s[0]))[2]
    return body.decode(guess or "utf-8", errors="replace")


_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa]")


def _kana_share(text: str) -> float:
    sample = text[:20000]
    letters = sum(1 for c in sample if c.isalpha())
    return len(_KANA.findall(sample)) / letters if letters else 0.0


# Control characters other than tab, line feed, form feed and carriage return, and U+FFFD.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    bad = len(_BAD_CHARS.findall(sample))
    return "\x00" in sample or bad / len(sample) > 0.05


def from_text(text: str, *, url: str = "") -> Document:
    """A document from plain text (a saved copy of a page): headings found by line rules."""
    title, blocks = text_blocks(text)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 800:
        lines = [*lines[:400], *lines[-400:]]  # page facts sit at the head or the tail
    facts = facts_from_lines(clean_line(line) for line in lines)
    if blocks and blocks[0].text == title and blocks[0].kind == "paragraph":
        blocks[0] = Block("heading", 1, title)
    return Document(
        title=title,
        published=facts.published,
        updated=facts.updated,
        page_number=facts.page_number,
        url=url,
        blocks=tuple(blocks),
    )


def from_html(html: str, *, url: str = "", profile: HtmlProfile | None = None) -> Document:
    """A document from decoded HTML; `profile` names the template's main region and furniture."""
    return html_document(html, url=url, profile=profile)


def from_pdf(body: bytes, *, url: str = "") -> Document:
    """A document from PDF bytes; an unreadable PDF is a ParseError."""
    from parsers.document.pdf import pdf_document  # pdfminer (+15 MiB) only where PDFs are parsed

    return pdf_document(body, url=url)


def build_document(page: Page, *, profile: HtmlProfile | None = None) -> Document:
    """The document for any page: sniffed, decoded, built. Raises ParseError only."""
    if not page.body.strip():
        raise ParseError("empty page", url=page.url or None)
    kind = sniff(page)
    try:
        if kind == "pdf":
            return from_pdf(page.body, url=page.url)
        text = decode(page.body, page.encoding, markup=kind == "html")
        if _looks_binary(text):
            raise ParseError("binary content, not a page", url=page.url or None)
        if kind == "html":
            return from_html(text, url=page.url, profile=profile)
        return from_text(text, url=page.url)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError("page nests too deeply to read", url=page.url or None) from None
    except Exception as exc:  # the last guard: a parser bug must not stop a crawl
        raise ParseError(
            "could not read page", url=page.url or None, reason=f"{type(exc).__name__}: {exc}"
        ) from exc
