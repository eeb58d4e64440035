"""The market pipeline on Spark (local mode, 1 and 2 cores) against DuckDB, at several sizes.

    python benchmarks/spark.py [--sizes dev,6000,12000] [--cores 1,2]
                               [--postings ../shared/data/postings/dev.jsonl] [--check-dev]

For each corpus size, runs the whole pipeline (read, analyse, write Parquet, compute the
statistics) with ``rolediff.market.run`` (DuckDB, all cores) and ``rolediff.market_spark.run``
(Spark in local mode on each --cores), prints postings/s and the cost per 1,000 postings, and,
from the smallest and largest sizes, the marginal rate and the fixed cost of a run (how cost
grows with size); checks that every Spark run's statistics equal DuckDB's exactly.
"dev" is the development corpus as it is; a number resamples it to that many postings (each copy
made distinct, as benchmarks/market.py does). Spark's session start (the JVM) is timed apart.
Before the timed runs, each engine does one untimed 300-posting run (DuckDB: loading the
taxonomy and model in this process; Spark: starting the Python workers, warming the JVM).

--check-dev only runs both engines on the development corpus and compares the statistics
(the issue's done-when); exit status 1 if they differ.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from market import build_corpus

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "postings" / "dev.jsonl"


def comparable(run: Any) -> dict[str, Any]:
    return dict(run.report.model_dump(exclude={"db"}))


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return [key for key in a if a[key] != b.get(key)]


def corpus(source: Path, size: str, folder: Path) -> tuple[Path, int]:
    if size == "dev":
        lines = sum(1 for line in source.open(encoding="utf-8") if line.strip())
        return source, lines
    target = folder / f"corpus-{size}"
    target.mkdir()
    build_corpus(source, int(size), target)
    return target, int(size)


def check_dev(source: Path) -> int:
    from rolediff import market, market_spark

    with tempfile.TemporaryDirectory(prefix="rolediff-spark-") as tmp:
        duck = market.run(source, Path(tmp) / "duckdb")
        spark = market_spark.session("local[2]", app_name="rolediff dev check")
        mine = market_spark.run(source, Path(tmp) / "spark", spark=spark)
        spark.stop()
    a, b = comparable(mine), comparable(duck)
    counts = [(r.records, r.new, r.duplicate, r.malformed) for r in (mine, duck)]
    report = mine.report
    print(f"dev corpus {source}: records, new, duplicate, malformed: spark {counts[0]},"
          f" duckdb {counts[1]}")  # fmt: skip
    print(
        f"  {report.n:,} postings, {len(report.openings.by_role)} roles,"
        f" {sum(len(s.skills) for s in report.skills)} top skills, pay per role"
        f" {[(p.role, p.n_usd, p.p10, p.p50, p.p90) for p in report.pay]}"
    )
    same = a == b and counts[0] == counts[1]
    print(
        "  Spark statistics == DuckDB statistics: "
        + ("EXACTLY EQUAL" if same else f"DIFFER in {differences(a, b)}")
    )
    return 0 if same else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postings", type=Path, default=DEFAULT)
    parser.add_argument("--sizes", default="dev,6000,12000", help="'dev' and/or posting counts")
    parser.add_argument("--cores", default="1,2", help="Spark local-mode cores to time")
    parser.add_argument("--workers", type=int, default=None, help="DuckDB path's processes")
    parser.add_argument(
        "--check-dev", action="store_true", help="only compare both engines on the dev corpus"
    )
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    try:
        cores = [int(c) for c in args.cores.split(",")]
        if not sizes or any(s != "dev" and int(s) < 1 for s in sizes) or min(cores) < 1:
            raise ValueError
        if args.workers is not None and args.workers < 1:
            raise ValueError
    except ValueError:
        parser.exit(2, f"{parser.prog}: error: --sizes takes 'dev' and/or counts >= 1, --cores"
                       f" and --workers numbers >= 1; got {args.sizes!r}, {args.cores!r},"
                       f" {args.workers!r}\n")  # fmt: skip
    if not args.postings.exists():
        print(f"no corpus at {args.postings}", file=sys.stderr)
        return 2
    from rolediff import market, market_spark

    reason = market_spark.missing()
    if reason is not None:
        print(f"Spark cannot run here: {reason}", file=sys.stderr)
        return 2
    if args.check_dev:
        return check_dev(args.postings)
    workers = args.workers or os.cpu_count() or 1
    print(f"machine: {os.cpu_count()} cores (shared with other work: figures are indicative)")
    results: dict[tuple[str, str], float] = {}
    equal: dict[tuple[str, str], bool] = {}
    with tempfile.TemporaryDirectory(prefix="rolediff-spark-") as tmp:
        folder = Path(tmp)
        inputs = {size: corpus(args.postings, size, folder) for size in sizes}
        warm_up, _ = corpus(args.postings, "300", folder)
        duck: dict[str, Any] = {}
        market.run(warm_up, folder / "warm-up-duckdb", workers=workers)  # as Spark's warm-up
        for size, (path, _) in inputs.items():
            start = time.perf_counter()
            duck[size] = market.run(path, folder / f"duckdb-{size}", workers=workers)
            results[(size, f"duckdb ({workers} proc)")] = time.perf_counter() - start
        for n in cores:
            start = time.perf_counter()
            spark = market_spark.session(f"local[{n}]", app_name=f"rolediff benchmark {n}")
            print(f"Spark local[{n}] session start: {time.perf_counter() - start:.1f} s")
            start = time.perf_counter()  # the first run starts the Python workers, JIT, ...
            market_spark.run(warm_up, folder / f"warm-up-{n}", spark=spark)
            seconds = time.perf_counter() - start
            print(f"Spark local[{n}] warm-up run (300 postings): {seconds:.1f} s")
            for size, (path, _) in inputs.items():
                start = time.perf_counter()
                mine = market_spark.run(path, folder / f"spark{n}-{size}", spark=spark)
                label = f"spark local[{n}]"
                results[(size, label)] = time.perf_counter() - start
                equal[(size, label)] = comparable(mine) == comparable(duck[size]) and (
                    mine.new == duck[size].new
                )
            spark.stop()
    engines = list(dict.fromkeys(label for _, label in results))
    print(f"\n{'postings':>9}  {'engine':<20} {'seconds':>8} {'postings/s':>11}"
          f" {'s per 1,000':>12}  statistics")  # fmt: skip
    for size, (_, count) in inputs.items():
        for label in engines:
            seconds = results[(size, label)]
            verdict = {True: "== DuckDB", False: "DIFFER", None: ""}[equal.get((size, label))]
            print(
                f"{count:>9,}  {label:<20} {seconds:8.1f} {count / seconds:11,.0f}"
                f" {1000 * seconds / count:12.2f}  {verdict}"
            )
    if len(inputs) > 1:
        ordered = sorted(inputs, key=lambda size: inputs[size][1])
        first, before, last = ordered[0], ordered[-2], ordered[-1]
        small, middle, large = (inputs[size][1] for size in (first, before, last))
        print(
            f"\ncost growth: time ratio from {small:,} to {large:,} postings; marginal rate from"
            f" {middle:,} to {large:,}; fixed cost = time at {large:,} - {large:,} / marginal"
        )
        for label in engines:
            ratio = results[(last, label)] / results[(first, label)]
            extra = results[(last, label)] - results[(before, label)]
            marginal = (large - middle) / extra if extra > 0 else float("inf")
            fixed = results[(last, label)] - large / marginal
            print(
                f"  {label:<20} x{ratio:5.2f} time for x{large / small:5.2f} postings;"
                f" marginal {marginal:,.0f} postings/s; fixed about {fixed:.1f} s a run"
            )
    return 0 if all(equal.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
