"""citywatch: a scheduled scraper and change monitor for city-to-city cooperation pages.

This package holds what every layer shares: the record types, the error tree and the settings.
It imports nothing from `parsers`, `scraper`, `snapshots` or `scheduler`.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
