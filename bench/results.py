"""What a scenario hands to the report: tables of series, a verdict on its target, and notes."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.stats import Series

__all__ = ["Scenario", "Target"]


@dataclass
class Target:
    """A target from issue 9 and whether this run met it (None: not measured)."""

    text: str
    met: bool | None = None
    detail: str = ""

    @property
    def mark(self) -> str:
        return {True: "MET", False: "MISSED", None: "NOT MEASURED"}[self.met]


@dataclass
class Scenario:
    """One scenario's results, rendered as one section of RESULTS.md."""

    key: str
    title: str
    series: list[Series] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)  # markdown shown right after the series table
    ratios: list[tuple[str, float]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # what was verified (request counts, ...)
    notes: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # further markdown (tables, profiles)
    seconds: float = 0.0  # what the scenario cost the harness
    data: dict[str, float] = field(default_factory=dict)  # numbers other scenarios compare with
