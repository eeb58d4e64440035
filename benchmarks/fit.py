"""Fit speed: one person scored against every role, warm, from skills and from a résumé.

    python benchmarks/fit.py [--repeat 50]

Prints the median time of `fit(skills=...)` and `fit(resume_text=...)` (the résumé fixture of
tests/), next to the same run's baseline: finding the skills in that résumé alone with the
SkillMatcher, which every résumé fit has to do anyway. The difference is the cost of scoring,
gaps and the learning path. No target is set for fit's speed: the figures are for reference.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

RESUME = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "resumes" / "devops.txt"


def median_ms(run: Callable[[], object], repeat: int = 50) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return 1000 * statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=50, help="runs per case (median)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.exit(2, f"{parser.prog}: error: --repeat must be at least 1; got {args.repeat}\n")
    if not RESUME.exists():
        parser.exit(2, f"{parser.prog}: error: no résumé fixture at {RESUME}\n")
    from rolediff import fit
    from rolediff.skills import find_skills

    text = RESUME.read_text(encoding="utf-8")
    skills = "linux, docker, k8s, terraform, prometheus, python"
    fit(skills=skills)  # load the taxonomy, profiles, snapshot and graph once
    fit(resume_text=text)
    baseline = median_ms(lambda: find_skills(text), args.repeat)
    from_skills = median_ms(lambda: fit(skills=skills), args.repeat)
    from_resume = median_ms(lambda: fit(resume_text=text), args.repeat)
    path = median_ms(
        lambda: fit(skills=skills, target="sre", from_role="devops", to_role="sre"), args.repeat
    )
    print(f"baseline: skills found in the résumé ({len(text):,} chars)   {baseline:7.3f} ms")
    print(f"fit(skills=6 skills)                              {from_skills:7.3f} ms")
    print(
        f"fit(resume_text=résumé)                           {from_resume:7.3f} ms "
        f"({from_resume - baseline:+.3f} ms over the baseline)"
    )
    print(f"fit(skills, target, from/to: path + transition)   {path:7.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
