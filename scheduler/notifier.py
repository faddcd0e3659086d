"""Sending one alert message to one apprise channel: the message and the notifier."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from citywatch.channels import is_ref
from citywatch.errors import ConfigError
from citywatch.sources import Sources
from scheduler.redact import apprise_knows, load_apprise, mask_url

__all__ = [
    "ID_FIELD",
    "ID_HEADER",
    "AppriseNotifier",
    "Message",
    "Notifier",
    "Severity",
    "check_channels",
]

Severity = Literal["info", "warning", "success"]


@dataclass(frozen=True, slots=True)
class Message:
    """One check's alert, in the forms channels take: plain text and escaped HTML."""

    title: str
    text: str
    html: str
    severity: Severity = "info"
    id: str | None = None  # stable across retries: receivers deduplicate on it


#: The header that carries `Message.id` on channels that take custom headers (json://, form://,
#: xml://, email: apprise sets an email's Message-ID itself and lets nobody replace it).
ID_HEADER = "X-Citywatch-Message-Id"
#: The field that carries `Message.id` in a json:// (and form://, xml://) payload.
ID_FIELD = "message_id"


def _stamp_id(plugin: Any, message_id: str | None) -> None:
    """Put the message id where the channel's plugin lets us: payload field and header."""
    if message_id is None:
        return
    extras = getattr(plugin, "payload_extras", None)
    if isinstance(extras, dict):
        extras[ID_FIELD] = message_id
    headers = getattr(plugin, "headers", None)
    if isinstance(headers, dict):
        headers[ID_HEADER] = message_id


class Notifier(Protocol):
    """Sends one message to one channel: None when it went, else why not (one line)."""

    def send(self, channel: str, message: Message) -> str | None: ...


class AppriseNotifier:
    """Every channel through apprise; its failure reason is taken from apprise's own log."""

    def send(self, channel: str, message: Message) -> str | None:
        apprise = load_apprise()
        plugin = apprise.Apprise.instantiate(channel, suppress_exceptions=True)
        if not plugin:
            return "not an alert URL apprise understands"
        _stamp_id(plugin, message.id)
        # apprise 2 resolves a multi-format plugin's format (URL ?format= first); 1.x has one.
        resolve = getattr(plugin, "resolve_format", None)
        target = resolve(None) if resolve is not None else plugin.notify_format
        if target == apprise.NotifyFormat.HTML:
            body, body_format = message.html, apprise.NotifyFormat.HTML
        else:  # apprise escapes plain text for Markdown channels itself
            body, body_format = message.text, apprise.NotifyFormat.TEXT
        notify_type = {
            "info": apprise.NotifyType.INFO,
            "warning": apprise.NotifyType.WARNING,
            "success": apprise.NotifyType.SUCCESS,
        }[message.severity]
        sender = apprise.Apprise()
        sender.add(plugin)
        apprise_log = logging.getLogger("apprise")
        # apprise's warnings become the row's error and our one log line; shown raw only at -vv
        quiet = logging.getLogger().getEffectiveLevel() > logging.DEBUG
        propagate = apprise_log.propagate
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
            apprise_log.propagate = propagate and not quiet
            try:
                ok = bool(
                    sender.notify(
                        body=body,
                        title=message.title,
                        notify_type=notify_type,
                        body_format=body_format,
                    )
                )
            except Exception as exc:  # a plugin bug is this channel's failure, not the daemon's
                return f"{type(exc).__name__}: {exc}"
            finally:
                apprise_log.propagate = propagate
            said = captured.getvalue()
        if ok:
            return None
        reasons = [line.strip() for line in said.splitlines() if line.strip()]
        return " / ".join(dict.fromkeys(reasons[-3:])) or "apprise reported a failure"


def check_channels(sources: Sources) -> Sources:
    """`sources`, once every alert channel in it is a URL apprise can read; else a ConfigError
    naming where the channel is, with the URL masked. Loads apprise only when there are
    channels, so a watch list without alerts starts as fast as before."""
    places = [("[alerts] urls", url) for url in sources.alerts.urls]
    places += [(f"watch {w.id!r} alerts", url) for w in sources.watches for url in w.alerts]
    for where, url in places:
        if is_ref(url) or apprise_knows(url):
            continue
        raise ConfigError(
            f"{sources.path}: {where}: {mask_url(url)} is not an alert URL apprise understands"
        )
    return sources
