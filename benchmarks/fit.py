"""Fit speed: one person scored against every role, warm, from skills and from a résumé.

    python benchmarks/fit.py

Prints the median time of `fit(skills=...)` and `fit(resume_text=...)` (the résumé fixture of
tests/), next to the same run's baseline: finding the skills in that résumé alone with the
SkillMatcher, which every résumé fit has to do anyway. The difference is the cost of scoring,
gaps and the learning path.
"""

from __future__ import annotations

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
    from rolediff import fit
    from rolediff.skills import find_skills

    text = RESUME.read_text(encoding="utf-8")
    skills = "linux, docker, k8s, terraform, prometheus, python"
    fit(skills=skills)  # load the taxonomy, profiles, snapshot and graph once
    fit(resume_text=text)
    baseline = median_ms(lambda: find_skills(text))
    from_skills = median_ms(lambda: fit(skills=skills))
    from_resume = median_ms(lambda: fit(resume_text=text))
    path = median_ms(lambda: fit(skills=skills, target="sre", from_role="devops", to_role="sre"))
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
