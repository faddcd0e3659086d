"""Helpers for the fault, crash, security and bad-configuration suites (issue 8).

- `sources_text` writes a sources.toml from plain values, so each suite states its watch list in
  Python next to the assertions that depend on it.
- `corrupt_pdf`, `encrypted_pdf`, `image_only_pdf` build the hostile PDFs the fault server lacks.
- `run_measured` runs the real CLI and reports its exit status, output and peak RSS (the kernel's
  own high-water mark for that one child, from `wait4`), so a memory cap needs no sampling.
- `spawn_cli` / `kill_hard` start a CLI run and SIGKILL it; `sqlite_problems` says what
  `PRAGMA integrity_check` and `PRAGMA foreign_key_check` found; `committed_rows` and
  `outbox_problems` are what the crash tests compare before and after a kill; `Flap` and
  `swap_visit` give every run something to store and alert.
- `tracebacks` finds Python tracebacks (or their last line) in text meant for a user.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.httpserver import pdf_file

__all__ = [
    "REPO",
    "Finished",
    "Flap",
    "cli_offers",
    "committed_rows",
    "corrupt_pdf",
    "encrypted_pdf",
    "image_only_pdf",
    "kill_hard",
    "one_line",
    "outbox_problems",
    "run_measured",
    "sources_text",
    "spawn_cli",
    "sqlite_problems",
    "swap_visit",
    "toml_value",
    "tracebacks",
]

REPO = Path(__file__).resolve().parents[2]

# --- sources.toml ----------------------------------------------------------------------------


def toml_value(value: Any) -> str:
    """One TOML value: str, int, float, bool or a list of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _table(values: Mapping[str, Any]) -> list[str]:
    return [f"{k} = {toml_value(v)}" for k, v in values.items() if v is not None]


def sources_text(
    watches: Sequence[Mapping[str, Any]],
    *,
    defaults: Mapping[str, Any] | None = None,
    alerts: Sequence[str] | None = None,
    feed: str | None = None,
) -> str:
    """A sources.toml: `[defaults]`, one `[[watch]]` per mapping, and `[alerts]`."""
    out = ["[defaults]", *_table(defaults or {})]
    for watch in watches:
        out += ["", "[[watch]]", *_table(watch)]
    if alerts is not None or feed is not None:
        out += ["", "[alerts]", *_table({"urls": list(alerts or []), "feed": feed})]
    return "\n".join(out) + "\n"


# --- hostile PDFs ----------------------------------------------------------------------------


def image_only_pdf() -> bytes:
    """One page showing a 64x64 grey image and no text at all, like a scanned release."""
    pixels = zlib.compress(bytes((x * 4 + y) % 256 for y in range(64) for x in range(64)))
    content = b"q 400 0 0 400 100 300 cm /Im1 Do Q"
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(pixels)
            + pixels
            + b"\nendstream",
        ]
    )


def corrupt_pdf() -> bytes:
    """A PDF header followed by garbage: no objects, no xref, a broken stream."""
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\nstream\n" + bytes(range(256)) * 8


def encrypted_pdf(user_password: str = "secret", text: str = "citywatch encrypted") -> bytes:
    """A real RC4/128 encrypted PDF (reportlab). With an empty user password anyone may open
    it (only copying is restricted), which many municipal PDFs do; with one, nobody can."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        invariant=True,
        encrypt=pdfencrypt.StandardEncryption(user_password, "owner-pw", canCopy=0, strength=128),
    )
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- running the CLI -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finished:
    """A finished CLI run. `peak_rss_mb` is the child's own VmHWM as the kernel counted it."""

    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float
    seconds: float
    timed_out: bool = False

    def json(self) -> Any:
        try:
            return json.loads(self.stdout)
        except json.JSONDecodeError:
            late = " (killed: it ran past its time limit)" if self.timed_out else ""
            raise AssertionError(
                f"stdout is not JSON{late}: {self.stdout[:500]!r}\nstderr: {self.stderr[-2000:]}"
            ) from None


def cli_offers(command: str) -> bool:
    """Whether `citywatch` has this subcommand (the daemon lands after the crawl does)."""
    import argparse

    from scheduler.cli import build_parser

    return any(
        command in (action.choices or {})
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )


def _cli(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "scheduler.cli", *args]


_FEED_DIR: list[str] = []


def _env(env: Mapping[str, str] | None) -> dict[str, str]:
    """The environment without the caller's CITYWATCH_* settings, and with the Atom feed in a
    temporary directory unless the test names one (the default is a file in the repository)."""
    if not _FEED_DIR:
        _FEED_DIR.append(tempfile.mkdtemp(prefix="citywatch-feed-"))
        atexit.register(shutil.rmtree, _FEED_DIR[0], True)
    base = {k: v for k, v in os.environ.items() if not k.startswith("CITYWATCH_")}
    feed = {"CITYWATCH_FEED": os.path.join(_FEED_DIR[0], "changes.atom")}
    return {**base, "PYTHONUNBUFFERED": "1", **feed, **(env or {})}


def run_measured(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 120.0
) -> Finished:
    """Run `citywatch ARGS` to the end and measure its peak RSS.

    Output goes to files, not pipes, so the child never blocks on a full pipe while we wait in
    `wait4` (which gives the rusage of exactly this child, ru_maxrss in KiB on Linux). A run
    still going after `timeout` seconds is killed and comes back with `timed_out` set."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(
            _cli(args), cwd=REPO, env=_env(env), stdout=out, stderr=err, start_new_session=True
        )
        deadline = started + timeout
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline and not timed_out:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.02)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            peak_rss_mb=usage.ru_maxrss / 1024,
            seconds=seconds,
            timed_out=timed_out,
        )


def spawn_cli(
    *args: str, env: Mapping[str, str] | None = None, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start `citywatch ARGS` in its own process group (so a kill takes its workers too);
    stdout and stderr go to `log`, or nowhere."""
    out = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(
            _cli(args),
            cwd=REPO,
            env=_env(env),
            stdout=out,
            stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        if log is not None:
            out.close()  # type: ignore[union-attr]


def kill_hard(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> int | None:
    """SIGKILL the process (and its group) unless it has already exited; return its exit code
    when it exited by itself, None when it was killed."""
    if proc.poll() is not None:
        return proc.returncode
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    code = proc.wait(timeout)
    return None if code == -signal.SIGKILL else code


# --- checking what is left -------------------------------------------------------------------


def sqlite_problems(path: Path) -> list[str]:
    """What SQLite's own checks find wrong with the database file (empty list: nothing)."""
    connection = sqlite3.connect(path)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if problems == ["ok"]:
            problems = []
        problems += [
            f"foreign key: {table} rowid {rowid} -> {parent}"
            for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check")
        ]
        return problems
    finally:
        connection.close()


#: Rows that, once committed, must never change or vanish (history is append-only; a version
#: row is closed by setting valid_to, so only its other columns are fixed).
_IMMUTABLE = {
    "checks": "SELECT id, page_id, outcome, error, sha256, body_sha256, text_sha256, "
    "finished_at, record_count FROM checks",
    "events": "SELECT id, check_id, kind, key, record, error, alert FROM events",
    "versions": "SELECT id, key, version, data, valid_from_check FROM versions",
    "delivered": "SELECT id, check_id, channel FROM deliveries WHERE delivered_at IS NOT NULL",
}

Rows = dict[str, set[tuple[object, ...]]]


def committed_rows(db: Path) -> Rows:
    """The immutable part of every committed check, event, version and delivered alert."""
    if not db.exists():
        return {name: set() for name in _IMMUTABLE}
    connection = sqlite3.connect(db)
    try:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        return {
            name: set(connection.execute(sql))
            if sql.split(" FROM ")[1].split()[0] in tables
            else set()
            for name, sql in _IMMUTABLE.items()
        }
    finally:
        connection.close()


def outbox_problems(db: Path) -> list[str]:
    """Every check with an alerting event has exactly one delivery row per channel, and no
    other check has any (for watch lists whose channels are all global, in [alerts])."""
    connection = sqlite3.connect(db)
    try:
        channels = {r[0] for r in connection.execute("SELECT DISTINCT channel FROM deliveries")}
        alerting = {
            r[0] for r in connection.execute("SELECT DISTINCT check_id FROM events WHERE alert = 1")
        }
        rows = Counter(connection.execute("SELECT check_id, channel FROM deliveries"))
    finally:
        connection.close()
    problems = [f"check {c} has {n} rows for {ch}" for (c, ch), n in rows.items() if n != 1]
    problems += [f"check {c} has rows but no alerting event" for c, _ in rows if c not in alerting]
    problems += [
        f"alerting check {c} has no row for {ch}"
        for c in alerting
        for ch in channels
        if (c, ch) not in rows
    ]
    return problems


class Flap:
    """A route that fails three requests in a row, then answers once, and again: a watch
    that alerts 'failing' and 'recovered' in turn."""

    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, _exchange: Any) -> Any:
        from tests.support.httpserver import Response

        self.requests += 1
        if self.requests % 4:
            return Response(status=503, body=b"down", content_type="text/plain", validators=False)
        return Response(body=f"<html><body><p>up {self.requests}</p></body></html>".encode())


def swap_visit(root: Path, page_path: str, i: int) -> None:
    """On a Saitama-template page, replace visit i-1 (added last round) by visit i: one record
    added and one removed per round, each with its own date."""
    from tests.support import sitecopy

    if i > 0:
        sitecopy.remove_section(root, page_path, f"第{i - 1}回 姉妹都市訪問")
    sitecopy.add_visit(
        root,
        page_path,
        heading=f"第{i}回 姉妹都市訪問",
        date_text=f"令和6年{i % 12 + 1}月{i % 27 + 1}日(月曜日)",
        place_text="オーストリア・ウィーン市",
        people_text="清水勇人 さいたま市長",
    )


_TRACEBACK = re.compile(
    r"Traceback \(most recent call last\)|^\s+File \"[^\"]+\", line \d+|"
    r"^\w+(?:\.\w+)*(?:Error|Exception): ",
    re.MULTILINE,
)


def tracebacks(text: str) -> list[str]:
    """Lines of `text` that belong to a Python traceback."""
    return [m.group(0) for m in _TRACEBACK.finditer(text)]


def one_line(message: str | None) -> bool:
    """A message a person can read in a table cell: present, one line, not a repr dump."""
    return message is not None and 0 < len(message) <= 400 and "\n" not in message
