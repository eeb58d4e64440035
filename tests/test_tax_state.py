"""State income tax on wages: golden cases as data, properties, and the data files themselves."""

from __future__ import annotations

import tomllib
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff.pay.common import FILING_STATUSES
from rolediff.pay.state_income import (
    STATE_IDS,
    state_income_tax,
    state_income_tax_breakdown,
    state_tax_data,
)

CASES = sorted((Path(__file__).parent / "cases" / "tax" / "state").glob("*.toml"))
NO_WAGE_TAX = {"ak", "fl", "nv", "nh", "sd", "tn", "tx", "wa", "wy"}
STATE_YEARS = [(s, y) for s in STATE_IDS for y in sorted(state_tax_data(s).years)]
NO_CLIFFS = [(s, y) for s, y in STATE_YEARS if not state_tax_data(s).coverage.cliffs]


def _case(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case(path: Path) -> None:
    case = _case(path)
    tax = state_income_tax(
        case["state"],
        case["year"],
        case["status"],
        case["wages"],
        case.get("deferrals", 0),
        case.get("section125", 0),
        case.get("federal_income_tax", 0),
    )
    assert float(tax) == pytest.approx(case["expected"], abs=0.01), case["note"]


def test_every_taxing_state_has_golden_cases_for_the_validation_years() -> None:
    covered = {(c["state"], c["year"]) for c in map(_case, CASES)}
    for state in STATE_IDS:
        for year in (2024, 2025):
            if year in state_tax_data(state).years:
                assert (state, year) in covered, (state, year)


# --- the data ----------------------------------------------------------------------------


def test_every_state_and_dc_has_a_file() -> None:
    assert len(STATE_IDS) == 51
    folder = Path(__file__).parents[1] / "src" / "rolediff" / "data" / "tax_state"
    assert {p.stem for p in folder.glob("*.toml")} == set(STATE_IDS)
    for state in STATE_IDS:
        assert state_tax_data(state).id == state


@pytest.mark.parametrize("state", STATE_IDS)
def test_state_file_is_complete(state: str) -> None:
    data = state_tax_data(state)
    assert data.wage_tax == (state not in NO_WAGE_TAX)
    assert {2024, 2025} <= set(data.years)
    for table in data.years.values():
        assert table.reference and table.url.startswith("http")
        if table.brackets is None:
            continue
        for status in FILING_STATUSES:
            thresholds, rates = table.brackets.of(status)
            assert thresholds[0] == 0
            assert all(b > a for a, b in pairwise(thresholds))
            assert all(0 <= r < 1 for r in rates)


def test_no_wage_tax_states_return_zero_by_rule() -> None:
    wages = np.linspace(0, 2_000_000, 101)
    for state in NO_WAGE_TAX:
        data = state_tax_data(state)
        assert not data.wage_tax and data.coverage.modelled
        for year in data.years:
            assert not state_income_tax(state, year, "single", wages).any()


def test_pennsylvania_taxes_deferrals_and_california_taxes_hsa() -> None:
    assert state_income_tax("pa", 2024, "single", 60000, deferrals=6000) == pytest.approx(1842)
    with_hsa = state_income_tax("ca", 2024, "single", 80000, section125=4000)
    assert with_hsa == state_income_tax("ca", 2024, "single", 80000)
    assert state_income_tax("nc", 2024, "single", 80000, section125=4000) < state_income_tax(
        "nc", 2024, "single", 80000
    )


def test_bad_input_names_the_choices() -> None:
    with pytest.raises(ValueError, match="covers tax years 2023, 2024, 2025, 2026"):
        state_income_tax("nc", 2019, "single", 1)
    with pytest.raises(ValueError, match="unknown state 'zz'"):
        state_income_tax("zz", 2024, "single", 1)
    with pytest.raises(ValueError, match="filing status"):
        state_income_tax("nc", 2024, "widow", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must not be negative"):
        state_income_tax("nc", 2024, "single", -1)


def test_breakdown_adds_up() -> None:
    b = state_income_tax_breakdown("ca", 2024, "married_joint", [50_000, 500_000], 10_000)
    assert np.allclose(b.taxable_income, np.maximum(b.state_agi - b.deductions, 0))
    assert np.allclose(b.tax, b.tax_before_credits - b.credits)


# --- properties --------------------------------------------------------------------------

wages = st.floats(min_value=0, max_value=3_000_000, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(STATE_YEARS),
    st.sampled_from(FILING_STATUSES),
    st.lists(wages, min_size=1, max_size=20),
    st.floats(min_value=0, max_value=23_000),
)
def test_tax_is_sane_and_vectorised_equals_scalar(
    state_year: tuple[str, int], status: Any, w: list[float], deferral: float
) -> None:
    state, year = state_year
    d = np.minimum(deferral, w)
    tax = state_income_tax(state, year, status, w, d)
    assert tax.shape == (len(w),)
    assert not np.isnan(tax).any()
    assert (tax >= 0).all() and (tax <= np.asarray(w)).all()
    scalar = [float(state_income_tax(state, year, status, x, y)) for x, y in zip(w, d, strict=True)]
    assert np.allclose(tax, scalar)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NO_CLIFFS), st.sampled_from(FILING_STATUSES), wages)
def test_after_tax_pay_never_falls_where_no_cliff_is_listed(
    state_year: tuple[str, int], status: Any, start: float
) -> None:
    state, year = state_year
    w = start + np.linspace(0, 50_000, 2001)
    after = w - state_income_tax(state, year, status, w)
    assert (np.diff(after) >= -1e-6).all()
