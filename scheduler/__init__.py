"""Orchestration: the crawl pipeline, the daemon, alert delivery and the `citywatch` CLI."""
