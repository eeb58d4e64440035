"""Posting analysis throughput on the development corpus, next to a bare Aho-Corasick scan.

    python benchmarks/postings.py [--postings ../shared/data/postings/dev.jsonl] [--repeat 7]

Prints postings/s and MB/s for (a) a bare pyahocorasick scan of the lower-cased text with the
same skill patterns, (b) the full analysis (skills, role with evidence, pay, place, seniority) in
one process, (c) the full analysis on two processes (and (d) on all cores when there are more);
and the ratio (b)/(a). When the optional C kernel (rolediff._speedups) is built, (b) and (c) use
it, and (b') runs (b) again without it (ROLEDIFF_PURE_PYTHON: skills found by the pyahocorasick
automaton, the classifier's terms counted in NumPy), for comparison.
Targets (issue #4): (b) >= 2,000 postings/s and no more than 4x slower than (a).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from timing import best_of

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "postings" / "dev.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postings", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if args.repeat < 1:
        print("--repeat must be 1 or more", file=sys.stderr)
        return 2
    if not args.postings.exists():
        print(f"no corpus at {args.postings}", file=sys.stderr)
        return 2
    import ahocorasick

    from rolediff.postings.analyze import analyze_postings
    from rolediff.postings.read import RawPosting, from_mapping
    from rolediff.skills import find_skills, speedups, taxonomy

    rows = [json.loads(line) for line in args.postings.open(encoding="utf-8") if line.strip()]
    postings = [p for i, r in enumerate(rows) if isinstance(p := from_mapping(r, i), RawPosting)]
    texts = [p.description for p in postings]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    n = len(postings)

    automaton = ahocorasick.Automaton()
    for form, skill_id in taxonomy().by_surface.items():
        automaton.add_word(form, skill_id)
    automaton.make_automaton()

    def bare() -> None:
        for text in texts:
            for _ in automaton.iter(text.lower()):
                pass

    def numpy_path() -> None:
        os.environ["ROLEDIFF_PURE_PYTHON"] = "1"
        speedups.cache_clear()
        try:
            list(analyze_postings(postings, workers=1))
        finally:
            del os.environ["ROLEDIFF_PURE_PYTHON"]
            speedups.cache_clear()

    find_skills("warm up")
    list(analyze_postings(postings[:10], workers=1))
    cores = os.cpu_count() or 1
    kernel = speedups() is not None
    cases: dict[str, Callable[[], object]] = {
        "(a) bare pyahocorasick scan": bare,
        "(b) full analysis, 1 process": lambda: list(analyze_postings(postings, workers=1)),
        "(c) full analysis, 2 processes": lambda: list(analyze_postings(postings, workers=2)),
    }
    if kernel:
        cases["(b') (b) without the C kernel"] = numpy_path
    if cores > 2:
        cases[f"(d) full analysis, {cores} processes"] = lambda: list(
            analyze_postings(postings, workers=cores)
        )
    # Rounds interleave the cases, so that load from other work on the machine falls on all of
    # them alike; each case keeps its fastest round (its slowest is printed beside it: on a
    # shared host, work that fills the shared cache slows (b) far more than (a), whose tables
    # are small, so a wide spread says the ratio was measured in noise).
    rounds: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):
        for name, run in cases.items():
            rounds[name].append(best_of(1, run))
    timings = {name: min(times) for name, times in rounds.items()}
    print(f"corpus: {n} postings, {megabytes:.2f} MB; best of {args.repeat} interleaved rounds")
    kernel_note = (
        "built: (b) and (c) find skills and cue words with it, (b') with pyahocorasick"
        if kernel
        else "not built: (b) and (c) use pyahocorasick and NumPy"
    )
    print(f"C kernel (rolediff._speedups): {kernel_note}")
    print(f"{'case':40} {'postings/s':>11} {'MB/s':>8} {'slowest round':>14}")
    for name, seconds in timings.items():
        slowest = n / max(rounds[name])
        print(f"{name:40} {n / seconds:11,.0f} {megabytes / seconds:8.2f} {slowest:14,.0f}")
    a, b = timings["(a) bare pyahocorasick scan"], timings["(b) full analysis, 1 process"]
    ratio, rate = b / a, n / b
    print(
        f"ratio (b)/(a): {ratio:.1f}x slower (target <= 4x: {_verdict(ratio <= 4)}); "
        f"(b) {rate:,.0f} postings/s (target >= 2,000: {_verdict(rate >= 2000)})"
    )
    return 0


def _verdict(met: bool) -> str:
    return "meets" if met else "MISSES"


if __name__ == "__main__":
    sys.exit(main())
