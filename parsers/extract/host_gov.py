"""Which local government a host name belongs to (`www.pref.hyogo.lg.jp` -> hyogo-pref).

Japanese local governments publish under `<kind>.<romaji>.lg.jp` or the older
`<kind>.<romaji>.<prefecture>.jp`, where kind is city (a 市, or a Tokyo ward), town, vill, pref
or metro (Tokyo). The romaji is each office's own spelling (kouchi, ohtawara), so it is matched
after folding long vowels, as parsers/localgov.py does for slugs."""

from __future__ import annotations

from functools import cache

from citywatch.errors import ConfigError
from parsers.extract.localgov import fold, localgovs, resolve

__all__ = ["host_slug"]

# Host kind label -> the kind words tried in turn (a `city.` host is a 市 or a Tokyo ward).
_KINDS = {
    "city": ("shi", "ku"),
    "town": ("machi",),
    "vill": ("mura",),
    "village": ("mura",),
    "pref": ("pref",),
    "metro": ("pref",),
}


@cache
def _prefecture_keys() -> frozenset[str]:
    return frozenset(fold(g.romaji) for g in localgovs() if g.is_prefecture)


def host_slug(host: str) -> str | None:
    """The canonical slug of the government whose site `host` is, else None."""
    labels = host.lower().split(".")
    for i, label in enumerate(labels[:-2]):
        if label not in _KINDS:
            continue
        name, after = labels[i + 1], labels[i + 2]
        pref = f"-{after}" if fold(after) in _prefecture_keys() and label != "pref" else ""
        for word in _KINDS[label]:
            try:
                return resolve(f"{name}-{word}{pref}").slug
            except ConfigError:
                continue
    return None
