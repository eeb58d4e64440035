"""Golden cases drawn from the validation against PolicyEngine-US (scripts/validate_taxes.py).

Each case is a household of the validation grid with the values the reference engine gave where it
agrees with the law, or the law-based value with a note where it does not (docs/tax-validation.md
explains every such difference). The suite runs them with rolediff alone: it never imports the
reference engines.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from rolediff.pay.payroll import medicare_tax, social_security_tax, state_payroll_taxes
from rolediff.pay.state_income import federal_and_state_income_tax

FOLDER = Path(__file__).parent / "cases" / "tax" / "validation"
FILES = sorted(FOLDER.glob("*.toml"))
CASES: list[dict[str, Any]] = [
    case for path in FILES for case in tomllib.loads(path.read_text(encoding="utf-8"))["cases"]
]
TOLERANCE = {
    "social_security": 1.0,
    "medicare": 1.0,
    "federal_income_tax": 1.0,
    "state_income_tax": 5.0,
    "state_payroll_taxes": 1.0,
}


def _id(case: dict[str, Any]) -> str:
    return f"{case['state']}-{case['year']}-{case['status']}-{case['wages']}"


def test_there_are_a_few_hundred_cases_covering_most_states() -> None:
    # States whose every sampled case still differs from PolicyEngine for an unexplained reason
    # have no golden case until the cause is found (docs/tax-validation.md lists them).
    assert len(CASES) >= 300
    assert len({c["state"] for c in CASES}) >= 45
    assert {c["year"] for c in CASES} >= {2024, 2025}
    assert {c["status"] for c in CASES} == {"single", "married_joint"}


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_validation_case(case: dict[str, Any]) -> None:
    state, year, status, wages = case["state"], case["year"], case["status"], case["wages"]
    taxes = federal_and_state_income_tax(state, year, status, wages)
    got = {
        "social_security": float(social_security_tax(year, wages)),
        "medicare": float(medicare_tax(year, status, wages)),
        "federal_income_tax": float(taxes.federal),
        "state_income_tax": float(taxes.state),
        "state_payroll_taxes": sum(
            float(v) for v in state_payroll_taxes(state, year, wages).values()
        ),
    }
    for name, tolerance in TOLERANCE.items():
        assert got[name] == pytest.approx(case[name], abs=tolerance), (name, case.get("note"))
