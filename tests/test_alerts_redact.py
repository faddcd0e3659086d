"""Secrets in apprise URLs: masked for display, scrubbed from any text and any log record."""

from __future__ import annotations

import logging

import pytest

from scheduler.redact import MASK, Redactor, mask_url, secrets_of

CASES = [
    # (channel URL, the secrets in it, something that stays visible)
    (
        "mailto://alerts:MailPassw0rd@example.org?to=ops@example.org",
        ["MailPassw0rd"],
        "example.org",
    ),
    ("tgram://123456789:AAHsecretBotToken987/4242", ["AAHsecretBotToken987"], "tgram://"),
    (
        "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
        ["TIiajkdnlazkcOXrIdevi7FQ", "A1BRTD4JD"],
        "slack://",
    ),
    ("discord://987654321098/DiscordWebhookTok3n", ["DiscordWebhookTok3n"], "discord://"),
    ("ntfy://ntfyuser:NtfyPassw0rd@ntfy.example.org/topic", ["NtfyPassw0rd"], "ntfy.example.org"),
    ("matrix://bot:MatrixPassw0rd@matrix.example.org/#room", ["MatrixPassw0rd"], "matrix."),
    (
        "json://hookuser:JsonPassw0rd@127.0.0.1:8080/hook?-apikey=GetArgT0ken&+X-Token=HdrT0ken",
        ["JsonPassw0rd", "GetArgT0ken", "HdrT0ken"],
        "127.0.0.1:8080/hook",
    ),
    ("xml://127.0.0.1/x?:secret=PayloadT0ken", ["PayloadT0ken"], "xml://"),
    (
        "notascheme://user:UnknownPassw0rd@host.example/p/UnknownPathT0ken",
        ["UnknownPassw0rd", "UnknownPathT0ken"],
        "host.example",
    ),
]


@pytest.mark.parametrize(("url", "secrets", "visible"), CASES)
def test_masked_urls_hide_every_secret_and_keep_the_service(
    url: str, secrets: list[str], visible: str
) -> None:
    shown = mask_url(url)
    assert visible in shown
    for secret in secrets:
        assert secret not in shown
        assert secret in secrets_of(url)


@pytest.mark.parametrize(("url", "secrets", "visible"), CASES)
def test_the_redactor_scrubs_secrets_from_free_text(
    url: str, secrets: list[str], visible: str
) -> None:
    redactor = Redactor([url])
    for secret in secrets:
        text = f"POST https://api.example/{secret}/send failed; auth {secret}"
        assert redactor.scrub(text) == f"POST https://api.example/{MASK}/send failed; auth {MASK}"


def test_a_url_without_secrets_is_shown_and_scrubs_nothing() -> None:
    url = "json://127.0.0.1:8099/hook"
    assert mask_url(url).startswith(url)
    assert secrets_of(url) == frozenset()
    assert Redactor([url]).scrub("sent to 127.0.0.1:8099/hook") == "sent to 127.0.0.1:8099/hook"


def test_percent_encoded_secrets_are_scrubbed_in_both_forms() -> None:
    url = "json://u:p%40ss%2Fword99@127.0.0.1/hook"
    redactor = Redactor([url])
    assert redactor.scrub("a p@ss/word99 b p%40ss%2Fword99 c") == f"a {MASK} b {MASK} c"


def test_log_records_of_any_logger_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    url = "tgram://123456789:AAHsecretBotToken987/4242"
    redactor = Redactor([url])
    handler = caplog.handler
    handler.addFilter(redactor)
    try:
        caplog.set_level(logging.DEBUG)
        logging.getLogger("urllib3.connectionpool").debug(
            '%s "POST /bot%s/sendMessage HTTP/1.1" 401',
            "https://api.telegram.org",
            "123456789:AAHsecretBotToken987",
        )
        try:
            raise RuntimeError("bad token AAHsecretBotToken987")
        except RuntimeError:
            logging.getLogger("somewhere").exception("send failed")
    finally:
        handler.removeFilter(redactor)
    assert "AAHsecretBotToken987" not in caplog.text
    assert f"/bot{MASK}:{MASK}/sendMessage" in caplog.text
    assert f"RuntimeError: bad token {MASK}" in caplog.text


def test_the_redactor_grows_with_new_channels() -> None:
    redactor = Redactor()
    assert redactor.scrub("FirstPassw0rd SecondPassw0rd") == "FirstPassw0rd SecondPassw0rd"
    redactor.add(["mailto://a:FirstPassw0rd@example.org"])
    redactor.add(["mailto://b:SecondPassw0rd@example.org"])
    assert redactor.scrub("FirstPassw0rd SecondPassw0rd") == f"{MASK} {MASK}"


def test_the_user_name_is_masked_in_the_url_but_not_scrubbed_as_a_word() -> None:
    from scheduler.redact import Redactor, mask_url

    url = "json://user:hunter2secret@127.0.0.1:8080/hook"
    assert "hunter2secret" not in mask_url(url)
    redactor = Redactor([url])
    line = redactor.scrub("json://watchuser sent; the user hunter2secret")
    assert line == "json://watchuser sent; the user ****"
