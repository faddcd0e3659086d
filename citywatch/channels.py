"""How the outbox names an alert channel without keeping its secrets.

An apprise URL carries credentials inline (`mailto://user:PASSWORD@host`, `json://host/?+X-Token=…`),
so the outbox stores a reference instead: `sha256:` and the first 24 hex digits of the URL's
SHA-256. The reference is stable (the same URL always gives the same one, wherever it sits in
the watch list) and is resolved back to the URL from the current watch list when the alert is
sent. Internal channels (`citywatch:…`, the Atom feed) hold no secret and are kept as they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

__all__ = ["REF_PREFIX", "channel_ref", "is_ref", "resolve_refs"]

REF_PREFIX = "sha256:"
_REF_DIGITS = 24
_INTERNAL_PREFIX = "citywatch:"


def is_ref(channel: str) -> bool:
    """Whether `channel` is a reference (or an internal channel) rather than a URL."""
    return channel.startswith((REF_PREFIX, _INTERNAL_PREFIX))


def channel_ref(url: str) -> str:
    """The reference the outbox stores for `url`; a reference or internal channel is its own."""
    if is_ref(url):
        return url
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
    return f"{REF_PREFIX}{digest[:_REF_DIGITS]}"


def resolve_refs(urls: Iterable[str]) -> dict[str, str]:
    """Reference -> URL for every channel in `urls` (the current watch list's)."""
    return {channel_ref(url): url for url in urls}
