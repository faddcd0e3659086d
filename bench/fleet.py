"""Fleet throughput with 1, 2 and 3 workers (issue 10), as a harness scenario.

The measurement itself is bench/bench_fleet.py (real `python -m scheduler.cli worker`
processes on a scratch PostgreSQL database, a round of checks enqueued at once and timed to an
empty queue); this module runs it and turns the runs into a RESULTS.md section. It needs the
PostgreSQL server the tests use; without one the scenario says so instead of failing the run.
"""

from __future__ import annotations

import os

from bench.results import Scenario, Target
from bench.stats import Series

__all__ = ["WATCHES", "WORKERS", "fleet_scenario"]

WORKERS = (1, 2, 3)
WATCHES = 300  # per round; two rounds (cold, warm) per worker count


def fleet_scenario(watches: int = WATCHES, concurrency: int = 8) -> Scenario:
    scenario = Scenario("fleet", "Fleet throughput with 1, 2 and 3 workers (issue 10)")
    target = Target("fleet throughput with 1, 2 and 3 workers reported (issue 10)")
    scenario.targets.append(target)
    try:
        import psycopg

        from bench import bench_fleet

        load = os.getloadavg()
        runs = bench_fleet.measure(WORKERS, watches, concurrency)
    except (ImportError, OSError, RuntimeError, psycopg.Error) as exc:
        target.detail = f"not measured: {type(exc).__name__}: {exc}"[:300]
        return scenario
    for run in runs:
        cold = Series(f"{run.workers} worker(s), cold (fetch, parse, baseline)", unit="checks/s")
        cold.add(run.cold_rate)
        warm = Series(f"{run.workers} worker(s), warm (all 304)", unit="checks/s")
        warm.add(run.warm_rate)
        scenario.series += [cold, warm]
        if run.checks != 2 * run.watches:
            scenario.checks.append(
                f"{run.workers} worker(s): {run.checks} check rows for 2 × {run.watches} checks"
            )
        else:
            scenario.checks.append(
                f"{run.workers} worker(s): {run.checks} check rows (2 rounds × {run.watches}), "
                f"load average {run.load:.1f} after"
            )
    rates = " / ".join(f"{r.cold_rate:.1f}" for r in runs)
    warm_rates = " / ".join(f"{r.warm_rate:.1f}" for r in runs)
    target.met = True
    target.detail = (
        f"1 / 2 / 3 workers: {rates} cold checks/s, {warm_rates} warm (304) checks/s "
        f"(load average {load[0]:.1f} before)"
    )
    scenario.notes.append(
        "One run per worker count (each round is hundreds of checks, so it is its own "
        "average). All workers share this machine's 2 cores with the site and PostgreSQL, so "
        "3 workers show contention, not scaling."
    )
    scenario.extra.append(bench_fleet.markdown(runs, concurrency, load))
    return scenario
