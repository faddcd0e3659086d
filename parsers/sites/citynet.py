"""CITYNET: the Yokohama Project Office (citynet-yh.org, Japanese) and the Secretariat's
English E-News (citynet-ap.org), both WordPress.

A post keeps its title in `h1.entry-title`, its date in `time.entry-date[datetime]` and its body
in `.entry-content`; the Yokohama office's events are seen from Yokohama.
"""

from __future__ import annotations

from typing import ClassVar

from parsers.document.build import HtmlProfile
from parsers.sites.base import SiteParser

__all__ = ["CitynetParser"]


class CitynetParser(SiteParser):
    site = "citynet"
    default_city: ClassVar[str | None] = "yokohama"
    profile: ClassVar[HtmlProfile] = HtmlProfile(
        main=(".entry-content", "article .post-content", ".post-content", "article", "main"),
        drop=(
            ".sharedaddy",
            ".jp-relatedposts",
            ".post-navigation",
            ".wp-block-buttons",
            "footer.entry-footer",
            ".entry-meta",
        ),
        title=("h1.entry-title", "article h1", "h1"),
    )
