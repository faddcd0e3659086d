"""Is the site fast enough? Its raw request rate, to compare with the crawl rates.

Uses `wrk` (Debian package `wrk`) over every page of the site, once plain (200s) and once with
each page's ETag (304s), at the crawl's concurrency. Without wrk, a plain httpx asyncio client
does the same (it is slower than the server, so its rate is only a lower bound).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from bench.pages import page_path, render_page
from bench.site import SiteProcess

__all__ = ["server_rates"]

_LUA = """\
local paths = {%s}
local tags = {%s}
local conditional = %s
local i = 0
request = function()
  i = i %% #paths + 1
  if conditional then
    return wrk.format("GET", paths[i], {["If-None-Match"] = tags[i]})
  end
  return wrk.format("GET", paths[i])
end
"""


def _wrk(site: SiteProcess, conditional: bool, connections: int, seconds: float) -> float:
    paths = [page_path(i) for i in range(site.n)]
    tags = [render_page(site.seed, i).etag for i in range(site.n)]
    script = _LUA % (
        ",".join(f'"{p}"' for p in paths),
        ",".join("'" + t + "'" for t in tags),
        "true" if conditional else "false",
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "-s", handle.name, site.base],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=False,
        ).stdout
    finally:
        Path(handle.name).unlink(missing_ok=True)
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else 0.0


async def _httpx(site: SiteProcess, conditional: bool, connections: int, seconds: float) -> float:
    urls = site.urls()
    tags = [render_page(site.seed, i).etag for i in range(site.n)] if conditional else []
    done = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits) as client:

        async def worker(offset: int) -> None:
            nonlocal done
            i = offset
            while time.perf_counter() < deadline:
                k = i % len(urls)
                headers = {"If-None-Match": tags[k]} if conditional else {}
                await client.get(urls[k], headers=headers)
                done += 1
                i += connections

        started = time.perf_counter()
        await asyncio.gather(*(worker(j) for j in range(connections)))
        return done / (time.perf_counter() - started)


def server_rates(site: SiteProcess, connections: int, seconds: float = 3.0) -> dict[str, object]:
    """Requests per second for 200s and for 304s, and which client measured them."""
    if shutil.which("wrk"):
        client = f"wrk -t2 -c{connections}"
        full = _wrk(site, False, connections, seconds)
        cond = _wrk(site, True, connections, seconds)
    else:
        client = f"httpx asyncio client, {connections} connections (a lower bound)"
        full = asyncio.run(_httpx(site, False, connections, seconds))
        cond = asyncio.run(_httpx(site, True, connections, seconds))
    site.reset_stats()
    return {"client": client, "full_rps": full, "conditional_rps": cond}
