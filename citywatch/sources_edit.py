"""Editing `sources.toml` from the command line (`citywatch watch add/remove`) the way a person
would: in place, with its comments, order and layout kept (tomlkit round-trips the file), the
whole result checked by `load_sources` before anything is written, and written atomically (a
temporary file in the same folder, then a rename), so a reader never sees half a file."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Collection
from pathlib import Path
from urllib.parse import urlsplit

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Table

from citywatch.errors import ConfigError
from citywatch.sources import Sources, load_sources, no_such_watch

__all__ = ["add_watch", "remove_watch", "suggest_id"]

_NOT_ID = re.compile(r"[^a-z0-9]+")
_GENERIC_LABELS = frozenset({"www", "city", "pref", "town", "vill", "metro", "lg", "go"})


def suggest_id(url: str) -> str:
    """A watch id from a URL: its host's first label and its path's last parts."""
    parts = urlsplit(url)
    labels = [x for x in (parts.hostname or "page").split(".")[:-1] if x not in _GENERIC_LABELS]
    host = labels[0] if labels else (parts.hostname or "page")
    tail = [p for p in parts.path.split("/") if p][-2:]
    tail = [p.rsplit(".", 1)[0] for p in tail]
    slug = _NOT_ID.sub("-", "-".join([host, *tail]).lower()).strip("-")
    return slug[:60].strip("-") or "page"


def _read(path: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _watches(doc: tomlkit.TOMLDocument) -> AoT | None:
    found = doc.get("watch")
    return found if isinstance(found, AoT) else None


def _checked_write(path: Path, doc: tomlkit.TOMLDocument, known_sites: Collection[str]) -> Sources:
    text = tomlkit.dumps(doc)
    sources = load_sources(path, known_sites=known_sites, text=text)
    folder = path.resolve().parent
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return sources


def add_watch(
    path: Path,
    *,
    url: str,
    site: str,
    city: str | None,
    watch_id: str | None,
    interval: str | None,
    known_sites: Collection[str],
) -> str:
    """Append a [[watch]] to the file (created when missing); returns the watch's id."""
    doc = _read(path)
    new_id = watch_id or suggest_id(url)
    table = tomlkit.table()
    table.add("id", new_id)
    table.add("url", url)
    table.add("site", site)
    if city:
        table.add("city", city)
    if interval:
        table.add("interval", interval)
    table.add(tomlkit.nl())
    watches = _watches(doc)
    if watches is None:
        if "watch" in doc:
            raise ConfigError(f"{path}: 'watch' must be an array of tables ([[watch]])")
        watches = tomlkit.aot()
        watches.append(table)
        doc.add("watch", watches)
    else:
        if any(isinstance(w, Table) and w.get("id") == new_id for w in watches):
            raise ConfigError(f"{path}: a watch {new_id!r} is there already (choose --id)")
        watches.append(table)
    _checked_write(path, doc, known_sites)
    return new_id


def remove_watch(path: Path, watch_id: str, *, known_sites: Collection[str]) -> None:
    """Drop the [[watch]] with this id, leaving the rest of the file as it was."""
    doc = _read(path)
    watches = _watches(doc)
    ids = [str(w.get("id")) for w in watches or [] if isinstance(w, Table)]
    if watches is None or watch_id not in ids:
        raise no_such_watch(watch_id, ids)
    watches.remove(watches[ids.index(watch_id)])
    if not len(watches):
        del doc["watch"]
    _checked_write(path, doc, known_sites)
