"""Take-home speed: one warm call, ranking every metro, vectorised households per second.

    python benchmarks/pay.py

Prints, in one run: one warm `take_home` call (target < 0.2 ms), ranking all metros for one
salary (< 20 ms), vectorised households per second (>= 1,000,000), `rolediff cities --role
devops` from a fresh process (< 1 s), and the same households through PolicyEngine-US for the
ratio when `policyengine_us` is importable (it is a dev-only tool, never a dependency: run this
script with an interpreter that has both installed).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import numpy as np


def timed(run, repeat: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    from rolediff import resolve_place
    from rolediff.pay.take_home import rank_cities, take_home, take_home_many, taxes

    place, nyc = resolve_place("Raleigh, NC"), resolve_place("New York, NY")
    take_home(150000, place, year=2025)
    take_home(150000, nyc, year=2025)
    rank_cities(salary=150000, year=2025)
    rank_cities(role="devops")
    one = timed(lambda: take_home(150000, place, year=2025), 200)
    one_nyc = timed(lambda: take_home(150000, nyc, year=2025), 200)
    rank = timed(lambda: rank_cities(salary=150000, year=2025), 30)
    rank_role = timed(lambda: rank_cities(role="devops"), 30)
    cities = [sys.executable, "-m", "rolediff", "cities", "--role", "devops"]
    cold = timed(lambda: subprocess.run(cities, check=True, stdout=subprocess.DEVNULL), 3)
    salaries = np.random.default_rng(0).uniform(30000, 600000, 1_000_000)
    vector = timed(lambda: taxes(place, 2025, "single", salaries), 3)
    many = timed(lambda: take_home_many(salaries, place, year=2025), 3)
    print(f"{'case':48} {'value':>14} {'target':>12}")
    print(f"{'one warm take_home call':48} {one * 1e3:11.3f} ms {'< 0.2 ms':>12}")
    print(f"{'one warm take_home call, New York City':48} {one_nyc * 1e3:11.3f} ms")
    print(f"{'rank all metros for one salary':48} {rank * 1e3:11.1f} ms {'< 20 ms':>12}")
    print(f"{'rank all metros, devops estimates':48} {rank_role * 1e3:11.1f} ms")
    households = f"{1e6 / vector:11,.0f} /s"
    print(f"{'vectorised taxes, 1M households (Raleigh)':48} {households} {'>= 1,000,000':>12}")
    print(f"{'vectorised take_home_many, 1M households':48} {1e6 / many:11,.0f} /s")
    print(f"{'rolediff cities --role devops, fresh process':48} {cold:11.2f} s  {'< 1 s':>12}")
    try:
        from policyengine_us import Simulation
    except ImportError:
        print("PolicyEngine-US not importable here: no ratio (install it in a separate venv).")
        return 0
    situation = {
        "people": {"you": {"age": {2025: 35}, "employment_income": {2025: 150000}}},
        "tax_units": {"tax_unit": {"members": ["you"]}},
        "households": {"household": {"members": ["you"], "state_code": {2025: "NC"}}},
    }
    start = time.perf_counter()
    Simulation(situation=situation).calculate("income_tax", 2025)
    pe = time.perf_counter() - start
    print(f"{'PolicyEngine-US, one household':48} {pe * 1e3:11.1f} ms  ratio {pe / one:,.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
