"""Strings to values: normalization, date forms, cue words, the per-text memo.

The bottom of `parsers`: imports nothing else in the package.
"""
