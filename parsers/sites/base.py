"""The shared parse pipeline every site parser runs: bytes -> Document -> records -> keys.

Site modules say only what is particular to their site: the template's main region and
furniture (`profile`), the point-of-view city when a watch names none (`default_city`), and
metadata quirks (`refine`). Everything else is written once, here and in `parsers.extract.records`.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from citywatch.errors import CitywatchError, ParseError
from citywatch.model import Page, PageInfo, ParseResult, Record
from parsers.document.build import HtmlProfile, build_document
from parsers.document.model import Document
from parsers.extract.keys import assign_keys
from parsers.extract.localgov import resolve
from parsers.extract.records import extract_records
from parsers.sites.registry import Parser

__all__ = ["SiteParser"]


class SiteParser(Parser):
    """A parser driven by site knowledge held in class variables."""

    default_city: ClassVar[str | None] = None
    profile: ClassVar[HtmlProfile] = HtmlProfile()

    def refine(self, doc: Document, page: Page) -> Document:
        """Site-specific corrections to the document (a title the template hides, ...)."""
        return doc

    def city_of(self, doc: Document, page: Page) -> str | None:
        """Whose point of view sets inbound/outbound: the watch's city, else the site's. A site
        whose pages each name their own local government (the register) overrides this."""
        return page.city or self.default_city

    def extract(self, doc: Document, page: Page, city: str) -> list[Record]:
        """The page's records seen from `city`: the shared extraction unless a site reads a
        form of its own."""
        return extract_records(doc, city=city, url=page.url)

    def parse_page(self, page: Page) -> ParseResult:
        doc = self.refine(build_document(page, profile=self.profile), page)
        city = self.city_of(doc, page)
        records = []
        if city:
            try:
                records = _whose(self.extract(doc, page, city), city)
            except CitywatchError:
                raise
            except RecursionError:
                raise ParseError("page too deeply nested to read", url=page.url or None) from None
            except Exception as exc:  # one odd page must never stop a crawl
                raise ParseError(
                    "record extraction failed",
                    url=page.url or None,
                    site=self.site,
                    reason=f"{type(exc).__name__}: {exc}",
                ) from exc
        info = PageInfo(
            url=page.url,
            site=self.site,
            title=doc.title,
            published=doc.published,
            updated=doc.updated,
            page_number=doc.page_number,
        )
        keyed = assign_keys(records, page.url)
        return ParseResult(info=info, records=tuple(keyed), text=doc.text(), links=doc.links)


def _whose(records: list[Record], city: str) -> list[Record]:
    """Every record names the local government whose programme or trip it is: the slug the
    watches use and its Japanese name (slugs collide: 山県市 and 山形市 are both Yamagata)."""
    gov = resolve(city)
    return [dataclasses.replace(r, city=gov.slug, city_name=gov.name) for r in records]
