"""Keeping alert-channel secrets out of logs, error columns and `status`.

An apprise URL carries its credentials inline (`mailto://user:PASSWORD@host`,
`tgram://BOT-TOKEN/chat`, `discord://ID/TOKEN`), and apprise, urllib3 and our own messages may
echo parts of it. Two tools: `mask_url` shows a channel safely (apprise's own privacy rendering,
which knows each service's secret fields), and `Redactor` scrubs the secret parts of known
channels from any text, including log records of every logger, so a secret that reaches a message
by another route is still hidden.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import warnings
from collections.abc import Iterable
from types import ModuleType
from urllib.parse import quote, unquote, urlsplit

__all__ = [
    "MASK",
    "Redactor",
    "apprise_knows",
    "load_apprise",
    "mask_url",
    "protect_logs",
    "secrets_of",
]

MASK = "****"

# Parts of a URL that are never secret on their own: too short, or structure.
_SPLIT = re.compile(r"[/:@?&=#,;+\s]+")
_MIN_SECRET = 3
# Query options whose values are credentials whatever the service.
_SECRET_NAME = re.compile(r"(?i)token|key|secret|pass|auth|sig|session|cred|bearer")


@functools.cache
def load_apprise() -> ModuleType:
    """apprise with its plugins loaded. Some plugins import modules this Python deprecates
    (imghdr); that warning is apprise's to fix and must not fail a delivery or a test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise

        apprise.Apprise.instantiate("json://localhost", suppress_exceptions=True)
    return apprise


class _Hush(logging.Filter):
    """Drops apprise's records from this thread: loading a URL logs it whole, and masking
    happens before the secrets it finds can be scrubbed."""

    def __init__(self) -> None:
        super().__init__()
        self.thread = threading.get_ident()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread != self.thread


def _apprise_private(url: str) -> str | None:
    """apprise's privacy rendering of `url`, or None when apprise does not know the URL."""
    apprise = load_apprise()
    logger = logging.getLogger("apprise")
    hush = _Hush()
    logger.addFilter(hush)
    try:
        plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
        if not plugin:
            return None
        return str(plugin.url(privacy=True))
    except Exception:  # a plugin that cannot render itself must not break logging
        return None
    finally:
        logger.removeFilter(hush)


def apprise_knows(url: str) -> bool:
    """Whether apprise can read `url` as a channel; apprise's own log lines about it (which show
    parts of its credentials) are dropped."""
    return _apprise_private(url) is not None


def _generic_mask(url: str) -> str:
    """Scheme and host only: for URLs apprise cannot parse, nothing else is known to be safe."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return f"{MASK}"
    scheme = parts.scheme or "?"
    rest = f"/{MASK}" if (parts.path.strip("/") or parts.query or parts.fragment) else ""
    user = f"{MASK}@" if (parts.username or parts.password) else ""
    return f"{scheme}://{user}{host}{port}{rest}"


def _variants(secret: str) -> set[str]:
    """A secret as it may be written: raw, percent-decoded, percent-encoded, and its words."""
    plain = unquote(secret)
    out = {secret, plain, quote(plain, safe=""), quote(plain)}
    out.update(word for word in plain.split() if len(word) >= _MIN_SECRET)
    return {v for v in out if len(v) >= _MIN_SECRET}


def _query(query: str) -> list[tuple[str, str]]:
    """Query options as apprise reads them: '+' is a header prefix there, not a space."""
    out = []
    for piece in query.split("&"):
        if piece:
            name, _, value = piece.partition("=")
            out.append((unquote(name), unquote(value)))
    return out


def _explicit_secrets(url: str) -> set[str]:
    """Secrets `url` names outright: the userinfo password, and the values of query options that
    carry credentials. apprise shows some of these in its privacy rendering (custom headers
    `+Name=value`, GET arguments `-name=value`, payload fields `:name=value`), so they are
    masked here whatever apprise does."""
    found: set[str] = set()
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return found
    if password:
        found |= _variants(password)
    for name, value in _query(parts.query):
        if value and (name[:1] in "+-:" or _SECRET_NAME.search(name)):
            found |= _variants(value)
    return found


def _replace_all(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def mask_url(url: str) -> str:
    """The channel URL as it may be shown: tokens and passwords replaced.

    apprise's rendering is the base because it knows which fields each service keeps secret (it
    also adds default options, which are harmless); credential-bearing query options are masked
    on top. URLs apprise does not know keep only scheme and host.
    """
    shown = _apprise_private(url)
    shown = _own_options(shown, url) if shown else _generic_mask(url)
    return _replace_all(shown, _explicit_secrets(url))


def _own_options(shown: str, url: str) -> str:
    """apprise's rendering without the default options it adds (`?method=POST&retry=0...`),
    which say nothing about the channel and make every log line long."""
    try:
        given = {name.lower() for name, _ in _query(urlsplit(url).query)}
        parts = urlsplit(shown)
    except ValueError:
        return shown
    kept = [
        piece
        for piece in parts.query.split("&")
        if piece and unquote(piece.split("=", 1)[0]).lower() in given
    ]
    return parts._replace(query="&".join(kept)).geturl()


def secrets_of(url: str) -> frozenset[str]:
    """The pieces of `url` that its masked form hides, in the forms text may carry them.

    Everything that disappears when the URL is masked is treated as secret, which errs on the
    side of hiding (an unknown query option is hidden too)."""
    found = _explicit_secrets(url)
    shown = set(_SPLIT.split(mask_url(url)))
    # The user name is who, not the credential: masked in the URL shown, but a word such as
    # `user` or `alerts` is not scrubbed from every log line wherever it occurs.
    try:
        username = urlsplit(url).username
    except ValueError:
        username = None
    shown |= _variants(username) if username else set()
    for text in (url, unquote(url)):
        for piece in _SPLIT.split(text):
            if len(piece) >= _MIN_SECRET and piece not in shown:
                found |= _variants(piece)
    return frozenset(found)


class Redactor(logging.Filter):
    """Scrubs the secrets of known channel URLs from text and from log records.

    Installed as a filter on log handlers (and on the 'apprise' logger), it rewrites each
    record's message before any handler formats it. `add` may be called as channels appear
    (a reloaded sources file); the pattern is rebuilt only when the set grows.
    """

    def __init__(self, urls: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._urls: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(urls)

    def add(self, urls: Iterable[str]) -> None:
        fresh = [u for u in urls if u not in self._urls]
        if not fresh:
            return
        for url in fresh:
            self._urls.add(url)
            self._secrets.update(secrets_of(url))
        ordered = sorted(self._secrets, key=len, reverse=True)  # longest first: no partial leaks
        self._pattern = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None

    def scrub(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is logging's problem, not ours
            return True
        clean = self.scrub(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True

    def install(self) -> None:
        """Attach to every root handler and to apprise's logger (whose records may be captured
        by handlers that are not the root's)."""
        root = logging.getLogger()
        for handler in root.handlers:
            if self not in handler.filters:
                handler.addFilter(self)
        apprise_logger = logging.getLogger("apprise")
        if self not in apprise_logger.filters:
            apprise_logger.addFilter(self)

    def uninstall(self) -> None:
        for handler in logging.getLogger().handlers:
            handler.removeFilter(self)
        logging.getLogger("apprise").removeFilter(self)


_PROCESS = Redactor()


def protect_logs(urls: Iterable[str]) -> Redactor:
    """Scrub the secrets of `urls` from every log record of this process from now on.

    One process-wide filter that grows with the channels seen, attached to the root handlers
    present now (handlers added later get it at the next call): logs are process-wide, and so is
    the promise that a channel's secret never reaches them."""
    _PROCESS.add(urls)
    _PROCESS.install()
    return _PROCESS
