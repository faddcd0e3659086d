"""Deciding what a body is (media type) and how to read it (charset).

Japanese municipal sites label pages Shift_JIS while using CP932 characters, send a UTF-8 header
over Shift_JIS bytes, or declare nothing. So a label is only believed when the bytes decode
strictly with it; otherwise the next source is asked: header, BOM, `<meta>`, then detection.
A BOM is proof of the encoding, so it wins over a header that disagrees with it (as in the
WHATWG encoding rules browsers follow). Labels map the way browsers map them: Shift_JIS means
CP932, ISO-8859-1 means windows-1252.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

__all__ = [
    "decode_body",
    "is_text_type",
    "normalize_charset",
    "parse_content_type",
    "sniff_content_type",
]

# Browser label -> the Python codec that decodes what such pages really contain.
_LABEL_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "ms932": "cp932",
    "x-euc-jp": "euc_jp",
    "cseucpkdfmtjapanese": "euc_jp",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "tis-620": "cp874",
    "x-user-defined": "cp1252",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)

_TEXT_SUFFIXES = ("+xml", "+json")
_TEXT_TYPES = {
    "application/xhtml+xml",
    "application/xml",
    "application/json",
    "application/javascript",
    "application/rss+xml",
    "application/atom+xml",
}
_GENERIC_TYPES = {"application/octet-stream", "binary/octet-stream", "application/unknown"}

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
)
_HTML_START = re.compile(
    rb"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|title|meta|div|p|table|script"
    rb"|style|h1|a|br|iframe|font|b)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_XML_ROOT = re.compile(rb"<(rss|feed|urlset|sitemapindex|rdf:RDF)[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._\-]+)""")
_SCAN_BYTES = 4096
_SNIFF_BYTES = 1024


def parse_content_type(header: str | None) -> tuple[str | None, str | None]:
    """`text/html; charset="Shift_JIS"` -> ("text/html", "Shift_JIS")."""
    if not header:
        return None, None
    raw_media, _, params = header.partition(";")
    media = raw_media.strip().lower() or None
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'").strip() or None
    return media, charset


def normalize_charset(label: str | None) -> str | None:
    """A charset label -> the Python codec name to decode with, or None if unknown."""
    if not label:
        return None
    label = label.strip().lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        # A UTF-16 label inside ASCII-compatible bytes is a mistake; browsers read UTF-8.
        return None
    return name


def is_text_type(media: str | None) -> bool:
    """True for media types whose body is text to decode (HTML, XML, feeds, plain text)."""
    if media is None:
        return False
    return media.startswith("text/") or media in _TEXT_TYPES or media.endswith(_TEXT_SUFFIXES)


def sniff_content_type(declared: str | None, body: bytes) -> str | None:
    """The media type, from the header checked against the bytes.

    Magic numbers win over the header (a PDF served as text/html is a PDF); a missing or generic
    header, or a PDF label on bytes that are not a PDF, is replaced by what the bytes look like."""
    head = body[:_SNIFF_BYTES]
    start = head.lstrip(b" \t\r\n\x0c").removeprefix(codecs.BOM_UTF8).lstrip()
    if start.startswith(b"%PDF-") or (
        declared in (None, "application/pdf", *_GENERIC_TYPES) and b"%PDF-" in head
    ):
        return "application/pdf"
    for magic, media in _MAGIC:
        if body.startswith(magic):
            return media
    if declared and declared not in _GENERIC_TYPES and declared != "application/pdf":
        return declared
    if _HTML_START.match(start):
        return "text/html"
    if start.startswith(b"<?xml") or _XML_ROOT.search(head):
        root = _XML_ROOT.search(head)
        kind = root.group(1).lower() if root else b""
        return {b"rss": "application/rss+xml", b"feed": "application/atom+xml"}.get(
            kind, "application/xml"
        )
    if not body:
        return declared
    if b"\x00" not in head and _decodes(head, "utf-8", partial=True):
        return "text/plain"
    return declared or "application/octet-stream"


def _decodes(data: bytes, codec: str, *, partial: bool = False) -> bool:
    try:
        if partial:
            codecs.getincrementaldecoder(codec)(errors="strict").decode(data, final=False)
        else:
            data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _strict(body: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _declared_in_document(body: bytes) -> str | None:
    head = body[:_SCAN_BYTES]
    found = _XML_ENCODING.match(head.lstrip()) or _META_CHARSET.search(head)
    return found.group(1).decode("ascii", "replace") if found else None


def _candidates(body: bytes, header_charset: str | None) -> Iterator[str | None]:
    """Charset labels in the order they are believed; detection runs only if reached."""
    yield header_charset
    yield _declared_in_document(body)
    yield "utf-8"
    import charset_normalizer  # only pages that nothing else names pay for loading it

    best = charset_normalizer.from_bytes(body).best()
    yield best.encoding if best is not None else None


def decode_body(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """Decode a text body; returns (codec name, text).

    Each candidate must decode the whole body strictly; the last resort decodes with
    replacement characters rather than fail, because a page with one bad byte is still a page."""
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            text = _strict(body[len(bom) :], bom_codec)
            if text is not None:
                return bom_codec, text
    for label in _candidates(body, header_charset):
        codec = normalize_charset(label)
        text = _strict(body, codec)
        if codec is not None and text is not None:
            return codec, text
    fallback = normalize_charset(header_charset) or "utf-8"
    return fallback, body.decode(fallback, errors="replace")
