"""Rendering RESULTS.md from one run's scenarios."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bench.results import Scenario
from bench.stats import Series

__all__ = ["render"]

FINDINGS = Path(__file__).resolve().parent / "findings.md"


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f}"
    if unit in ("ms", "checks/s"):
        return f"{value:.1f}"
    return f"{value:,.0f}"


def _series_table(series: list[Series]) -> list[str]:
    unit = series[0].unit
    cpu = any(s.cpu for s in series)
    head = f"| tool | runs | min {unit} | median {unit} | max {unit} |"
    rule = "| --- | ---: | ---: | ---: | ---: |"
    if cpu:
        head += " CPU s (median) |"
        rule += " ---: |"
    lines = [head, rule]
    for s in series:
        if not s.n:
            lines.append(f"| {s.label} | 0 | failed | failed | failed |" + (" |" if cpu else ""))
            continue
        row = (
            f"| {s.label} | {s.n} | {_fmt(s.min, unit)} | {_fmt(s.median, unit)} | "
            f"{_fmt(s.max, unit)} |"
        )
        if cpu:
            row += f" {s.cpu_median:.2f} |" if s.cpu_median is not None else " |"
        lines.append(row)
    return lines


def _section(scenario: Scenario) -> list[str]:
    lines = [f"### {scenario.title}", ""]
    if scenario.series:
        lines += [*_series_table(scenario.series), ""]
    if scenario.lead:
        lines += [*scenario.lead, ""]
    for label, value in scenario.ratios:
        lines.append(f"- ratio {label}: **{value:.2f}×**")
    for target in scenario.targets:
        lines.append(f"- target: {target.text}: **{target.mark}** ({target.detail})")
    if scenario.ratios or scenario.targets:
        lines.append("")
    if scenario.checks:
        lines += ["Verified:", "", *(f"- {c}" for c in scenario.checks), ""]
    if scenario.notes:
        lines += [*(f"- {n}" for n in scenario.notes), ""]
    if scenario.extra:
        lines += [*scenario.extra, ""]
    if scenario.seconds:
        lines += [f"_(scenario took {scenario.seconds:.0f} s of harness time)_", ""]
    return lines


def render(
    *,
    machine: dict[str, str],
    setup: list[str],
    scenarios: list[Scenario],
    skipped: list[str],
    loads: tuple[tuple[float, float, float], tuple[float, float, float]],
    elapsed: float,
    command: str,
) -> str:
    """The whole RESULTS.md."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# citywatch benchmarks",
        "",
        f"Written by `{command}` on {now}; the whole run took {elapsed:.0f} s. Every number "
        "below comes from this one run on this machine; the harness rewrites this file each time.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in machine.items()),
        f"| load average at start / end | {loads[0][0]:.2f} / {loads[1][0]:.2f} (1 min) |",
        "",
        "Wall times are what the targets are about; CPU times are given beside them because "
        "this machine may be shared (see the load average): a crawl that waits for a core "
        "shows it in wall time, not in CPU time.",
        "",
        "## Targets",
        "",
        "| target | result | detail |",
        "| --- | --- | --- |",
    ]
    for scenario in scenarios:
        for target in scenario.targets:
            lines.append(f"| {target.text} | **{target.mark}** | {target.detail} |")
    lines += ["", "## Setup", "", *(f"- {s}" for s in setup), ""]
    if skipped:
        lines += ["Not run this time:", "", *(f"- {s}" for s in skipped), ""]
    lines += ["## Scenarios", ""]
    for scenario in scenarios:
        lines += _section(scenario)
    if FINDINGS.exists():
        lines += [
            "## Why targets are missed and what would close the gaps",
            "",
            FINDINGS.read_text().strip(),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
