"""The watch list (`sources.toml`): what to watch, how politely, and where to send alerts.

Validation is pydantic's; this module only turns its errors into one line that names the watch
and the field, because that is what a person editing the file needs."""

from __future__ import annotations

import difflib
import logging
import re
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from citywatch import defaults
from citywatch.errors import ConfigError

__all__ = [
    "ALERTABLE",
    "ROBOTS_SITEMAPS",
    "Alerts",
    "Defaults",
    "FollowLevel",
    "Sources",
    "Watch",
    "alert_kinds",
    "load_sources",
    "merge_alert_urls",
    "no_such_watch",
    "parse_duration",
    "sources_from_dict",
]

log = logging.getLogger(__name__)

_M = TypeVar("_M", bound=BaseModel)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
ROBOTS_SITEMAPS = "robots"  # `sitemap = "robots"`: the sitemaps the site's robots.txt lists
_WATCH_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ALERT_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
#: The news kinds `alert_on` may name (page health alerts whatever it says).
ALERTABLE = (
    "event_added",
    "event_changed",
    "event_source_added",
    "event_removed",
    "record_added",
    "record_changed",
    "record_removed",
)


def _check_alert_on(kinds: tuple[str, ...] | None) -> tuple[str, ...] | None:
    for kind in kinds or ():
        if kind not in ALERTABLE:
            raise ValueError(f"unknown kind {kind!r} (known: {', '.join(ALERTABLE)})")
    return kinds


def _check_alert_urls(urls: tuple[str, ...]) -> tuple[str, ...]:
    """Apprise URLs look like scheme://...; the message never repeats one (it may hold secrets)."""
    for n, url in enumerate(urls, start=1):
        if not _ALERT_URL.match(url):
            raise ValueError(f"entry {n} is not an alert URL of the form scheme://...")
    return urls


def parse_duration(value: Any) -> float:
    """'6h' -> 21600.0. A bare number is seconds."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number with s, m, h or d, such as '6h'")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"bad duration {value!r}: use a number with s, m, h or d, like '6h'")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    return seconds


Duration = Annotated[float, BeforeValidator(parse_duration)]


def _positive(value: float) -> float:
    if value <= 0:
        raise ValueError("must be more than zero")
    return value


Positive = Annotated[float, BeforeValidator(parse_duration), AfterValidator(_positive)]


def _as_levels(value: Any) -> Any:
    """`follow` and `follow_pattern`: a string, or a list of strings (one per level)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError("must be a string, or a list of strings (one per level)")


Levels = Annotated[str | tuple[str, ...] | None, BeforeValidator(_as_levels)]


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"only http and https URLs can be watched, not {value!r}")
    if not parts.hostname:
        raise ValueError(f"URL {value!r} has no host")
    return value


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Defaults(_Frozen):
    """Settings every watch inherits unless it says otherwise."""

    interval: Positive = Field(default_factory=lambda: parse_duration(defaults.INTERVAL))
    per_host_delay: Duration = Field(
        default_factory=lambda: parse_duration(defaults.PER_HOST_DELAY)
    )
    per_host_concurrency: int = Field(default=defaults.PER_HOST_CONCURRENCY, ge=1, le=64)
    allow_private: bool = False
    user_agent: str = defaults.USER_AGENT
    follow_limit: int = Field(default=defaults.FOLLOW_LIMIT, ge=0)
    max_bytes: int = Field(default=defaults.MAX_BODY_BYTES, ge=1024)
    timeout: Positive = defaults.TOTAL_TIMEOUT
    retries: int = Field(default=defaults.RETRIES, ge=0, le=10)
    respect_robots: bool = True
    alert_after_failures: int = Field(default=defaults.ALERT_AFTER_FAILURES, ge=1, le=100)


class Watch(_Frozen):
    """One watched page, with every inherited setting filled in."""

    id: str
    url: str
    site: str
    city: str | None = None
    interval: Positive
    per_host_delay: Duration
    per_host_concurrency: int = Field(ge=1, le=64)
    allow_private: bool
    user_agent: str
    follow: Levels = None  # a list: one selector per level
    follow_pattern: Levels = None  # a list: one pattern per level
    follow_limit: int = Field(ge=0)
    recheck: Duration | None = None  # followed pages checked more recently are not fetched
    feed: str | None = None
    sitemap: str | None = None
    max_bytes: int = Field(ge=1024)
    timeout: Positive
    retries: int = Field(ge=0, le=10)
    respect_robots: bool
    alert_after_failures: int = Field(ge=1, le=100)
    alerts: tuple[str, ...] = ()
    alert_on: tuple[str, ...] | None = None  # None: as [alerts] says

    @field_validator("alert_on")
    @classmethod
    def _alert_on(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return _check_alert_on(value)

    @field_validator("alerts")
    @classmethod
    def _alert_urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_alert_urls(value)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _WATCH_ID.match(value):
            raise ValueError("use lowercase letters, digits and '-'")
        return value

    @field_validator("url", "feed")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _check_http_url(value)

    @field_validator("sitemap")
    @classmethod
    def _sitemap(cls, value: str | None) -> str | None:
        """A sitemap URL, or "robots" for the sitemaps the site's robots.txt lists."""
        if value is None or value == ROBOTS_SITEMAPS:
            return value
        return _check_http_url(value)

    @field_validator("follow")
    @classmethod
    def _selector(cls, value: str | tuple[str, ...] | None) -> str | tuple[str, ...] | None:
        for n, selector in _levels(value):
            import soupsieve  # 60 ms to load: paid only by watch lists that follow links

            try:
                soupsieve.compile(selector)
            except soupsieve.SelectorSyntaxError as exc:
                raise ValueError(f"{n}bad CSS selector: {exc.args[0]}") from None
        return value

    @field_validator("follow_pattern")
    @classmethod
    def _pattern(cls, value: str | tuple[str, ...] | None) -> str | tuple[str, ...] | None:
        for n, pattern in _levels(value):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{n}bad regular expression: {exc}") from None
        return value

    @field_validator("follow_pattern")
    @classmethod
    def _same_depth(
        cls, value: str | tuple[str, ...] | None, info: ValidationInfo
    ) -> str | tuple[str, ...] | None:
        follow = info.data.get("follow")
        if isinstance(follow, tuple) and isinstance(value, tuple) and len(follow) != len(value):
            raise ValueError(
                f"{len(value)} levels, but follow has {len(follow)}: give both one entry "
                "per level, or one of them a single string (for the last level)"
            )
        return value

    @property
    def follows(self) -> bool:
        """Whether the watch follows links from its page (follow or follow_pattern)."""
        return bool(self.follow or self.follow_pattern)

    def follow_levels(self) -> tuple[FollowLevel, ...]:
        """One (selector, pattern) per level of listings, the pages watched last.

        A list gives one per level; a single string belongs to the last level (the pages
        watched), and a level given neither takes every link on its listing pages."""
        depth = max(
            len(v) if isinstance(v, tuple) else 1 for v in (self.follow, self.follow_pattern)
        )

        def at(value: str | tuple[str, ...] | None, level: int) -> str | None:
            if isinstance(value, tuple):
                return value[level]
            return value if level == depth - 1 else None

        return tuple(
            FollowLevel(at(self.follow, n), at(self.follow_pattern, n)) for n in range(depth)
        )


@dataclass(frozen=True, slots=True)
class FollowLevel:
    """Which links of one level's pages lead to the next: a CSS selector, a pattern, or both."""

    selector: str | None
    pattern: str | None


def _levels(value: str | tuple[str, ...] | None) -> list[tuple[str, str]]:
    """(prefix for a message, value) of each level of `follow` or `follow_pattern`."""
    if value is None:
        return []
    if isinstance(value, str):
        return [("", value)]
    if not value:
        raise ValueError("an empty list: give one entry per level, or leave the key out")
    return [(f"level {n}: ", v) for n, v in enumerate(value, start=1)]


class Alerts(_Frozen):
    """Alert channels (apprise URLs) for every watch, and the Atom feed file."""

    urls: tuple[str, ...] = ()
    feed: str | None = None
    alert_on: tuple[str, ...] = defaults.ALERT_ON

    @field_validator("alert_on")
    @classmethod
    def _alert_on(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_alert_on(value) or ()

    @field_validator("urls")
    @classmethod
    def _urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_alert_urls(value)


class Sources(_Frozen):
    """A whole watch list."""

    defaults: Defaults = Field(default_factory=Defaults)
    watches: tuple[Watch, ...] = ()
    alerts: Alerts = Field(default_factory=Alerts)
    path: str | None = None

    def get(self, watch_id: str) -> Watch:
        for watch in self.watches:
            if watch.id == watch_id:
                return watch
        raise no_such_watch(watch_id, self.ids())

    def ids(self) -> list[str]:
        return [w.id for w in self.watches]


def no_such_watch(watch_id: str, known: Collection[str]) -> ConfigError:
    """The one wording for an unknown watch id, everywhere (exit 2, with the ids there are)."""
    listed = ", ".join(sorted(known)) or "none"
    return ConfigError(f"no such watch {watch_id!r} (known: {listed})")


def _nearest(word: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _one_line(exc: ValidationError, where: str, model: type[BaseModel]) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(x) for x in err["loc"]) or "value"
    if err["type"] == "extra_forbidden":
        allowed = set(model.model_fields) - {"path"}
        return f"{where}: unknown key {loc!r}{_nearest(loc, allowed)}"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{where}: {loc}: {msg}"


def load_sources(
    path: str | Path, *, known_sites: Collection[str] | None = None, text: str | None = None
) -> Sources:
    """Read and check a sources file. Every problem is a ConfigError with a one-line message."""
    name = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{name}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{name}: cannot read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: not valid TOML: {exc}") from None
    return sources_from_dict(data, name=name, known_sites=known_sites)


def _section(model: type[_M], raw: Any, where: str) -> _M:
    if raw is not None and not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a table")
    try:
        return model.model_validate(raw or {})
    except ValidationError as exc:
        raise ConfigError(_one_line(exc, where, model)) from None


def sources_from_dict(
    data: dict[str, Any], *, name: str = "sources", known_sites: Collection[str] | None = None
) -> Sources:
    sections = {"defaults", "watch", "alerts"}
    unknown = sorted(set(data) - sections)
    if unknown:
        raise ConfigError(f"{name}: unknown section {unknown[0]!r}{_nearest(unknown[0], sections)}")
    base = _section(Defaults, data.get("defaults"), f"{name}: [defaults]")
    alerts = _section(Alerts, data.get("alerts"), f"{name}: [alerts]")
    raw_watches = data.get("watch") or []
    if not isinstance(raw_watches, list):
        raise ConfigError(f"{name}: 'watch' must be an array of tables ([[watch]])")
    watches: list[Watch] = []
    seen: set[str] = set()
    inherited = base.model_dump()
    for i, raw in enumerate(raw_watches):
        label = (
            f"watch {raw.get('id')!r}"
            if isinstance(raw, dict) and raw.get("id")
            else f"watch #{i + 1}"
        )
        if not isinstance(raw, dict):
            raise ConfigError(f"{name}: {label}: must be a table")
        try:
            watch = Watch.model_validate({**inherited, **raw})
        except ValidationError as exc:
            raise ConfigError(_one_line(exc, f"{name}: {label}", Watch)) from None
        if watch.id in seen:
            raise ConfigError(f"{name}: {label}: id: duplicate watch id")
        if known_sites is not None and watch.site not in known_sites:
            raise ConfigError(
                f"{name}: {label}: site: unknown site {watch.site!r} "
                f"(known: {', '.join(sorted(known_sites))})"
            )
        seen.add(watch.id)
        watches.append(watch)
    if not watches:
        log.warning("%s: no [[watch]] entries: nothing will be checked", name)
    return Sources(defaults=base, watches=tuple(watches), alerts=alerts, path=name)


def alert_kinds(sources: Sources, watch: Watch) -> tuple[str, ...]:
    """The news kinds that alert for one watch: its own `alert_on`, else the list's."""
    return watch.alert_on if watch.alert_on is not None else sources.alerts.alert_on


def merge_alert_urls(sources: Sources, watch: Watch) -> Sequence[str]:
    """The alert channels for one watch: the list's own plus the watch's."""
    return tuple(dict.fromkeys((*sources.alerts.urls, *watch.alerts)))
