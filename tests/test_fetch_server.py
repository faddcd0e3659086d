"""The local test server itself (it must be trustworthy for every other test), and the whole
fault catalogue fetched at once: every fault is a FetchError or a result, never a crash."""

from __future__ import annotations

import asyncio
import http.client
import threading
import time

import pytest

from citywatch.errors import FetchError
from scraper import Fetcher
from tests.support.httpserver import Exchange, Response, TestServer, hang, install_faults


def get(server: TestServer, path: str, headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_static_docroot_with_validators_and_no_escape(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_bytes(b"<p>home</p>")
    (tmp_path / "site" / "doc.pdf").write_bytes(b"%PDF-1.4 x")
    (tmp_path / "secret.txt").write_text("secret")
    with TestServer(docroot=tmp_path / "site") as server:
        status, headers, body = get(server, "/")
        assert (status, body, headers["Content-Type"]) == (200, b"<p>home</p>", "text/html")
        assert get(server, "/doc.pdf")[1]["Content-Type"] == "application/pdf"
        assert get(server, "/", {"If-None-Match": headers["ETag"]})[0] == 304
        assert get(server, "/", {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        assert get(server, "/../secret.txt")[0] == 404
        assert get(server, "/%2e%2e/secret.txt")[0] == 404
        assert get(server, "/missing.html")[0] == 404
        server.docroot = tmp_path  # swapped while running, as the end-to-end fixtures do
        assert get(server, "/secret.txt")[2] == b"secret"


def test_routes_log_and_conditional_answers(server):
    served = server.set("/x", "<p>x</p>", headers={"X-Test": "1"})
    status, headers, body = get(server, "/x?q=1", {"If-None-Match": '"other"'})
    assert (status, body, headers["X-Test"]) == (200, b"<p>x</p>", "1")
    assert headers["ETag"] == served.etag
    assert get(server, "/x", {"If-None-Match": served.etag})[0] == 304
    assert server.count("/x") == 2
    first = server.requests("/x")[0]
    assert first.path == "/x?q=1" and first.method == "GET"
    assert first.header("IF-NONE-MATCH") == '"other"'
    server.reset()
    assert server.count() == 0 and get(server, "/x")[0] == 404


def test_prefix_routes_and_custom_handlers(server):
    def echo(exchange: Exchange) -> Response:
        return Response(body=exchange.request.path.encode(), content_type="text/plain")

    server.route("/echo/", echo, prefix=True)
    assert get(server, "/echo/a/b?c")[2] == b"/echo/a/b?c"


def test_in_flight_peak_is_measured_overall_and_per_prefix(server):
    def wait(exchange: Exchange) -> Response:
        exchange.pause(0.3)
        return Response(body=b"done")

    server.route("/wait/", wait, prefix=True)
    threads = [threading.Thread(target=get, args=(server, f"/wait/{i}")) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert server.max_in_flight == 5
    assert server.max_in_flight_under("/wait/") == 5
    assert server.max_in_flight_under("/other/") == 0


def test_close_ends_hung_requests_and_joins_everything():
    server = TestServer().start()
    server.route("/hang", hang(limit=60))
    errors: list[Exception] = []

    def client() -> None:
        try:
            get(server, "/hang")
        except Exception as exc:  # the server hung up on us, as it should
            errors.append(exc)

    thread = threading.Thread(target=client)
    thread.start()
    assert server.wait_for("/hang")
    started = time.monotonic()
    server.close()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert time.monotonic() - started < 5
    assert errors  # the client saw the connection end


def test_every_fault_gives_a_fetch_error_or_a_result_and_the_server_lives_on(server, local_watch):
    paths = install_faults(server)
    server.set("/healthy", "<p>fine</p>")
    watch = local_watch(timeout=2, retries=0, per_host_concurrency=32, max_bytes=1024 * 1024)

    async def run():
        async with Fetcher() as fetcher:
            urls = [server.url(p) for p in paths.values()] + [server.url("/healthy")]
            return await asyncio.gather(
                *(fetcher.fetch(u, watch) for u in urls), return_exceptions=True
            )

    results = dict(zip([*paths, "healthy"], asyncio.run(run()), strict=True))
    for name, outcome in results.items():
        assert isinstance(outcome, FetchError) or hasattr(outcome, "status"), (name, outcome)
        if isinstance(outcome, FetchError):
            line = outcome.one_line()
            assert "\n" not in line and "Traceback" not in line
    failed = {name for name, outcome in results.items() if isinstance(outcome, FetchError)}
    assert failed >= {
        "http-500",
        "http-503-retry-after",
        "http-429",
        "reset",
        "hang",
        "slow",
        "truncated",
        "bad-length",
        "invalid-gzip",
        "gzip-bomb",
        "brotli-bomb",
        "huge",
        "redirect-loop",
        "redirect-file",
        "redirect-ftp",
    }
    assert results["healthy"].text == "<p>fine</p>"
    assert results["pdf-as-html"].content_type == "application/pdf"
    assert "国際交流" in results["charset-lie"].text
    assert results["empty"].body == b""
    assert get(server, "/healthy")[0] == 200


@pytest.mark.parametrize("name", ["redirect-file", "redirect-ftp"])
def test_fault_messages_are_one_clear_line(server, local_watch, name):
    paths = install_faults(server)

    async def run():
        async with Fetcher() as fetcher:
            return await fetcher.fetch(server.url(paths[name]), local_watch(retries=0))

    with pytest.raises(FetchError) as caught:
        asyncio.run(run())
    assert caught.value.message.startswith("redirect to non-http URL")
