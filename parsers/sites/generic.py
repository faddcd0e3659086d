"""Any Japanese municipal page from a city without a parser of its own (Kobe, Sendai, Tokyo …).

Municipal sites share a handful of CMS templates, so the main region is searched among their
usual containers; the contact box, breadcrumbs and share buttons are dropped. When the watch
names no city, the page's own city is read from its host name (`www.city.kobe.lg.jp`,
`www.metro.tokyo.lg.jp`) or, failing that, from the mayor it names most often (`神戸市長`).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import ClassVar
from urllib.parse import urlsplit

from citywatch.errors import ConfigError
from citywatch.model import Page
from parsers.document.build import HtmlProfile
from parsers.document.model import Document
from parsers.extract.host_gov import host_slug
from parsers.extract.places import home
from parsers.sites.base import SiteParser

__all__ = ["GenericParser", "guess_city"]

_MAYOR = re.compile(
    r"([\u4e00-\u9fff\u3041-\u3096]{1,5}[市区町村])長|([\u4e00-\u9fff]{1,3}[都道府県])知事"
)
_LEADING_KANA = re.compile("^[\u3041-\u3096]+(?=[\u4e00-\u9fff])")


def _known(slug: str) -> str | None:
    try:
        return home(slug).slug
    except ConfigError:
        return None


def guess_city(url: str, text: str) -> str | None:
    """The local government a page speaks for: from its host name (parsers/host_gov.py), else
    from the head of government it names most (神戸市長, 兵庫県知事, 瑞穂町長)."""
    if slug := host_slug(urlsplit(url).hostname or ""):
        return slug
    heads = Counter(a or b for a, b in _MAYOR.findall(text))
    for name, _ in heads.most_common(3):
        for form in dict.fromkeys((name, _LEADING_KANA.sub("", name))):
            if slug := _known(form):
                return slug
    return None


class GenericParser(SiteParser):
    site = "generic"
    profile: ClassVar[HtmlProfile] = HtmlProfile(
        main=(
            "#tmp_contents",
            "#tmp_main",
            "main",
            "article",
            "#main",
            "#contents",
            "#content",
            ".main-contents",
            "#main_body",
            "#mainContents",
            ".contents",
        ),
        drop=(
            "#tmp_inquiry",
            "#tmp_pankuzu",
            ".pankuzu",
            ".breadcrumb",
            "#breadcrumb",
            "#tmp_related",
            ".sns",
            ".sns_share",
            ".share",
            "#tmp_sns_share",
            ".contact",
            ".inquiry",
            "aside",
            "#tmp_update",
        ),
        title=("#tmp_contents h1", "main h1", "article h1", "h1"),
        meta=("#tmp_update", "p.update", ".update", ".date", "p.pageid", "#tmp_pageid"),
    )

    def city_of(self, doc: Document, page: Page) -> str | None:
        return page.city or guess_city(page.url, doc.text())
