"""Federal income tax and FICA: golden cases, the data itself, properties, errors and speed."""

from __future__ import annotations

import tomllib
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff.pay import federal, payroll
from rolediff.pay.common import FILING_STATUSES, bracket_tax, marginal_rate

CASES = Path(__file__).parent / "cases" / "tax" / "federal"
YEARS = (2023, 2024, 2025, 2026)


def _cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = tomllib.loads((CASES / name).read_text())["case"]
    return cases


@pytest.mark.parametrize("case", _cases("income_tax.toml"), ids=lambda c: c["name"])
def test_income_tax_golden(case: dict[str, Any]) -> None:
    args = (
        case["year"],
        case["status"],
        case["wages"],
        case.get("deferrals", 0),
        case.get("section125", 0),
        case.get("state_local_tax", 0),
    )
    # the cases are worked from the brackets: the tax before the earned income credit
    tax = federal.federal_income_tax_before_credits(*args)
    assert float(tax) == pytest.approx(case["expected"], abs=0.005), case["note"]
    credit = federal.earned_income_credit(*args[:5])
    assert float(federal.federal_income_tax(*args)) == pytest.approx(float(tax - credit))


@pytest.mark.parametrize("case", _cases("fica.toml"), ids=lambda c: c["name"])
def test_fica_golden(case: dict[str, Any]) -> None:
    extra = {"section125": case.get("section125", 0)}
    if case["function"] == "social_security_tax":
        tax = payroll.social_security_tax(case["year"], case["wages"], **extra)
    else:
        tax = payroll.medicare_tax(case["year"], case["status"], case["wages"], **extra)
    assert float(tax) == pytest.approx(case["expected"], abs=0.005), case["note"]


def test_golden_cases_cover_every_year_and_status_and_the_salt_phase_down() -> None:
    cases = _cases("income_tax.toml")
    assert len(cases) >= 20
    assert {(c["year"], c["status"]) for c in cases} >= {
        (y, s) for y in (2024, 2025, 2026) for s in FILING_STATUSES
    }
    phased = [c for c in cases if c["year"] >= 2025 and c["wages"] > 500_000]
    assert {c["year"] for c in phased if c.get("state_local_tax")} == {2025, 2026}
    fica = _cases("fica.toml")  # the FICA golden test must not pass with no case
    assert {c["function"] for c in fica} == {"social_security_tax", "medicare_tax"}
    assert {c["year"] for c in fica} >= {2024, 2025, 2026}


# --- the data ------------------------------------------------------------------------------


def test_federal_data_covers_the_same_years() -> None:
    assert federal.years() == YEARS
    assert payroll.years() == YEARS


@pytest.mark.parametrize("year", YEARS)
def test_income_tax_data_is_well_formed(year: int) -> None:
    params = federal.schedule().years[year]
    top = None
    for status in FILING_STATUSES:
        thresholds, rates = params.brackets.of(status)
        assert thresholds[0] == 0
        assert all(b > a for a, b in pairwise(thresholds))
        assert all(0 <= r < 1 for r in rates)
        assert rates == sorted(rates), "federal rates rise with income"
        assert top in (None, rates[-1])
        top = rates[-1]
        assert params.standard_deduction.of(status) > 0
    assert params.reference and params.url.startswith("https://")
    phase = params.salt_phase_down
    assert phase is None or phase.floor <= params.salt_cap


def test_data_files_cite_sources() -> None:
    assert federal.schedule().references
    assert payroll.fica_schedule().references
    for year, params in payroll.fica_schedule().years.items():
        assert params.reference, year
        assert 0 < params.social_security_rate < 1


def test_salt_cap_phases_down_to_its_floor() -> None:
    caps = federal.salt_cap(2025, [400_000, 500_000, 550_000, 600_000, 2_000_000])
    np.testing.assert_allclose(caps, [40_000, 40_000, 25_000, 10_000, 10_000])
    np.testing.assert_allclose(federal.salt_cap(2024, [1_000_000]), [10_000])


# --- properties ----------------------------------------------------------------------------

wages = st.floats(min_value=0, max_value=5_000_000, allow_nan=False)
years = st.sampled_from(YEARS)
statuses = st.sampled_from(FILING_STATUSES)


@settings(max_examples=200, deadline=None)
@given(years, statuses, wages, st.floats(0, 100_000), st.floats(0, 200_000))
def test_tax_is_non_negative_and_at_most_the_top_rate(
    year: int, status: str, wage: float, deferral: float, salt: float
) -> None:
    before = float(federal.federal_income_tax_before_credits(year, status, wage, deferral, 0, salt))
    assert 0 <= before <= 0.37 * wage + 1e-6
    # the refundable earned income credit: 7.65% of earned income, at most the year's maximum
    after = float(federal.federal_income_tax(year, status, wage, deferral, 0, salt))
    maximum = federal.schedule().years[year].earned_income_credit.max_credit
    assert maximum is not None
    assert before - min(maximum, 0.0765 * max(wage - deferral, 0)) - 1e-6 <= after <= before


@settings(max_examples=200, deadline=None)
@given(years, statuses, wages, st.floats(1, 100_000), st.floats(0, 100_000))
def test_tax_never_falls_as_wages_rise_and_marginal_rate_is_bounded(
    year: int, status: str, wage: float, raise_: float, salt: float
) -> None:
    top = max(federal.schedule().years[year].brackets.of(status)[1])  # type: ignore[arg-type]

    def step(salt_paid: float, tax: Any = federal.federal_income_tax_before_credits) -> float:
        low = tax(year, status, wage, state_local_tax=salt_paid)
        high = tax(year, status, wage + raise_, state_local_tax=salt_paid)
        return float(high - low)

    assert 0 <= step(0.0) + 1e-6 <= top * raise_ + 2e-6
    # In the SALT phase-down each dollar also shrinks the deduction by 30 cents: 37% x 1.3.
    assert 0 <= step(salt) + 1e-6 <= top * 1.3 * raise_ + 2e-6
    # After the earned income credit: its 7.65% phase-in lowers the tax, its phase-out raises it.
    after = step(salt, federal.federal_income_tax)
    assert -0.0765 * raise_ - 1e-6 <= after <= (top * 1.3 + 0.0765) * raise_ + 2e-6


@settings(max_examples=50, deadline=None)
@given(years, statuses, st.lists(wages, min_size=1, max_size=20))
def test_vectorised_equals_element_wise(year: int, status: str, values: list[float]) -> None:
    salts = [v * 0.08 for v in values]
    batch = federal.federal_income_tax(year, status, values, state_local_tax=salts)
    one_by_one = [
        float(federal.federal_income_tax(year, status, v, state_local_tax=s))
        for v, s in zip(values, salts, strict=True)
    ]
    np.testing.assert_allclose(batch, one_by_one, rtol=0, atol=1e-9)
    ss = payroll.social_security_tax(year, values)
    np.testing.assert_allclose(ss, [float(payroll.social_security_tax(year, v)) for v in values])
    med = payroll.medicare_tax(year, status, values)
    np.testing.assert_allclose(med, [float(payroll.medicare_tax(year, status, v)) for v in values])


@settings(max_examples=100, deadline=None)
@given(years, statuses, wages, st.floats(1, 100_000))
def test_fica_is_non_negative_and_monotone(
    year: int, status: str, wage: float, raise_: float
) -> None:
    assert (
        0
        <= payroll.social_security_tax(year, wage)
        <= payroll.social_security_tax(year, wage + raise_)
    )
    assert (
        0
        <= payroll.medicare_tax(year, status, wage)
        <= payroll.medicare_tax(year, status, wage + raise_)
    )


# --- bad input -----------------------------------------------------------------------------


def test_uncovered_year_names_the_covered_years() -> None:
    with pytest.raises(ValueError, match="2023, 2024, 2025, 2026"):
        federal.federal_income_tax(2022, "single", 50_000)
    with pytest.raises(ValueError, match="2023, 2024, 2025, 2026"):
        payroll.social_security_tax(2027, 50_000)


def test_bad_status_names_the_choices() -> None:
    with pytest.raises(ValueError, match="single, married_joint, head_of_household"):
        federal.federal_income_tax(2024, "married_separate", 50_000)
    with pytest.raises(ValueError, match="head_of_household"):
        payroll.medicare_tax(2024, "widow", 50_000)


def test_everyday_status_names_are_accepted() -> None:
    assert federal.federal_income_tax(2025, "MFJ", 90_000) == federal.federal_income_tax(
        2025, "married_joint", 90_000
    )
    assert federal.federal_income_tax(2025, "head-of-household", 90_000) == (
        federal.federal_income_tax(2025, "hoh", 90_000)
    )


@pytest.mark.parametrize("value", [-1.0, float("nan"), float("inf")])
def test_negative_or_non_finite_wages_are_rejected(value: float) -> None:
    with pytest.raises(ValueError, match="wages"):
        federal.federal_income_tax(2024, "single", [10_000, value])


def test_bracket_helper_handles_a_first_threshold_above_zero() -> None:
    tax = bracket_tax([-5, 5, 15, 40], [10, 20], [0.1, 0.5])
    np.testing.assert_allclose(tax, [0, 0, 0.5, 11])
    np.testing.assert_allclose(marginal_rate([5, 15, 40], [10, 20], [0.1, 0.5]), [0, 0.1, 0.5])
    with pytest.raises(ValueError, match="ascending"):
        bracket_tax([1], [0, 0], [0.1, 0.2])
