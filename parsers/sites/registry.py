"""The parser contract and its registry.

A site parser is a subclass of `Parser` with a `site` name. Defining the class registers it
(`__init_subclass__`), so a second class for the same site fails at import time, not at the
first crawl. Subclasses without a `site` of their own are shared bases and are not registered.
"""

from __future__ import annotations

from typing import ClassVar

from citywatch.errors import ConfigError
from citywatch.model import Page, ParseResult, Record

__all__ = ["Parser", "get_parser", "known_sites"]

_REGISTRY: dict[str, type[Parser]] = {}


class Parser:
    """Bytes in, records out. No I/O: everything a parser knows arrives in the `Page`."""

    site: ClassVar[str]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        site = cls.__dict__.get("site")
        if site is None:
            return
        if not isinstance(site, str) or not site:
            raise TypeError(f"{cls.__qualname__}.site must be a non-empty string")
        if site in _REGISTRY:
            other = _REGISTRY[site]
            raise TypeError(
                f"duplicate parser for site {site!r}: {cls.__module__}.{cls.__qualname__} "
                f"and {other.__module__}.{other.__qualname__}"
            )
        _REGISTRY[site] = cls

    def parse_page(self, page: Page) -> ParseResult:
        """The page's own facts, its records with their keys, and its main text."""
        raise NotImplementedError

    def parse(self, page: Page) -> list[Record]:
        return list(self.parse_page(page).records)


def known_sites() -> list[str]:
    return sorted(_REGISTRY)


def get_parser(site: str) -> Parser:
    """The parser for `site`; an unknown site is a ConfigError that lists the known ones."""
    try:
        return _REGISTRY[site]()
    except KeyError:
        raise ConfigError(
            f"unknown site {site!r}", known=", ".join(known_sites()) or "none"
        ) from None
