"""PR TIMES releases (prtimes.jp/main/html/rd/p/<n>.<company>.html).

Its markup uses generated class names, so the parser leans on stable structure: the release is
the page's `article` (else `main`), its title `og:title`/`h1`, its time `time[datetime]` or
JSON-LD `datePublished`. The media-registration box, image gallery and company profile that
follow the release are furniture.
"""

from __future__ import annotations

from typing import ClassVar

from parsers.document.build import HtmlProfile
from parsers.sites.base import SiteParser

__all__ = ["PrtimesParser"]


class PrtimesParser(SiteParser):
    site = "prtimes"
    default_city: ClassVar[str | None] = "yokohama"
    profile: ClassVar[HtmlProfile] = HtmlProfile(
        main=("main article", "article", "main"),
        drop=(
            "aside",
            "header nav",
            "[class*='company-profile']",
            "[class*='media-info']",
            "[class*='release-images']",
            "[class*='share']",
            "[class*='related']",
        ),
        title=("main article h1", "article h1", "h1"),
    )
