"""`citywatch serve` and `citywatch daemon --serve`: who may listen where, and the daemon
serving the dashboard in its own process, stopping cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.e2e import REPO, run_cli
from web.serve import check_exposure, parse_address


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("host", "token", "public", "allowed"),
    [
        ("127.0.0.1", None, False, True),
        ("::1", None, False, True),
        ("localhost", None, False, True),
        ("0.0.0.0", None, False, False),
        ("192.168.1.5", None, False, False),
        ("0.0.0.0", "a-long-enough-token-123", False, True),
        ("0.0.0.0", None, True, True),
        ("127.0.0.1", "short", False, False),
    ],
)
def test_binding_beyond_loopback_needs_a_token_or_public(
    host: str, token: str | None, public: bool, allowed: bool
) -> None:
    from citywatch.errors import ConfigError

    if allowed:
        check_exposure(host, token, public)
    else:
        with pytest.raises(ConfigError):
            check_exposure(host, token, public)


def test_addresses_parse() -> None:
    assert parse_address("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert parse_address("[::1]:81") == ("::1", 81)
    assert parse_address(":9000") == ("127.0.0.1", 9000)


def test_serve_refuses_an_open_address_without_a_token(tmp_path: Path) -> None:
    done = run_cli("serve", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--host", "0.0.0.0")
    assert done.returncode == 2
    assert "token" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_daemon_serves_the_dashboard_and_stops_on_sigterm(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[watch]]\nid = "w"\nurl = "http://127.0.0.1:9/"\nsite = "generic"\ninterval = "6h"\n'
        "allow_private = true\n",
        encoding="utf-8",
    )
    port = _port()
    env = {**os.environ, "CITYWATCH_FEED": str(tmp_path / "feed.atom")}
    daemon = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scheduler.cli",
            "daemon",
            "--sources",
            str(sources),
            "--db",
            f"sqlite:///{tmp_path / 'cw.db'}",
            "--parse-workers",
            "0",
            "--serve",
            f"127.0.0.1:{port}",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answer = None
        for _ in range(200):
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert answer is not None and answer.status_code == 200
        assert [w["watch"] for w in answer.json()["watches"]] == ["w"]
        assert httpx.get(f"http://127.0.0.1:{port}/watches", timeout=5).status_code == 200
        started = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(15) == 0
        assert time.monotonic() - started < 10
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait(5)
        for stream in (daemon.stdout, daemon.stderr):
            if stream is not None:
                stream.close()
