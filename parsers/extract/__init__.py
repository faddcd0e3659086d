"""`Document` to records: dates in context, places, people, events, programmes, merging, keys.

Imports `parsers.document` and `parsers.text` (never `parsers.sites`).
"""
