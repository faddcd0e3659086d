"""Serve every fault of the issue 8 suite on 127.0.0.1, with a watch list that points at them.

A thin script around tests/support/httpserver.py for trying citywatch by hand or timing a crawl
that meets every fault:

    .venv/bin/python bench/fault_server.py --port 8099 --sources /tmp/faults.toml
    .venv/bin/citywatch crawl --sources /tmp/faults.toml --db sqlite:////tmp/faults.db

It prints one `name URL` line per fault, writes the watch list if asked (allow_private on, a
3 s timeout and one retry, as the test suite uses), and serves until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.faults import sources_text
from tests.support.httpserver import TestServer, install_faults

SITES = Path(__file__).resolve().parents[1] / "tests" / "sites"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port (default: any free one)")
    parser.add_argument("--sources", type=Path, help="write a sources.toml for the faults here")
    args = parser.parse_args(argv)
    with TestServer(docroot=SITES, port=args.port) as server:
        paths = install_faults(server)
        for name, path in paths.items():
            print(f"{name:24} {server.url(path)}", flush=True)
        if args.sources is not None:
            watches = [
                {"id": name, "url": server.url(path), "site": "generic"}
                for name, path in paths.items()
            ]
            defaults = {
                "allow_private": True,
                "per_host_delay": "0s",
                "per_host_concurrency": 64,
                "timeout": "3s",
                "retries": 1,
            }
            args.sources.write_text(sources_text(watches, defaults=defaults), encoding="utf-8")
            print(f"watch list: {args.sources}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
