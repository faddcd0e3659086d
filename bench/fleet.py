"""Issue 10's hook: fleet throughput with 1, 2 and 3 workers.

The measurement to wire here once fleet mode settles (`python -m scheduler.fleet scheduler|
worker`, PostgreSQL + procrastinate): 300 watches on a local bench site (bench.site), a 10 s
interval, one scheduler and K workers (`--parse-workers 1`) on a scratch PostgreSQL schema for
60 s; throughput = checks committed per second over the last 50 s, read from the checks table,
for K = 1, 2, 3, each on 2 cores (so K = 3 shows contention, not scaling). Until then the
scenario reports what it found and that it did not measure.
"""

from __future__ import annotations

from bench.results import Scenario, Target
from bench.runner import ROOT

__all__ = ["WORKERS", "fleet_available", "fleet_scenario"]

WORKERS = (1, 2, 3)


def fleet_available() -> bool:
    """Fleet mode is present when scheduler/fleet.py (scheduler and worker commands) is."""
    return (ROOT / "scheduler" / "fleet.py").exists()


def fleet_scenario() -> Scenario:
    scenario = Scenario("fleet", "Fleet throughput with 1, 2 and 3 workers (issue 10)")
    target = Target("fleet throughput with 1, 2 and 3 workers reported (issue 10)")
    if fleet_available():
        target.detail = (
            "fleet mode is being written (scheduler/fleet.py); the run is not wired into the "
            "harness yet: bench/fleet.py describes it"
        )
    else:
        target.detail = "no fleet mode yet (scheduler/fleet.py); bench/fleet.py describes the run"
    scenario.targets.append(target)
    return scenario
