"""The human summary of a crawl, for table format."""

from __future__ import annotations

from collections.abc import Mapping

from scheduler.cli.output import stdout_console
from scheduler.crawl import CrawlReport
from scheduler.messages import describe_event, plural

__all__ = ["print_crawl_report"]


def print_crawl_report(report: CrawlReport, homes: Mapping[str, str | None] | None = None) -> None:
    """The counts, the baseline, the changes (in the words of the alerts, naming each watch's
    city from `homes`), then each failure once."""
    data = report.to_dict()
    homes = homes or {}
    console = stdout_console()
    skipped = f", {data['skipped']} fresh (skipped)" if data["skipped"] else ""
    console.print(
        f"checked {plural(data['checked'], 'page')}: {data['changed']} changed, "
        f"{data['unchanged']} unchanged, {data['failed']} failed{skipped}"
    )
    changes = report.changes
    baseline = [e for e in changes if e.baseline]
    # A failure is listed once, under "failed" below, not also as a `page_failed` event.
    news = [e for e in changes if not e.baseline and e.kind != "page_failed"]
    if baseline:
        console.print(f"baseline: {plural(len(baseline), 'event')} recorded on first checks")
        for event in baseline:
            console.print(f"  {describe_event(event, home=homes.get(event.watch))}", markup=False)
    if news:
        console.print(f"{plural(len(news), 'change')}:")
        for event in news:
            console.print(f"  {describe_event(event, home=homes.get(event.watch))}", markup=False)
            console.print(f"    {event.url}", markup=False)
    if data["errors"]:
        console.print("failed:")
    for error in data["errors"]:
        console.print(f"  {error['watch']} {error['url']}: {error['error']}", markup=False)
