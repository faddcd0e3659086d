"""Saitama City (www.city.saitama.lg.jp, formerly www.city.saitama.jp).

The template keeps the article in `div#contents`: the title in `#content_ttl_area h1`, the body
in `div.content_in > div.wysiwyg_area`, then related links (`h2.ttl_type5`) and the contact box
(`h2.ttl_contact`, `div.contact_box`). `p.page_number` carries `更新日付：… / ページ番号：C…`.
"""

from __future__ import annotations

from typing import ClassVar

from parsers.document.build import HtmlProfile
from parsers.sites.base import SiteParser

__all__ = ["SaitamaParser"]


class SaitamaParser(SiteParser):
    site = "saitama"
    default_city: ClassVar[str | None] = "saitama"
    profile: ClassVar[HtmlProfile] = HtmlProfile(
        main=(
            "div#contents div.content_in div.wysiwyg_area",
            "div#contents div.content_in",
            "div#contents",
        ),
        drop=(
            "h2.ttl_type5",
            "h2.ttl_contact",
            "div.contact_box",
            "div.print_btn",
            "p.skip",
            "p.page_number",
            "#content_ttl_area",
            ".related_link",
            ".link_list",
        ),
        title=("#content_ttl_area h1", "div#contents h1"),
        meta=("p.page_number",),
    )
