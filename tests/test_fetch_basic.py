"""The fetcher's ordinary path against the real local server: bodies, validators, 304s,
compression, headers, redirects and plain HTTP errors."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from citywatch import defaults
from citywatch.errors import FetchError
from scraper import Fetcher, FetchResult, Validators
from tests.support.httpserver import Response, redirect


def fetch(url, watch, **kwargs) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(**kwargs) as fetcher:
            return await fetcher.fetch(url, watch)

    return asyncio.run(run())


def test_a_page_comes_back_with_body_text_validators_and_hash(server, local_watch):
    served = server.set("/page.html", "<html><body><p>横浜市</p></body></html>")
    result = fetch(server.url("/page.html"), local_watch())

    assert result.status == 200 and not result.not_modified
    assert result.url == server.url("/page.html")
    assert result.body == served.body
    assert result.text == "<html><body><p>横浜市</p></body></html>"
    assert result.content_type == "text/html"
    assert result.encoding == "utf-8"
    assert result.etag == served.etag
    assert result.last_modified is not None
    assert result.sha256 == hashlib.sha256(served.body).hexdigest()
    assert result.attempts == 1
    assert result.elapsed >= 0


def test_second_fetch_with_validators_is_conditional_and_gets_304_without_body(server, local_watch):
    server.set("/index.html", "<p>unchanged</p>")
    watch = local_watch()

    async def run() -> tuple[FetchResult, FetchResult]:
        async with Fetcher() as fetcher:
            first = await fetcher.fetch(server.url("/index.html"), watch)
            second = await fetcher.fetch(
                server.url("/index.html"), watch, validators=first.validators
            )
            return first, second

    first, second = asyncio.run(run())
    sent = server.requests("/index.html")
    assert len(sent) == 2
    assert sent[0].header("if-none-match") is None
    assert sent[1].header("if-none-match") == first.etag
    assert sent[1].header("if-modified-since") == first.last_modified
    assert second.status == 304 and second.not_modified
    assert second.body is None and second.text is None and second.sha256 is None
    assert second.etag == first.etag and second.last_modified == first.last_modified


def test_last_modified_alone_is_enough_for_a_304(server, local_watch):
    served = server.set("/lm.html", "<p>x</p>")

    async def run() -> FetchResult:
        async with Fetcher() as fetcher:
            first = await fetcher.fetch(server.url("/lm.html"), local_watch())
            only_date = Validators(last_modified=first.last_modified)
            return await fetcher.fetch(server.url("/lm.html"), local_watch(), validators=only_date)

    result = asyncio.run(run())
    assert result.not_modified
    assert server.requests("/lm.html")[1].header("if-none-match") is None
    assert result.etag == served.etag  # taken from the 304's headers


def test_changed_page_answers_200_to_stale_validators(server, local_watch):
    server.set("/news.html", "<p>new</p>")
    stale = Validators(etag='"old"', last_modified="Mon, 01 Jan 2001 00:00:00 GMT")

    async def run() -> FetchResult:
        async with Fetcher() as fetcher:
            return await fetcher.fetch(server.url("/news.html"), local_watch(), validators=stale)

    result = asyncio.run(run())
    assert result.status == 200 and result.body == b"<p>new</p>"


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_compressed_bodies_are_asked_for_and_decoded(server, local_watch, coding):
    text = "<p>" + "城市間協力 " * 2000 + "</p>"
    server.set("/z.html", text, encoding=coding)
    result = fetch(server.url("/z.html"), local_watch())

    request = server.requests("/z.html")[0]
    assert request.header("accept-encoding") == "gzip, br"
    assert result.text == text
    assert result.sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_user_agent_names_citywatch_and_a_contact_url(server, local_watch):
    server.set("/ua", "ok", content_type="text/plain")
    fetch(server.url("/ua"), local_watch())
    agent = server.requests("/ua")[0].header("user-agent")
    assert agent == defaults.USER_AGENT
    assert agent.startswith("citywatch/") and "+https://" in agent


def test_watch_user_agent_beats_the_fetcher_default_but_not_when_it_is_the_stock_one(
    server, local_watch
):
    server.set("/ua", "ok", content_type="text/plain")
    fetch(server.url("/ua"), local_watch(user_agent="citywatch-test (+mailto:ops@example.org)"))
    fetch(server.url("/ua"), local_watch(), user_agent="citywatch-ops (+https://ops.example)")
    agents = [r.header("user-agent") for r in server.requests("/ua")]
    assert agents == [
        "citywatch-test (+mailto:ops@example.org)",
        "citywatch-ops (+https://ops.example)",
    ]


def test_redirects_are_followed_and_the_final_url_reported(server, local_watch):
    server.route("/old", redirect("/moved", code=301))
    server.route("/moved", redirect(server.url("/new.html"), code=307))
    server.set("/new.html", "<p>here</p>")
    result = fetch(server.url("/old"), local_watch())
    assert result.url == server.url("/new.html")
    assert result.text == "<p>here</p>"
    assert [r.route_path for r in server.requests() if r.route_path != "/robots.txt"] == [
        "/old",
        "/moved",
        "/new.html",
    ]


@pytest.mark.parametrize("code", [400, 403, 404, 410])
def test_client_errors_fail_at_once_without_retry(server, local_watch, code):
    server.set("/gone", "no", status=code, validators=False)
    with pytest.raises(FetchError) as caught:
        fetch(server.url("/gone"), local_watch(retries=3))
    assert caught.value.message == f"HTTP {code}"
    assert caught.value.context["status"] == code
    assert caught.value.context["attempts"] == 1
    assert server.count("/gone") == 1


def test_empty_200_is_an_empty_page_not_an_error(server, local_watch):
    server.set("/empty", b"")
    result = fetch(server.url("/empty"), local_watch())
    assert result.body == b"" and result.text == ""
    assert result.sha256 == hashlib.sha256(b"").hexdigest()


def test_cookies_set_by_a_site_are_not_sent_back(server, local_watch):
    server.set("/c", "ok", headers={"Set-Cookie": "session=abc; Path=/"})

    async def run() -> None:
        async with Fetcher() as fetcher:
            await fetcher.fetch(server.url("/c"), local_watch())
            await fetcher.fetch(server.url("/c"), local_watch())

    asyncio.run(run())
    assert [r.header("cookie") for r in server.requests("/c")] == [None, None]


def test_a_non_http_watch_url_is_refused_before_any_traffic(server, local_watch):
    with pytest.raises(FetchError, match="non-http URL"):
        fetch("ftp://127.0.0.1/file", local_watch())
    assert server.count() == 0


def test_304s_and_redirects_leave_the_connection_open_for_the_next_request(server, local_watch):
    server.set("/same.html", "<p>unchanged</p>")
    server.route("/moved", redirect("/same.html"))
    watch = local_watch()

    async def run() -> None:
        async with Fetcher() as fetcher:
            first = await fetcher.fetch(server.url("/same.html"), watch)
            for _ in range(3):
                await fetcher.fetch(server.url("/same.html"), watch, validators=first.validators)
            await fetcher.fetch(server.url("/moved"), watch)
            await fetcher.fetch(server.url("/same.html"), watch)

    asyncio.run(run())
    pages = server.requests("/same.html") + server.requests("/moved")
    assert len(pages) == 7
    assert len({request.connection for request in pages}) == 1


def test_a_pooled_connection_the_server_dropped_is_replaced_without_costing_a_try(
    server, local_watch
):
    server.set("/first", "<p>first</p>")
    served: set[int] = set()

    def drops_kept_connections(exchange):
        if any(r.connection == exchange.request.connection for r in server.requests("/first")):
            exchange.close()  # the keep-alive connection is dropped: no response at all
            return None
        served.add(exchange.request.connection)
        return Response(body=b"<p>second</p>")

    server.route("/second", drops_kept_connections)
    watch = local_watch(retries=0)

    async def run() -> FetchResult:
        async with Fetcher() as fetcher:
            await fetcher.fetch(server.url("/first"), watch)
            return await fetcher.fetch(server.url("/second"), watch)

    second = asyncio.run(run())
    assert second.text == "<p>second</p>" and second.attempts == 1
    assert server.count("/second") == 2 and len(served) == 1


def test_a_redirect_whose_body_stalls_is_still_followed(server, local_watch):
    server.set("/target.html", "<p>target</p>")

    def stalls(exchange):
        exchange.send_head(302, [("Location", "/target.html"), ("Content-Length", "100")])
        exchange.write(b"moved")
        exchange.server.closing.wait(5)  # the rest of the body never comes
        exchange.close()

    server.route("/stall", stalls)
    result = fetch(server.url("/stall"), local_watch(retries=0, timeout=4))
    assert result.text == "<p>target</p>" and result.attempts == 1
