"""Repeated measurements and their comparison: min, median, max, and ratios of medians."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

__all__ = ["Series", "ratio"]


@dataclass
class Series:
    """One tool in one scenario: a value per repetition (seconds unless `unit` says otherwise)."""

    label: str
    values: list[float] = field(default_factory=list)
    unit: str = "s"
    cpu: list[float] = field(default_factory=list)  # CPU seconds of the measured process(es)
    note: str = ""

    def add(self, value: float, cpu: float | None = None) -> None:
        self.values.append(value)
        if cpu is not None:
            self.cpu.append(cpu)

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None


def ratio(a: Series, b: Series) -> float:
    """a's median over b's median (how many times b's cost a costs)."""
    return a.median / b.median if b.median else float("inf")
