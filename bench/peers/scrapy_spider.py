"""The Scrapy peer: fetch every listed page and extract its h2 texts, nothing more.

    python -m bench.peers.scrapy_spider --urls FILE --out FILE.jsonl [--concurrency 10]
        [--robots | --no-robots]

Prints one JSON line of Scrapy's own counters (responses, items) so the harness can check that
every page was fetched.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response


class H2Spider(scrapy.Spider):
    """Every URL from a file; one item per page with its h2 headings."""

    name = "bench_h2"

    def __init__(self, urls_file: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls_file = urls_file

    async def start(self) -> Any:
        for url in Path(self.urls_file).read_text().split():
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[dict[str, Any]]:
        yield {"url": response.url, "h2": response.css("h2::text").getall()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--robots", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args(argv)
    process = CrawlerProcess(
        settings={
            "ROBOTSTXT_OBEY": args.robots,
            "CONCURRENT_REQUESTS": args.concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "FEEDS": {args.out: {"format": "jsonlines", "overwrite": True}},
        }
    )
    crawler = process.create_crawler(H2Spider)
    process.crawl(crawler, urls_file=args.urls)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    wanted = ("downloader/response_count", "item_scraped_count", "robotstxt/request_count")
    print(json.dumps({k: stats.get(k, 0) for k in wanted}))


if __name__ == "__main__":
    main()
