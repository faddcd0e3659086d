"""Yokohama City HTML pages (www.city.yokohama.lg.jp and its English and old hosts).

The current template: `main#tmp_wrap_main`, title `#tmp_contents .main-title h1`, body under
`#tmp_main` (`.contents-area > .wysiwyg_wp`), `#tmp_update` = `最終更新日 …`, `p.pageid` =
`ページID：…`, contact box `#tmp_inquiry`. Press-release wrappers, the mayor's photo diary,
exchange pages and the English mirror share it; the old host's pages (`/ne/news/press/…`) fall
back to the generic main-region search and carry `…作成 - …更新` in their footer text.
"""

from __future__ import annotations

import dataclasses
import re
from typing import ClassVar

from citywatch.model import Page
from parsers.document.build import HtmlProfile
from parsers.document.meta import iso_date
from parsers.document.model import Document
from parsers.document.text import is_date_line
from parsers.sites.base import SiteParser

__all__ = ["YOKOHAMA_PROFILE", "YokohamaParser", "release_date"]

_RELEASE = re.compile(r"^記者発表資料$")

YOKOHAMA_PROFILE = HtmlProfile(
    main=("#tmp_contents", "#tmp_main", "main#tmp_wrap_main", "#contents", "#main"),
    drop=(
        "#tmp_inquiry",
        "#tmp_update",
        "p.pageid",
        "#tmp_pankuzu",
        ".pankuzu",
        "#tmp_related",
        "#tmp_sns_share",
        ".sns_share",
        "#tmp_print",
        ".print",
        "#tmp_feedback",
    ),
    title=("#tmp_contents .main-title h1", "#tmp_contents h1", "h1"),
    meta=("#tmp_update", "p.pageid", "#tmp_footer_update", "address"),
)


def release_date(doc: Document) -> Document:
    """A press-release wrapper prints `記者発表資料` and then its release date on a line of its
    own: that date is the page's publication date, not an event's."""
    blocks = list(doc.blocks)
    for i, block in enumerate(blocks[:12]):
        if not _RELEASE.match(block.text.replace(" ", "")) or i + 1 >= len(blocks):
            continue
        following = blocks[i + 1].text
        if is_date_line(following) and (date := iso_date(following)):
            del blocks[i + 1]
            return dataclasses.replace(doc, published=date, blocks=tuple(blocks))
    return doc


class YokohamaParser(SiteParser):
    site = "yokohama"
    default_city: ClassVar[str | None] = "yokohama"
    profile: ClassVar[HtmlProfile] = YOKOHAMA_PROFILE

    def refine(self, doc: Document, page: Page) -> Document:
        return release_date(doc)
