"""Bytes to `Document`: HTML, PDF and text, the main region, metadata, sections.

Imports `parsers.text` only (never `parsers.extract` or `parsers.sites`).
"""
