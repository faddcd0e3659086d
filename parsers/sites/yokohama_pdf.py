"""Yokohama City press-release PDFs (記者発表資料).

The release's title block reads `横 浜 市 記 者 発 表 資 料`, then the title, then the era date;
text
extraction may put that block after the body, so the title is taken as the line after the
`記者発表資料` mark rather than the first line.
"""

from __future__ import annotations

import dataclasses
import re
from typing import ClassVar

from citywatch.model import Page
from parsers.document.build import HtmlProfile
from parsers.document.model import Document
from parsers.sites.base import SiteParser
from parsers.sites.yokohama import YOKOHAMA_PROFILE, release_date

__all__ = ["YokohamaPdfParser"]

_MARK = re.compile(r"^(?:横浜市)?記者発表資料$")


class YokohamaPdfParser(SiteParser):
    site = "yokohama-pdf"
    default_city: ClassVar[str | None] = "yokohama"
    profile: ClassVar[HtmlProfile] = YOKOHAMA_PROFILE

    def refine(self, doc: Document, page: Page) -> Document:
        doc = release_date(doc)
        texts = [b.text for b in doc.blocks]
        for i, text in enumerate(texts[:-1]):
            if _MARK.match(text.replace(" ", "")):
                title = texts[i + 1]
                if len(title) >= 8:
                    return dataclasses.replace(doc, title=title)
        return doc
