"""PDF into the document model, with pdfminer.six.

Press-release PDFs are laid out for print: lines wrap mid-word, titles are set in a larger font,
the release date sits alone near the top. Lines are re-joined into paragraphs when a line runs
to the right edge of its text box, the largest type on the first page is the title, and a date
standing alone on the first page is the publication date. A PDF that cannot be read (corrupt,
truncated, encrypted, scanned images only) is a ParseError, never a crash.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from dataclasses import dataclass

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTPage, LTTextContainer, LTTextLine

from citywatch.errors import ParseError
from parsers.document.meta import facts_from_lines, iso_date
from parsers.document.model import Block, Document
from parsers.document.text import blocks_from_lines, clean_line, drop_furniture, is_date_line

__all__ = ["MAX_PDF_PAGES", "pdf_document"]

MAX_PDF_PAGES = 40
"""Pages read from one PDF; releases are a few pages, and the cap bounds a hostile file."""

_CJK_END = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef、。]$")
_CJK_START = re.compile(r"^[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef、。]")

logging.getLogger("pdfminer").setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    size: float
    page: int
    top: float  # 0 at the top of the page, 1 at the bottom
    reaches_edge: bool


def _line_size(line: LTTextLine) -> float:
    sizes = [ch.size for ch in line if isinstance(ch, LTChar)]
    return statistics.median(sizes) if sizes else 0.0


def _lines(pages: list[LTPage]) -> list[_Line]:
    out: list[_Line] = []
    for number, page in enumerate(pages):
        height = page.height or 1.0
        for box in page:
            if not isinstance(box, LTTextContainer):
                continue
            rows = [ln for ln in box if isinstance(ln, LTTextLine)]
            for row in rows:
                text = row.get_text().strip()
                if not text:
                    continue
                size = _line_size(row)
                edge = row.x1 >= box.x1 - max(size, 1.0) * 1.5 and len(rows) > 1
                out.append(_Line(text, size, number, 1.0 - row.y1 / height, edge))
    return out


def _paragraphs(lines: list[_Line]) -> list[_Line]:
    """Re-join lines that wrapped at the edge of their box into one line."""
    joined: list[_Line] = []
    for line in lines:
        prev = joined[-1] if joined else None
        if (
            prev is not None
            and prev.reaches_edge
            and prev.page == line.page
            and abs(prev.size - line.size) < 0.5
            and not prev.text.endswith("。")
        ):
            glue = "" if _CJK_END.search(prev.text) and _CJK_START.search(line.text) else " "
            joined[-1] = _Line(
                prev.text + glue + line.text, prev.size, prev.page, prev.top, line.reaches_edge
            )
        else:
            joined.append(line)
    return joined


def _read(body: bytes) -> list[LTPage]:
    try:
        return list(extract_pages(io.BytesIO(body), laparams=LAParams(), maxpages=MAX_PDF_PAGES))
    except Exception as exc:  # pdfminer raises many unrelated types on a damaged file
        kind = type(exc).__name__
        if "Encrypt" in kind or "Password" in kind:
            raise ParseError("encrypted PDF: cannot read its text", reason=kind) from None
        raise ParseError("unreadable PDF (damaged or truncated)", reason=kind) from None


def pdf_document(body: bytes, *, url: str = "") -> Document:
    """Build a document from PDF bytes."""
    lines = _paragraphs(_lines(_read(body)))
    lines = [ln for ln in (_Line(clean_line(x.text), *_rest(x)) for x in lines) if ln.text]
    if not lines:
        raise ParseError("PDF holds no extractable text (scanned images only?)", url=url or None)
    body_size = statistics.median(ln.size for ln in lines)
    first = [ln for ln in lines if ln.page == 0]
    biggest = max(ln.size for ln in first) if first else 0.0
    title = ""
    if biggest > body_size * 1.15:
        title = " ".join(ln.text for ln in first if ln.size >= biggest - 0.5)
    texts = drop_furniture(ln.text for ln in lines)
    by_text = {ln.text: ln for ln in lines}
    blocks: list[Block] = []
    # PDF lines are layout lines: a short one before a long one is a wrap, not a heading.
    guessed = blocks_from_lines(texts, by_length=False)
    for text, guess in zip(texts, guessed, strict=True):
        line = by_text[text]
        if line.size > body_size * 1.15 and len(text) <= 90:
            level = 1 if line.size >= biggest - 0.5 and line.page == 0 else 2
            blocks.append(Block("heading", level, text))
        else:
            blocks.append(guess)
    facts = facts_from_lines(texts)
    published = facts.published
    if published is None:
        dated = [ln for ln in first if is_date_line(ln.text) and iso_date(ln.text)]
        dated.sort(key=lambda ln: ln.top)
        published = iso_date(dated[0].text) if dated else None
    return Document(
        title=title or (texts[0] if texts else ""),
        published=published,
        updated=facts.updated,
        page_number=facts.page_number,
        url=url,
        blocks=tuple(blocks),
    )


def _rest(line: _Line) -> tuple[float, int, float, bool]:
    return line.size, line.page, line.top, line.reaches_edge
