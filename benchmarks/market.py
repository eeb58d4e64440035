"""Market store at scale: ingest rate on all cores and the latency of each report query.

    python benchmarks/market.py [--size 1000000] [--postings ../shared/data/postings/dev.jsonl]
                                [--workers N] [--rerun]

Builds a corpus of --size postings in a temporary directory by resampling the development corpus
(each copy gets a unique id and a unique reference line, so its content hash is new: a copy
without one would be a duplicate and skip analysis), ingests it into a fresh store, then times
every statistic's query (best of 3) and the whole report. With --rerun, ingests the corpus again
to time the duplicate path. The baseline, measured in the same run on the first --baseline
postings of that corpus: the workers' analysis alone (``rolediff.market.analyse_fields``) in this
one process, without reading, hashing or storing. Targets (issue #5): ingest >= 2,000
postings/s on a 2-core machine; each report query < 2 s on 1,000,000 postings.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from timing import best_of

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "postings" / "dev.jsonl"
INGEST_TARGET = 2_000.0
QUERY_TARGET = 2.0
FILE_ROWS = 250_000


def build_corpus(source: Path, size: int, folder: Path) -> list[Path]:
    rows = [json.loads(line) for line in source.open(encoding="utf-8") if line.strip()]
    pick = random.Random(0).choice
    paths: list[Path] = []
    handle = None
    for i in range(size):
        if i % FILE_ROWS == 0:
            if handle:
                handle.close()
            paths.append(folder / f"postings-{len(paths):03d}.jsonl")
            handle = paths[-1].open("w", encoding="utf-8")
        row = dict(pick(rows))
        row["id"] = f"bench-{i:07d}"
        row["description"] = f"{row['description']}\n\nReference: bench-{i:07d}"
        assert handle is not None
        handle.write(json.dumps(row) + "\n")
    if handle:
        handle.close()
    return paths


def baseline_rate(paths: list[Path], count: int) -> tuple[int, float]:
    """Postings/s of the workers' analysis alone, one process, best of 3, on ``count`` postings."""
    from rolediff.market import analyse_fields, analysis_input
    from rolediff.postings.read import RawPosting, from_mapping

    fields = []
    with paths[0].open(encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if len(fields) >= count:
                break
            p = from_mapping(json.loads(line), i)
            if isinstance(p, RawPosting):
                fields.append(analysis_input(p))
    analyse_fields(fields[0])  # load the taxonomy and model
    return len(fields), len(fields) / best_of(3, lambda: [analyse_fields(f) for f in fields])


def timed_ingest(paths: list[Path], db: Path, workers: int | None, size: int) -> float:
    from rolediff.market import ingest_steps

    steps = ingest_steps(paths, db=db, workers=workers)
    start = time.perf_counter()
    done, next_report = 0, size // 10
    try:
        while True:
            done += next(steps)
            if done >= next_report:
                elapsed = time.perf_counter() - start
                print(f"  {done:>9,} postings  {done / elapsed:8,.0f}/s", flush=True)
                next_report += size // 10
    except StopIteration as finished:
        summary = finished.value
    elapsed = time.perf_counter() - start
    print(
        f"  new {summary.new:,}, duplicate {summary.duplicate:,}, malformed {summary.malformed:,};"
        f" store {summary.store}"
    )
    return float(summary.records / elapsed)


def time_queries(db: Path) -> list[tuple[str, float]]:
    from rolediff import market

    con = market.connect(db, read_only=True)
    everything = market.Filters().where()
    sre = market.Filters(role="sre").where()
    queries = {f"openings per {k}": sql for k, sql in market.OPENINGS_SQL.items()}
    queries |= {
        "work mode": market.WORK_MODE_SQL,
        "skill shares": market.SKILL_COUNTS_SQL,
        "pay": market.PAY_SQL,
        "pay values (percentiles)": market.PAY_VALUES_SQL,
        "date range": market.SPAN_SQL,
    }
    results = []
    for name, sql in queries.items():
        for label, where in (("all", everything), ("--role sre", sre)):
            seconds = best_of(
                3, lambda sql=sql, where=where: con.execute(sql.format(where=where)).fetchall()
            )
            results.append((f"{name} ({label})", seconds))
    results.append(
        (
            "distinctive skills sre vs devops",
            best_of(3, lambda: market.distinctive_skills(con, "sre", "devops", market.Filters())),
        )
    )
    con.close()
    results.append(("whole report (all)", best_of(3, lambda: market.report(db))))
    results.append(
        (
            "whole report --role sre --vs devops",
            best_of(3, lambda: market.report(db, "sre", "devops")),
        )
    )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postings", type=Path, default=DEFAULT)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--rerun", action="store_true", help="Also time a second, duplicate ingest."
    )
    parser.add_argument(
        "--baseline", type=int, default=2_000, help="postings the 1-process baseline analyses"
    )
    args = parser.parse_args()
    if not args.postings.exists():
        print(f"no corpus at {args.postings}", file=sys.stderr)
        return 2
    for name in ("size", "workers", "baseline"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.exit(2, f"{parser.prog}: error: --{name} must be at least 1; got {value}\n")
    workers = args.workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="rolediff-market-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        paths = build_corpus(args.postings, args.size, folder)
        megabytes = sum(p.stat().st_size for p in paths) / 1e6
        print(
            f"corpus: {args.size:,} postings, {megabytes:,.0f} MB in {len(paths)} files,"
            f" built in {time.perf_counter() - start:.0f} s"
        )
        n, base = baseline_rate(paths, args.baseline)
        print(f"baseline: analysis alone, 1 process, {n:,} postings: {base:,.0f} postings/s")
        db = folder / "market.duckdb"
        print(f"ingest on {workers} worker(s):")
        rate = timed_ingest(paths, db, workers, args.size)
        verdict = "meets" if rate >= INGEST_TARGET else "MISSES"
        print(f"ingest: {rate:,.0f} postings/s ({verdict} the {INGEST_TARGET:,.0f}/s target)")
        print(f"ingest / baseline: {rate / base:.2f}x the 1-process analysis alone")
        print(f"store: {db.stat().st_size / 1e6:,.0f} MB")
        if args.rerun:
            print("re-ingest (every posting a duplicate):")
            again = timed_ingest(paths, db, workers, args.size)
            print(f"re-ingest: {again:,.0f} postings/s")
        print(f"report queries (best of 3; target < {QUERY_TARGET:.0f} s each):")
        for name, seconds in time_queries(db):
            flag = "" if seconds < QUERY_TARGET else "  MISSES the target"
            print(f"  {name:<45} {seconds:7.3f} s{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
