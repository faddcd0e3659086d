"""The human summary of a crawl, for table format."""

from __future__ import annotations

from scheduler.cli.output import stdout_console
from scheduler.crawl import CrawlReport
from scheduler.messages import describe_event

__all__ = ["print_crawl_report"]


def print_crawl_report(report: CrawlReport) -> None:
    data = report.to_dict()
    console = stdout_console()
    console.print(
        f"checked {data['checked']} pages: {data['changed']} changed, "
        f"{data['unchanged']} unchanged, {data['failed']} failed"
    )
    changes = report.changes
    baseline = [e for e in changes if e.baseline]
    news = [e for e in changes if not e.baseline]
    if baseline:
        console.print(f"baseline: {len(baseline)} events recorded on first checks")
        for event in baseline:
            console.print(f"  {describe_event(event)}", markup=False)
    if news:
        console.print(f"{len(news)} changes:")
        for event in news:
            console.print(f"  {describe_event(event)}", markup=False)
            console.print(f"    {event.url}", markup=False)
    for error in data["errors"]:
        console.print(f"FAILED {error['watch']} {error['url']}: {error['error']}", markup=False)
