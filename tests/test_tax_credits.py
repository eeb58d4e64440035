"""Refundable earned income credits and the credits added with them.

The figures come from the law (the revenue procedures' EIC tables, the states' statutes and
worksheets, cited in the data files) and are cross-checked against PolicyEngine-US on low-wage
households (``cases/tax/low_wage_credits.toml``); the suite never imports PolicyEngine.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from rolediff.pay.federal import earned_income_credit, federal_income_tax
from rolediff.pay.state_income import (
    Credit,
    federal_and_state_income_tax,
    state_income_tax,
    state_income_tax_breakdown,
)

CASES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "cases" / "tax" / "low_wage_credits.toml").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['state']}-{c['year']}-{c['status']}-{c['wages']}" for c in CASES]
)
def test_low_wage_households(case: dict[str, Any]) -> None:
    got = federal_and_state_income_tax(case["state"], case["year"], case["status"], case["wages"])
    assert float(got.federal) == pytest.approx(case["federal_income_tax"], abs=1.0)
    assert float(got.state) == pytest.approx(case["state_income_tax"], abs=5.0), case.get("note")


@pytest.mark.parametrize(
    ("year", "earned", "maximum", "start_single", "start_joint", "completed_single"),
    [
        # Rev. Procs 2022-38, 2023-34, 2024-40, 2025-32: no qualifying children
        (2023, 7840, 600, 9800, 16370, 17640),
        (2024, 8260, 632, 10330, 17250, 18591),
        (2025, 8490, 649, 10620, 17730, 19104),
        (2026, 8680, 664, 10860, 18140, 19540),
    ],
)
def test_federal_eitc_follows_the_revenue_procedure(
    year: int,
    earned: int,
    maximum: int,
    start_single: int,
    start_joint: int,
    completed_single: int,
) -> None:
    def eitc(status: str, wages: float) -> float:
        return float(earned_income_credit(year, status, wages))

    assert eitc("single", 1000) == pytest.approx(76.5)
    assert eitc("single", earned + 100) == maximum
    assert eitc("single", start_single) == maximum
    assert eitc("married_joint", start_joint) == maximum
    assert eitc("head_of_household", start_single) == maximum
    assert eitc("single", start_single + 1000) == pytest.approx(maximum - 76.5)
    assert eitc("single", completed_single) < 1.0
    assert eitc("single", completed_single + 5) == 0.0  # the rounded maximum: a few dollars
    assert eitc("married_joint", start_single + 1000) == maximum


def test_federal_tax_is_negative_where_the_credit_exceeds_it() -> None:
    assert float(federal_income_tax(2024, "single", 6000)) == pytest.approx(-459.0)
    # pre-tax contributions lower earned income and so the credit
    assert float(earned_income_credit(2024, "single", 6000, deferrals=2000)) == pytest.approx(306)
    assert float(federal_income_tax(2024, "single", 100_000)) > 0


def test_state_credits_at_the_grid_lowest_wages() -> None:
    def refundable(state: str, year: int, status: str, wages: float) -> float:
        return float(state_income_tax_breakdown(state, year, status, wages).refundable)  # type: ignore[arg-type]

    # CalEITC: $251 of credit left at $5,461.9, then a straight line to nothing at $32,901
    assert refundable("CA", 2025, "married_joint", 30000) == pytest.approx(26.54, abs=0.01)
    assert refundable("CA", 2025, "single", 32901) == 0.0
    assert refundable("CA", 2024, "single", 4525) == pytest.approx(0.85 * 0.0765 * 4525)
    # DC: federal phased-in $649 less 8.48% above $23,288
    assert refundable("DC", 2025, "single", 30000) == pytest.approx(649 - 0.0848 * 6712)
    # Minnesota: 4% of $9,480, full below $31,950 single, 12% phase-out
    assert refundable("MN", 2025, "single", 30000) == pytest.approx(379.20)
    assert refundable("MN", 2025, "single", 33000) == pytest.approx(379.20 - 0.12 * 1050)
    # New Mexico: rebate $63 for two exemptions over $29,500 but not over $31,000 (2025)
    assert refundable("NM", 2025, "married_joint", 30000) == pytest.approx(63.0)
    assert refundable("NM", 2025, "married_joint", 31000) == pytest.approx(63.0)
    assert refundable("NM", 2025, "married_joint", 31001) == pytest.approx(57.0)
    # ... and 25% of the federal EITC ($649 less 7.65% above $10,620) with a $149 rebate
    fed = 649 - 0.0765 * (12000 - 10620)
    assert refundable("NM", 2025, "single", 12000) == pytest.approx(149 + 0.25 * fed)


def test_arkansas_credits() -> None:
    # additional credit for qualified individuals: $120 joint below $25,800 of net income (2024)
    b = state_income_tax_breakdown("AR", 2024, "married_joint", 30000)
    assert float(b.credits) == pytest.approx(58 + 120)
    # $5 less per $100, or part, of net income above the start: 1,790 above at $30,000 (nothing
    # left), 290 above at $28,500 (3 steps)
    assert float(state_income_tax_breakdown("AR", 2024, "single", 30000).credits) == 29
    assert float(state_income_tax_breakdown("AR", 2024, "single", 28500).credits) == 29 + 60 - 15
    # 2023: 4.7% card with its high-income rows, inflationary relief credit gone by $104,600
    assert float(state_income_tax("AR", 2023, "single", 600_000)) == pytest.approx(27907.32)
    relief = state_income_tax_breakdown("AR", 2023, "single", 92_340)  # net 90,000: one step
    assert float(relief.credits) == pytest.approx(29 + 140)


def test_georgia_itemizer_credit_only_for_itemisers() -> None:
    itemiser = state_income_tax(
        "GA", 2025, "single", 300_000, itemizes_federally=True, federal_itemized=16387.5
    )
    assert float(itemiser) == pytest.approx(14419.49, abs=0.01)
    standard = state_income_tax("GA", 2025, "single", 300_000)
    assert float(standard) == pytest.approx(0.0519 * (300_000 - 12_000))


def test_a_credit_has_exactly_one_form() -> None:
    with pytest.raises(ValidationError):
        Credit(name="x")
    with pytest.raises(ValidationError):
        Credit(
            name="x",
            amount={"single": 1, "married_joint": 1, "head_of_household": 1},
            federal_eitc_share=0.25,
        )
