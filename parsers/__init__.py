"""Per-site parsers: pure functions from page bytes to records.

Importing this package registers every site parser. Nothing here does I/O.
"""

from __future__ import annotations

import importlib

from citywatch.model import Page, ParseResult
from parsers.sites.registry import Parser, get_parser, known_sites

__all__ = ["Parser", "get_parser", "known_sites", "parse_page"]

# One module per site; importing it registers its parser class.
_SITE_MODULES = ("saitama", "yokohama", "yokohama_pdf", "prtimes", "citynet", "clair", "generic")

for _name in _SITE_MODULES:
    importlib.import_module(f"parsers.sites.{_name}")


def parse_page(page: Page, site: str) -> ParseResult:
    """Parse one page with the named site's parser."""
    return get_parser(site).parse_page(page)
