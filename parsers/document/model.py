"""The document model every page becomes, whatever it arrived as (HTML, PDF or plain text).

Extraction never looks at markup: it reads ordered blocks. Keeping one model means one set of
extraction rules serves a Saitama HTML page, a Yokohama press-release PDF and a text copy of
either, and a page that moves from HTML to PDF keeps its records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Block", "BlockKind", "Document"]

BlockKind = Literal["heading", "paragraph", "item", "row"]


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of running text.

    `level` is 1-6 for headings (1 is the page title level), the nesting depth for list items
    (1 for a top-level item) and 0 otherwise. Table rows keep their cells joined by ` | `.
    """

    kind: BlockKind
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """A page's own facts and its main region as ordered blocks."""

    title: str = ""
    published: str | None = None
    updated: str | None = None
    page_number: str | None = None
    url: str = ""
    blocks: tuple[Block, ...] = ()
    links: tuple[str, ...] = field(default=())

    def text(self) -> str:
        """The main text, one block per line: what page-level diffs compare."""
        return "\n".join(b.text for b in self.blocks)
